"""Runs comparison jobs one at a time on a background thread, reporting progress to the job store.

The heavy work (decoding, the pose model, numpy) releases the GIL, so the web server stays
responsive while a job runs. Pose is extracted first with per-frame progress; the comparison then
finds both tracks in the pose cache.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from collections.abc import Callable
from typing import Protocol

from actiondiff.config import Config
from actiondiff.errors import ActionDiffError, VideoError
from actiondiff.models import ComparisonResult
from actiondiff.pose import expected_frames, extract_pose
from actiondiff.report.html import tally
from actiondiff.web.store import JobRequest, JobStore
from actiondiff.web.uploads import plain_video_cause, upload_subject
from actiondiff.web.warmup import Warmup

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
        performers: tuple[tuple[float, float] | None, tuple[float, float] | None],
    ) -> ComparisonResult: ...


def default_compare() -> CompareFn:
    import actiondiff

    return actiondiff.compare


class JobRunner:
    """A single worker thread fed by a queue of job ids."""

    def __init__(
        self, store: JobStore, config: Config, compare: CompareFn | None = None, warmup: Warmup | None = None
    ) -> None:
        self.store = store
        self.config = config
        self.compare = compare
        self.warmup = warmup
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="actiondiff-jobs", daemon=True)

    def start(self) -> None:
        """Start the worker, count the verdicts of results stored without their tally, and re-queue the
        jobs a previous run left unfinished."""
        for job_id in self.store.untallied():
            text = self.store.result(job_id)
            if text is not None:
                self.store.set_tally(job_id, tally(ComparisonResult.model_validate_json(text).differences))
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
                self.store.update(
                    job_id, status="failed", stage="failed", error=describe_failure(exc, job.request)
                )
            except Exception as exc:
                log.exception("job %s failed", job_id)
                error = f"internal error: {describe_failure(exc, job.request)}"
                self.store.update(job_id, status="failed", stage="failed", error=error)
            else:
                self.store.finish(
                    job_id, result.model_dump_json(), len(result.differences), tally(result.differences)
                )

    def _run(self, job_id: str, request: JobRequest) -> ComparisonResult:
        if self.warmup is not None and not self.warmup.wait(0):
            self.store.update(
                job_id, status="running", stage="loading the models (once per start)", progress=0.01
            )
            self.warmup.wait()
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

        performers = request.performer_a, request.performer_b
        for side, video, point in zip("AB", (request.video_a, request.video_b), performers, strict=True):
            extract_pose(
                video, self.config.with_performer(point), on_frame=advance(f"finding the body in {side}")
            )
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
            performers=performers,
        )


def describe_failure(exc: Exception, request: JobRequest) -> str:
    """Why a job failed, for the page: its videos named as uploaded ("video A (clip.mov)"), never by
    their path on the server, and no errno."""
    videos = [(side, path, upload_subject(side, name)) for side, path, name in (
        ("a", request.video_a, request.name_a), ("b", request.video_b, request.name_b),
    )]  # fmt: skip
    if isinstance(exc, VideoError):
        for _, path, subject in videos:
            if exc.subject == str(path):
                return f"{subject}: {plain_video_cause(exc.cause)}"
    text = str(exc) if isinstance(exc, ActionDiffError) else repr(exc)
    for _, path, subject in videos:
        text = text.replace(str(path), subject)
    for _, path, _ in videos:
        text = text.replace(str(path.parent), "the job's folder")
    return re.sub(r"\[Errno -?\d+\]\s*", "", text)
