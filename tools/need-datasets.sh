#!/bin/sh
# `make eval` and `make models` read the public datasets beside the
# project (../shared/datasets, or $SECURA_DATASETS). Stops with a clear
# message when they are absent; no test needs them.
if [ ! -f "$1/README.md" ]; then
	echo "secura: the datasets are not at $1." >&2
	echo "  make eval and make models need the shared public datasets;" >&2
	echo "  set SECURA_DATASETS=/path/to/datasets (or DATASETS=...) and run again." >&2
	exit 2
fi
