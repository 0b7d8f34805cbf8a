"""Images for vision models: JPEG-encoded, size-limited, within a per-request frame budget."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

import numpy as np

from actiondiff.backends.base import ImageInput, ImagePart
from actiondiff.errors import BackendError


def as_part(image: ImageInput) -> ImagePart:
    return image if isinstance(image, ImagePart) else ImagePart(image=image)


def within_budget(images: Sequence[ImageInput], max_images: int) -> list[ImagePart]:
    """At most `max_images`, evenly spaced over the input so captions still match their images."""
    parts = [as_part(image) for image in images]
    if len(parts) <= max_images:
        return parts
    keep = np.unique(np.linspace(0, len(parts) - 1, max_images).round().astype(int))
    return [parts[i] for i in keep]


def encode_jpeg(image: np.ndarray, max_side: int, quality: int) -> bytes:
    """RGB uint8 -> JPEG bytes, the longer side limited to `max_side` (OpenCV is imported here: a
    compare that shows no model a frame never loads it)."""
    import cv2

    if image.ndim != 3 or image.shape[2] != 3:
        raise BackendError("image", f"expected an RGB image (H, W, 3), got shape {image.shape}")
    height, width = image.shape[:2]
    scale = max_side / max(height, width)
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    ok, buffer = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise BackendError("image", "JPEG encoding failed")
    return bytes(buffer)


def data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def jpeg_digest(jpeg: bytes) -> str:
    return "sha256:" + hashlib.sha256(jpeg).hexdigest()
