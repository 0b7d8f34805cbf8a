"""Load the models a comparison needs when the server starts, in the background, and say how far it got.

Without it the first job stalls for seconds while the pose model and the sentence embedder are
imported and loaded; the page shows the loading instead, and the worker waits for it before
running the first job.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel

from actiondiff.config import Config
from actiondiff.models import FrameSample, VideoInfo

log = logging.getLogger(__name__)

ModelsState = Literal["loading", "ready", "failed"]


class ModelsStatus(BaseModel):
    """`GET /api/status`: whether the models are loaded yet."""

    models: ModelsState
    detail: str = ""
    seconds: float | None = None


class Warmup:
    """One background thread that loads the models once; `wait()` blocks until it has finished."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._done = threading.Event()
        self._status = ModelsStatus(
            models="loading", detail="loading the pose model and the sentence embedder"
        )
        # not a daemon: the interpreter waits for the load to end instead of killing the thread inside
        # torch at exit (which aborts the process when Ray's terminate handler is installed)
        self._thread = threading.Thread(target=self._run, name="actiondiff-warmup")

    @property
    def status(self) -> ModelsStatus:
        return self._status

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def _run(self) -> None:
        started = time.monotonic()
        try:
            load_models(self.config)
        except Exception as exc:  # the first job then loads (and reports) them itself
            log.warning("loading the models at start failed: %s", exc)
            self._status = ModelsStatus(
                models="failed", detail=f"the models could not be loaded at start: {exc}"
            )
        else:
            self._status = ModelsStatus(models="ready", seconds=round(time.monotonic() - started, 2))
        finally:
            self._done.set()


def load_models(config: Config) -> None:
    """Import and load what every offline comparison uses: the comparison pipeline, the pose graphs (kept for
    the jobs; run on one blank frame unless this process has started them already) and the sentence
    embedder."""
    import actiondiff.pipeline.compare  # noqa: F401  (torch, transformers, scipy: seconds to import)
    from actiondiff.backends.registry import resolve_sentence_embedder
    from actiondiff.pose.extract import pose_estimator
    from actiondiff.video.reader import Frame

    blank = np.zeros((64, 64, 3), dtype=np.uint8)
    info = VideoInfo(
        path=Path("warmup"), container="none", codec="none", width=64, height=64, rotation=0, fps=1.0,
        duration_s=1.0, n_frames=1,
    )  # fmt: skip
    estimator = pose_estimator(config)
    if not estimator.loaded:
        estimator.track(info, [Frame(FrameSample(index=0, timestamp=0.0), blank)])
    resolve_sentence_embedder(config.backends.sentence, config).embed(["warm up"])
