# The two commands of the README: `make demo` and `make test`. Both set themselves up first, from the
# lock of their profile (requirements/*.lock). `make lock` and `make upgrade-check` are the upgrade routine
# of docs/development.md.
.PHONY: demo test lint bench lock upgrade-check

UV_VERSION = 0.13.10
UPGRADE_VENV = .venv-upgrade

demo:
	@scripts/setup.sh runtime
	HF_HUB_OFFLINE=1 .venv/bin/actiondiff compare data/samples/squat/a.mp4 data/samples/squat/b.mp4 \
		--action squat --differences-file data/samples/squat/pair.yaml -o out/squat.json
	.venv/bin/actiondiff report out/squat.json -o out/squat.html

test:
	@scripts/setup.sh dev
	.venv/bin/python -m pytest -q --durations=25

lint:
	@scripts/setup.sh dev
	.venv/bin/ruff check src tests benchmarks data scripts
	.venv/bin/ruff format --check src tests benchmarks data scripts
	.venv/bin/mypy

bench:
	@scripts/setup.sh dev
	.venv/bin/python benchmarks/bench_io_pose.py
	.venv/bin/python benchmarks/bench_kinematics.py
	.venv/bin/python benchmarks/bench_compare.py
	.venv/bin/python benchmarks/bench_export.py
	.venv/bin/python benchmarks/bench_invariance.py
	.venv/bin/python benchmarks/bench_open.py
	.venv/bin/python benchmarks/bench_batch.py
	.venv/bin/python benchmarks/bench_calibration.py

# Resolve the locks again after pyproject.toml changed (today's pins kept where they still fit);
# `make lock UPGRADE=1` takes the newest releases the ranges allow.
lock:
	@[ -x .venv-tools/bin/uv ] || { python3 -m venv .venv-tools && .venv-tools/bin/pip install --quiet uv==$(UV_VERSION); }
	UV=.venv-tools/bin/uv python3 scripts/lock.py write $(if $(UPGRADE),--upgrade)

# Not in CI: the newest releases of everything, unlocked, in a scratch environment, and the whole suite.
upgrade-check:
	rm -rf $(UPGRADE_VENV)
	python3 -m venv $(UPGRADE_VENV)
	$(UPGRADE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(UPGRADE_VENV)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[dev]"
	$(UPGRADE_VENV)/bin/python -m pip freeze --exclude-editable > $(UPGRADE_VENV)/resolved.txt
	$(UPGRADE_VENV)/bin/python scripts/fetch_real_clips.py
	$(UPGRADE_VENV)/bin/python -m pytest -q --durations=25
