"""Encode frames to a video file, and fingerprint video files for cache keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import av
import numpy as np
from av.video.stream import VideoStream

from actiondiff.errors import OutputError
from actiondiff.storage import temporary_beside


def write_video(
    path: str | Path, frames: Iterable[np.ndarray], fps: float, codec: str = "libx264", crf: int = 23
) -> int:
    """Encode RGB frames (all the same even size) as H.264 in mp4 at quality `crf` (x264's constant
    rate factor: 23 its default, 51 the coarsest); returns the number written.

    Writes to a temporary name first and renames, so a reader never sees half a file.
    """
    path = Path(path)
    tmp = temporary_beside(path)
    written = 0
    try:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            stream = cast(VideoStream, container.add_stream(codec, rate=round(fps)))
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": str(crf), "preset": "veryfast"}
            for image in frames:
                height, width = image.shape[:2]
                if written == 0:
                    stream.width, stream.height = width - width % 2, height - height % 2
                frame = av.VideoFrame.from_ndarray(
                    np.ascontiguousarray(image[: stream.height, : stream.width])
                )
                container.mux(stream.encode(frame))
                written += 1
            container.mux(stream.encode(None))
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(path, f"cannot write video: {exc}") from exc
    return written


def file_digest(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes (hex), read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
