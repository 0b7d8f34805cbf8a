"""Side-by-side video exports made on request, one thread each, with their progress for the page.

An export is kept in the job's folder under a name that carries the sync offset it was made with,
so asking again for the same offset serves the file at once, and a changed offset makes a new one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from actiondiff.errors import ActionDiffError
from actiondiff.models import ComparisonResult

log = logging.getLogger(__name__)

ExportState = Literal["none", "running", "done", "failed"]


class ExportStatus(BaseModel):
    """`GET /api/jobs/{id}/export`: where the side-by-side video of a job stands."""

    state: ExportState = "none"
    progress: float = Field(default=0.0, ge=0.0, le=1.0)
    offset_s: float = 0.0
    url: str | None = None
    error: str | None = None


def export_name(offset_s: float) -> str:
    return f"side-by-side_{round(offset_s * 1000):+d}ms.mp4"


class Exports:
    """The exports of this server's jobs; `start` runs one in the background unless it exists or runs."""

    def __init__(self, folder_of: Callable[[str], Path]) -> None:
        self._folder_of = folder_of
        self._status: dict[str, ExportStatus] = {}
        self._lock = threading.Lock()

    def path(self, job_id: str, offset_s: float) -> Path:
        return self._folder_of(job_id) / export_name(offset_s)

    def status(self, job_id: str, offset_s: float) -> ExportStatus:
        with self._lock:
            known = self._status.get(job_id)
        if known is not None and known.offset_s == offset_s and known.state in ("running", "failed"):
            return known
        if self.path(job_id, offset_s).is_file():
            return self._done(job_id, offset_s)
        return ExportStatus(offset_s=offset_s)

    def start(
        self, job_id: str, result: ComparisonResult, names: tuple[str, str], offset_s: float
    ) -> ExportStatus:
        current = self.status(job_id, offset_s)
        if current.state in ("running", "done"):
            return current
        running = ExportStatus(state="running", offset_s=offset_s)
        with self._lock:
            self._status[job_id] = running
        target = self.path(job_id, offset_s)

        def progress(done: int, total: int) -> None:
            with self._lock:
                self._status[job_id] = running.model_copy(update={"progress": round(done / max(total, 1), 3)})

        def run() -> None:
            from actiondiff.export import export_side_by_side  # PyAV, OpenCV

            try:
                export_side_by_side(result, target, offset_s=offset_s, names=names, on_progress=progress)
            except ActionDiffError as exc:
                self._fail(job_id, offset_s, str(exc).replace(str(target.parent), "the job's folder"))
            except Exception as exc:
                log.exception("export of job %s failed", job_id)
                self._fail(job_id, offset_s, f"internal error: {exc!r}")
            else:
                with self._lock:
                    self._status.pop(job_id, None)

        threading.Thread(target=run, name=f"actiondiff-export-{job_id}", daemon=True).start()
        return running

    def _done(self, job_id: str, offset_s: float) -> ExportStatus:
        url = f"/api/jobs/{job_id}/export/{export_name(offset_s)}"
        return ExportStatus(state="done", progress=1.0, offset_s=offset_s, url=url)

    def _fail(self, job_id: str, offset_s: float, error: str) -> None:
        with self._lock:
            self._status[job_id] = ExportStatus(state="failed", offset_s=offset_s, error=error)
