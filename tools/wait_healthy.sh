# Sourced by the scripts that start an instance of their own (bench.sh,
# bench_ingest.sh, security_scan.sh).
#
# wait_healthy BASE LOG: waits up to 20 s for BASE/health to answer;
# prints LOG and exits the calling script with 1 when it never does.
wait_healthy() {
	_tries=0
	until curl -sf "$1/health" >/dev/null; do
		_tries=$((_tries + 1))
		if [ "$_tries" -gt 200 ]; then
			cat "$2"
			exit 1
		fi
		sleep 0.1
	done
}
