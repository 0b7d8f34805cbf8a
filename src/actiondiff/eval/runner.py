"""The generic batch runner: a predict function over keyed items, on a local process pool or Ray.

It knows nothing about any benchmark. Each finished item is appended to a JSONL file as
`{"key", "output", "seconds"}` and fsync'd by the one writing process; a re-run reads that file
and skips finished keys, so a killed run resumes without recomputing. Outputs come back in item
order whichever engine ran them, so the local and Ray engines give identical results. Several
runs can share one Ray connection (`ray_session`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Literal

from actiondiff.errors import InputError
from actiondiff.storage import append_jsonl, read_jsonl

Engine = Literal["local", "ray"]
PredictFn = Callable[[Any], dict[str, Any]]
DoneFn = Callable[[str], None]
FinishFn = Callable[[str, dict[str, Any], float], None]
StoreFn = Callable[[str, Any], dict[str, Any]]
KeepFn = Callable[[dict[str, Any]], bool]


def default_workers() -> int:
    """All local cores."""
    return os.cpu_count() or 1


def run(
    items: Sequence[tuple[str, Any]],
    predict: PredictFn,
    records: str | Path,
    *,
    engine: Engine = "local",
    workers: int | None = None,
    address: str | None = None,
    on_done: DoneFn | None = None,
    store: StoreFn | None = None,
    keep: KeepFn | None = None,
) -> list[dict[str, Any]]:
    """Run `predict(item)` for every (key, item) not yet in `records`; return all outputs in item order.

    `predict` must be picklable (a module-level function or an instance of a module-level class)
    when it runs in other processes: `workers` > 1 locally, or any Ray run. `store(key, output)`,
    in this process, turns each finished output into what its record keeps, before the record is
    written (e.g. writes its large parts to files). A recorded output that `keep` refuses is run again.
    """
    records = Path(records)
    keys = [key for key, _ in items]
    if len(set(keys)) != len(keys):
        raise InputError(records, "item keys must be unique")
    done = {
        r["key"]: r["output"]
        for r in read_jsonl(records)
        if "key" in r and "output" in r and (keep is None or keep(r["output"]))
    }
    todo = [(key, item) for key, item in items if key not in done]
    for key in keys:
        if key in done and on_done:
            on_done(key)

    def finish(key: str, output: Any, seconds: float) -> None:
        if store is not None:
            output = store(key, output)
        append_jsonl(records, {"key": key, "output": output, "seconds": round(seconds, 3)})
        done[key] = output
        if on_done:
            on_done(key)

    if engine == "ray":
        _run_ray(todo, predict, finish, address, workers)
    else:
        _run_local(todo, predict, finish, workers or default_workers())
    return [done[key] for key in keys]


def _timed(predict: PredictFn, item: Any) -> tuple[dict[str, Any], float]:
    start = time.perf_counter()
    output = predict(item)
    return output, time.perf_counter() - start


def _run_local(
    todo: list[tuple[str, Any]],
    predict: PredictFn,
    finish: Callable[[str, dict[str, Any], float], None],
    workers: int,
) -> None:
    if workers <= 1 or len(todo) <= 1:
        for key, item in todo:
            finish(key, *_timed(predict, item))
        return
    workers = min(workers, len(todo))
    # spawn: forked children would inherit the parent's model threads and locks
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        with _shared_cores(workers):  # the workers start as the items are submitted
            pending: dict[Future[tuple[dict[str, Any], float]], str] = {
                pool.submit(_timed, predict, item): key for key, item in todo
            }
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    finish(pending.pop(future), *future.result())
        except BaseException:  # Ctrl-C or a failure: stop now, not after every queued item has run
            pool.shutdown(wait=False, cancel_futures=True)
            raise


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def _shared_cores(workers: int) -> Iterator[None]:
    """Worker processes started meanwhile share the cores: each one's OpenMP and BLAS thread pools get
    cores // workers threads (as Ray gives a task its CPUs), where the environment does not set them.
    Without it each worker starts a thread per core and on 2 cores a pool of 2 ran slower than 1 process."""
    threads = str(max(1, default_workers() // workers))
    added = [name for name in THREAD_VARIABLES if name not in os.environ]
    os.environ.update(dict.fromkeys(added, threads))
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _run_ray(
    todo: list[tuple[str, Any]],
    predict: PredictFn,
    finish: FinishFn,
    address: str | None,
    workers: int | None,
) -> None:
    with ray_session(address, workers) as ray:
        remote = ray.remote(_timed)
        pending = {remote.remote(predict, item): key for key, item in todo}
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                finish(pending.pop(ref), *ray.get(ref))


@contextmanager
def ray_session(address: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """The `ray` module, connected: to the cluster at `address` ("auto" or host:port), or to a local
    instance started here with `workers` CPUs (None: all). A connection already open is used as it is
    and left open; one opened here is closed on leaving."""
    try:
        import ray
    except ImportError as exc:
        raise InputError("--engine ray", "Ray is not installed: pip install 'actiondiff[cluster]'") from exc
    started_here = not ray.is_initialized()
    if started_here:
        # address None starts a local Ray instance; "auto" or host:port joins a running cluster
        ray.init(address=address, num_cpus=workers if address is None else None, include_dashboard=False,
                 log_to_driver=False)  # fmt: skip
    try:
        yield ray
    finally:
        if started_here:
            ray.shutdown()
