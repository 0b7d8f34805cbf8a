"""Runs comparison jobs one at a time on a background thread, reporting progress to the job store.

The heavy work (decoding, the pose model, numpy) releases the GIL, so the web server stays
responsive while a job runs. Pose is extracted first with per-frame progress; the comparison then
finds both tracks in the pose cache.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol

from actiondiff.config import Config
from actiondiff.errors import ActionDiffError
from actiondiff.models import ComparisonResult
from actiondiff.pose import expected_frames, extract_pose
from actiondiff.web.store import JobRequest, JobStore

log = logging.getLogger(__name__)

POSE_SHARE = 0.6
"""Part of the progress bar given to pose extraction (both videos together)."""


class CompareFn(Protocol):
    """The signature of `actiondiff.compare`."""

    def __call__(
        self,
        a: str,
        b: str,
        *,
        action: str,
        differences: list[str] | None,
        n_open: int | None,
        config: Config,
        progress: Callable[[str], None],
    ) -> ComparisonResult: ...


def default_compare() -> CompareFn:
    import actiondiff

    return actiondiff.compare


class JobRunner:
    """A single worker thread fed by a queue of job ids."""

    def __init__(self, store: JobStore, config: Config, compare: CompareFn | None = None) -> None:
        self.store = store
        self.config = config
        self.compare = compare
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="actiondiff-jobs", daemon=True)

    def start(self) -> None:
        """Start the worker and re-queue the jobs a previous run left unfinished."""
        for job in self.store.unfinished():
            self.store.update(job.id, status="queued", stage="waiting", progress=0.0)
            self._queue.put(job.id)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def submit(self, job_id: str) -> None:
        self._queue.put(job_id)

    def _loop(self) -> None:
        while (job_id := self._queue.get()) is not None:
            job = self.store.get(job_id)
            if job is None or job.status not in ("queued", "running"):
                continue
            try:
                result = self._run(job_id, job.request)
            except ActionDiffError as exc:
                self.store.update(job_id, status="failed", stage="failed", error=str(exc))
            except Exception as exc:
                log.exception("job %s failed", job_id)
                self.store.update(job_id, status="failed", stage="failed", error=f"internal error: {exc!r}")
            else:
                self.store.finish(job_id, result.model_dump_json(), len(result.differences))

    def _run(self, job_id: str, request: JobRequest) -> ComparisonResult:
        self.store.update(job_id, status="running", stage="reading videos", progress=0.02)
        totals = [expected_frames(v, self.config) for v in (request.video_a, request.video_b)]
        done = 0

        def advance(stage: str) -> Callable[[object], None]:
            def on_frame(_: object) -> None:
                nonlocal done
                done += 1
                if done % 5 == 0:
                    share = POSE_SHARE * done / max(1, sum(totals))
                    self.store.update(job_id, stage=stage, progress=round(0.02 + share, 3))

            return on_frame

        extract_pose(request.video_a, self.config, on_frame=advance("finding the body in A"))
        extract_pose(request.video_b, self.config, on_frame=advance("finding the body in B"))
        self.store.update(job_id, stage="comparing", progress=0.02 + POSE_SHARE)
        steps = 0

        def on_step(stage: str) -> None:
            nonlocal steps
            steps += 1
            share = (1.0 - POSE_SHARE - 0.04) * (1.0 - 0.8**steps)
            self.store.update(job_id, stage=stage, progress=round(0.02 + POSE_SHARE + share, 3))

        compare = self.compare or default_compare()
        return compare(
            str(request.video_a),
            str(request.video_b),
            action=request.action,
            differences=request.differences if request.mode == "closed" else None,
            n_open=request.n_open if request.mode == "open" else None,
            config=self.config,
            progress=on_step,
        )
