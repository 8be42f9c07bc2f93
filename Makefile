PY ?= .venv/bin/python

.PHONY: check test lint bench snapshot

check: lint test

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/mypy

test:
	$(PY) -m pytest -n 2 -q

bench:
	$(PY) bench/bench_uncertainty.py
	$(PY) bench/bench_rank.py
	$(PY) bench/bench_calls.py
	$(PY) bench/bench_dsm.py
	$(PY) bench/bench_dsm_spark.py
	$(PY) bench/bench_web_rerank.py

snapshot:
	.venv/bin/marketscout snapshot build --raw ../shared/data
