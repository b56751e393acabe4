# Secura - build, run and test. `make help` lists the targets.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c17 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wformat=2
CPPFLAGS += -D_DEFAULT_SOURCE -D_GNU_SOURCE
LIBS    := -lfcgi -lcurl -lsqlite3 -ljansson -lscrypt -lcmark -llinear -lhpdf -lxlsxwriter -lz -lpthread -lm -lyaml -lgvc -lcgraph -lcdt -lfontconfig -lGeoIP -loath -lqrencode -ltesseract -llept
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

B       := build
SRC     := $(sort $(wildcard src/core/*.c src/domain/*.c src/web/*.c src/ml/*.c))
OBJ     := $(SRC:%.c=$(B)/%.o) $(B)/gen/embedded.o
SOBJ    := $(SRC:%.c=$(B)/san/%.o) $(B)/san/gen/embedded.o
EMBED   := $(sort $(wildcard schema/*.sql schema/events/*.sql)) data/common-passwords.txt static/openapi.json
PROGS   := $(B)/app $(B)/reports $(B)/events $(B)/ingest $(B)/worker $(B)/secura
SPROGS  := $(PROGS:$(B)/%=$(B)/san/bin/%)
UNIT    := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/*.c))
SPEC    := tests/spec/mustache
DATASETS ?= $(or $(SECURA_DATASETS),../shared/datasets)
SPECS   := comments delimiters interpolation inverted partials sections ~inheritance

.PHONY: all deps test-deps test sanitize fuzz bench bench-ingest eval otrf-graph install test-security models office-models load run demo clean format help

all: $(PROGS)

help:
	@echo "make load       10,000 live SSE clients and one broadcast (tests/load)"
	@echo "make            build build/app, build/reports, build/events (FastCGI), build/worker and build/secura (CLI)"
	@echo "make run        install packages, build, start nginx + FastCGI on :8080"
	@echo "make test       install packages, build, run every test suite"
	@echo "make demo       add realistic demo incidents (COUNT=N, default 300)"
	@echo "make sanitize   unit and spec tests under ASan/UBSan"
	@echo "make bench      wrk against 100,000 incidents, with baselines"
	@echo "make bench-ingest  events/s through the intake beside a bare insert loop"
	@echo "make eval       the assistant's recall, OCR error rate, classifiers beside scikit-learn"
	@echo "make otrf-graph attack paths on the OTRF recordings beside their rarity baseline"
	@echo "make test-security  sqlmap against a running instance (bounded; not in make test)"
	@echo "make install    install under PREFIX (/opt/secura) with the units, site and logrotate file"
	@echo "make models     retrain the shipped models in data/models from their manifests"
	@echo "make fuzz       run each libFuzzer harness for FUZZ_SECONDS (clang)"
	@echo "make format     clang-format every C file"

deps:
	@tools/install-deps.sh

test-deps:
	@tools/install-deps.sh --test

$(B)/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

$(B)/gen/embedded.c: $(B)/embed $(EMBED)
	@mkdir -p $(@D)
	$(B)/embed $@ $(foreach f,$(EMBED),$(f)=$(f))

$(B)/gen/embedded.o: $(B)/gen/embedded.c
	$(CC) $(CPPFLAGS) -std=c17 $(CFLAGS) -c -o $@ $<

$(B)/san/gen/embedded.o: $(B)/gen/embedded.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -std=c17 -g -c -o $@ $<

$(B)/%.o: %.c $(wildcard src/*/*.h src/core/stmts/*) src/core/stmts.def
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

$(B)/san/%.o: %.c $(wildcard src/*/*.h src/core/stmts/*) src/core/stmts.def
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) -c -o $@ $<

# Rebuilt from scratch, so a removed source leaves no stale member.
$(B)/libsecura.a: $(OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/libsecura-san.a: $(SOBJ)
	rm -f $@ && ar rcs $@ $^

# The programs: one per cgi-bin/*.c (four FastCGI servers and the worker).
$(B)/app $(B)/reports $(B)/events $(B)/ingest $(B)/worker: $(B)/%: cgi-bin/%.c $(B)/libsecura.a
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(B)/libsecura.a $(LIBS)

$(B)/secura: tools/secura.c $(B)/libsecura.a
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(B)/libsecura.a $(LIBS)

# The same programs under ASan/UBSan (`make sanitize`; the end-to-end
# suite runs against these, with SECURA_BIN=build/san/bin).
$(B)/san/bin/app $(B)/san/bin/reports $(B)/san/bin/events $(B)/san/bin/ingest $(B)/san/bin/worker: $(B)/san/bin/%: cgi-bin/%.c $(B)/libsecura-san.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) -o $@ $< $(B)/libsecura-san.a $(LIBS)

$(B)/san/bin/secura: tools/secura.c $(B)/libsecura-san.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) -o $@ $< $(B)/libsecura-san.a $(LIBS)

$(B)/tests/%: tests/unit/%.c tests/testhelp.h tests/testdb.h $(B)/libsecura-san.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) -o $@ $< $(B)/libsecura-san.a $(LIBS)

$(B)/tests/spec_test: tests/spec/spec_test.c tests/testhelp.h $(B)/libsecura-san.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) -o $@ $< $(B)/libsecura-san.a $(LIBS)

# Unit and spec tests always run under ASan/UBSan; `make sanitize` runs
# them and builds the sanitized programs. Any failure fails the target.
sanitize: $(UNIT) $(B)/tests/spec_test $(SPROGS)
	@for t in $(UNIT); do $$t >/dev/null || { echo "$$t failed"; exit 1; }; done
	@$(B)/tests/spec_test --skip tests/spec/skip.txt $(foreach s,$(SPECS),$(SPEC)/$(s).json) >/dev/null
	@echo "unit and spec tests pass under ASan/UBSan; sanitized programs in $(B)/san/bin"

test: test-deps
	@mkdir -p $(B)
	@$(MAKE) --no-print-directory all $(SPROGS) $(UNIT) $(B)/tests/spec_test >$(B)/build.log 2>&1 || { cat $(B)/build.log; echo "0 passed, 1 failed"; exit 1; }
	@tests/run.sh

FUZZ_SECONDS ?= 60
LOAD_CLIENTS ?= 10000
FUZZ_CORE   := src/core/arena.c src/core/buf.c src/core/esc.c src/core/utf8.c
$(B)/fuzz/fuzz_req: tests/fuzz/fuzz_req.c src/core/req.c $(FUZZ_CORE)
	@mkdir -p $(@D)
	clang $(CPPFLAGS) -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $^ -ljansson
$(B)/fuzz/fuzz_tmpl: tests/fuzz/fuzz_tmpl.c src/core/tmpl.c $(FUZZ_CORE)
	@mkdir -p $(@D)
	clang $(CPPFLAGS) -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $^ -ljansson

$(B)/fuzz/fuzz_files: tests/fuzz/fuzz_files.c src/domain/filecheck.c src/ml/httpfeat.c src/ml/iforest.c $(FUZZ_CORE)
	@mkdir -p $(@D)
	clang $(CPPFLAGS) -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $^ -ljansson -lz -lm

# The code under test is compiled with the fuzzer's coverage; the rest
# comes from the library.
FUZZ_EV := src/domain/events.c src/domain/accesslog.c src/ml/evfeat.c src/ml/window.c src/ml/httpfeat.c
$(B)/fuzz/fuzz_events $(B)/fuzz/fuzz_features $(B)/fuzz/fuzz_accesslog: $(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_EV) $(B)/libsecura.a
	@mkdir -p $(@D)
	clang $(CPPFLAGS) -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_EV) $(B)/libsecura.a $(LIBS)

$(B)/bench/trivial: tests/load/trivial.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $< -lfcgi -lpthread
$(B)/bench/commits $(B)/bench/bare_ingest: $(B)/bench/%: tests/load/%.c $(B)/libsecura.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(B)/libsecura.a $(LIBS)

# Benchmarks print figures and ratios against baselines from the same run;
# they are not tests and assert nothing.
bench: all $(B)/bench/trivial $(B)/bench/commits
	@tools/install-deps.sh --bench
	@tools/bench.sh

# The intake: events/s through nginx beside a bare parse-and-insert loop,
# the cost of scoring, the incident list's p99 while events pour in.
bench-ingest: all $(B)/bench/bare_ingest
	@tools/install-deps.sh --bench
	@tools/bench_ingest.sh

# The live-notification load test: 10,000 SSE clients, one broadcast.
load: all
	@tools/install-deps.sh --bench
	@tests/load/sse.sh $(LOAD_CLIENTS)

# The shipped default models, retrained from their manifests (the shared
# datasets mapped onto Secura's categories; see data/models/README.md).
models: all
	@tools/need-datasets.sh "$(DATASETS)"
	@for m in data/models/*.json; do echo "== $$m"; \
		$(B)/secura ml train --manifest $$m --datasets "$(DATASETS)" --out $${m%.json}.model | head -2 || exit 1; done
	@echo "== data/models/http-access.anomaly"
	@$(B)/secura ml anomaly train --format csic --normal-only \
		--data "$(DATASETS)/csic2010/normalTrafficTraining.jsonl" \
		--labelled "$(DATASETS)/httpparams/httpparams.jsonl" --labelled-format httpparams \
		--out data/models/http-access.anomaly
	@$(MAKE) --no-print-directory office-models

# The sign-in and flow models start from two weeks of generated office
# traffic (no public dataset has an office's sign-ins and flows); an
# admin retrains them from the organisation's own events.
office-models: all
	@$(B)/secura traffic --out $(B)/office.ndjson --count 200000 --days 14 --end 2026-11-30 --scenario normal --seed 7
	@for k in auth network-flow; do echo "== data/models/$$k.anomaly"; \
		$(B)/secura ml anomaly train --kind $$k --data $(B)/office.ndjson --out data/models/$$k.anomaly || exit 1; done

# Classifier figures against scikit-learn's on the shared datasets.
eval: all
	@tools/need-datasets.sh "$(DATASETS)"
	@tools/install-deps.sh --eval
	@tools/eval.sh

# Attack paths on the OTRF lateral-movement recordings (README's figures).
otrf-graph: all
	@tools/need-datasets.sh "$(DATASETS)"
	@SECURA_DATASETS="$(DATASETS)" tools/otrf_graph.py $(B)

# Fuzzing is not part of `make test` (it is open-ended); run it by hand.
fuzz: $(B)/fuzz/fuzz_req $(B)/fuzz/fuzz_tmpl $(B)/fuzz/fuzz_files $(B)/fuzz/fuzz_events $(B)/fuzz/fuzz_features $(B)/fuzz/fuzz_accesslog
	@for f in $^; do n=$${f##*/}; echo "fuzzing $$f for $(FUZZ_SECONDS)s"; \
	  mkdir -p $(B)/fuzz/corpus/$$n; cp tests/fuzz/corpus/$$n/* $(B)/fuzz/corpus/$$n/ 2>/dev/null; \
	  $$f $(B)/fuzz/corpus/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 2>&1 | tail -n 3 || exit 1; done

# sqlmap against a running instance (tools/security_scan.sh); long, so
# not part of `make test`.
test-security: all
	@tools/install-deps.sh --security
	@tools/security_scan.sh

# Installs the programs, templates, static files and shipped data under
# $(DESTDIR)$(PREFIX), with the systemd units, the nginx site and the
# logrotate file (their paths set to PREFIX) under share/ (docs/operations.md).
PREFIX  ?= /opt/secura
install: all
	@install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/systemd \
	  $(DESTDIR)$(PREFIX)/share/nginx $(DESTDIR)$(PREFIX)/share/logrotate
	@install -m 0755 $(B)/app $(B)/reports $(B)/events $(B)/ingest $(B)/worker $(B)/secura \
	  $(DESTDIR)$(PREFIX)/bin/
	@for f in $$(find templates static data -type f); do \
	  install -D -m 0644 $$f $(DESTDIR)$(PREFIX)/$$f || exit 1; done
	@for u in nginx/systemd/*.service; do \
	  sed 's|@PREFIX@|$(PREFIX)|g' $$u >$(DESTDIR)$(PREFIX)/share/systemd/$${u##*/} || exit 1; done
	@sed 's|@PREFIX@|$(PREFIX)|g' nginx/secura-site.conf >$(DESTDIR)$(PREFIX)/share/nginx/secura.conf
	@install -m 0644 nginx/logrotate.secura $(DESTDIR)$(PREFIX)/share/logrotate/secura
	@echo "installed into $(DESTDIR)$(PREFIX) (units in share/systemd, the site in share/nginx)"

run: deps all
	@tools/run.sh

# Adds a few hundred realistic incidents to ./var (or $$SECURA_DATA).
demo: all
	$(B)/secura init >/dev/null
	$(B)/secura demo $(if $(COUNT),--count $(COUNT))

format:
	clang-format -i $(SRC) $(wildcard src/*/*.h) cgi-bin/*.c tools/*.c tests/unit/*.c tests/spec/*.c

clean:
	rm -rf $(B)
