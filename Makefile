# The two commands of the README: `make demo` and `make test`. Both set themselves up first.
.PHONY: demo test lint bench

demo:
	@scripts/setup.sh runtime
	HF_HUB_OFFLINE=1 .venv/bin/actiondiff compare data/samples/squat/a.mp4 data/samples/squat/b.mp4 \
		--action squat --differences-file data/samples/squat/pair.yaml -o out/squat.json
	.venv/bin/actiondiff report out/squat.json -o out/squat.html

test:
	@scripts/setup.sh dev
	.venv/bin/python -m pytest -q

lint:
	@scripts/setup.sh dev
	.venv/bin/ruff check src tests benchmarks data
	.venv/bin/ruff format --check src tests benchmarks data
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
