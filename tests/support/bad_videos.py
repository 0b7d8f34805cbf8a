"""Real files that are not usable videos, written with PyAV for the bad-input tests."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np


def audio_only(path: Path) -> Path:
    """An mp4 with an AAC audio stream and no video stream."""
    with av.open(str(path), "w", format="mp4") as output:
        stream = output.add_stream("aac", rate=16000)
        for _ in range(4):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            frame.sample_rate = 16000
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return path


def zero_frames(path: Path) -> Path:
    """An avi whose video stream has a header and no frames."""
    with av.open(str(path), "w", format="avi") as output:
        stream = output.add_stream("mpeg4", rate=25)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        output.start_encoding()
    return path


def photo_named_as_video(photo: Path, path: Path) -> Path:
    """A real JPEG photograph (320 pixels wide, a few dozen kB) saved under a video name (photo.mp4): it
    opens as a one-frame video."""
    import cv2

    image = cv2.imread(str(photo))
    image = cv2.resize(image, (320, round(image.shape[0] * 320 / image.shape[1])))
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok, photo
    path.write_bytes(encoded.tobytes())
    return path
