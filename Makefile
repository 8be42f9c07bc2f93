PY ?= .venv/bin/python

.PHONY: check test lint bench snapshot mutation

check: lint test

lint:
	.venv/bin/ruff check src tests bench tools
	.venv/bin/mypy

test:
	$(PY) -m pytest -n 2 -q

bench:
	$(PY) bench/bench_startup.py
	$(PY) bench/bench_uncertainty.py
	$(PY) bench/bench_rank.py
	$(PY) bench/bench_first_run.py
	$(PY) bench/bench_calls.py
	$(PY) bench/bench_dsm.py
	$(PY) bench/bench_dsm_xlsx.py
	$(PY) bench/bench_dsm_spark.py
	$(PY) bench/bench_web_rerank.py

snapshot:
	.venv/bin/marketscout snapshot build --raw ../shared/data

# Mutation testing of the core on a reproducible sample (docs/testing.md); not run in CI.
# make mutation PACKAGES="index calls" EVERY=20 SALT=0
PACKAGES ?= index calls priority dsm survey criteria store web.security
EVERY ?= 20
SALT ?= 0
mutation:
	.venv/bin/pip install -q -e '.[dev,mutation]'
	$(PY) tools/mutation.py run --packages $(PACKAGES) --every $(EVERY) --salt $(SALT)
