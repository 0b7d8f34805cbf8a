"""Pictures a person can check by eye: skeletons drawn on frames, as a PNG strip or a video."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import cv2
import numpy as np

from actiondiff.models import PoseTrack
from actiondiff.pose.landmarks import HAND_EDGES, SKELETON_EDGES, SKELETON_INDEX_EDGES
from actiondiff.storage import atomic_write_bytes
from actiondiff.video import Frame

LEFT_COLOUR = (255, 140, 0)
RIGHT_COLOUR = (0, 170, 255)
CENTRE_COLOUR = (240, 240, 240)
BOX_COLOUR = (60, 220, 90)
"""The measured performer's box, where several people show."""
EDGE_COLOURS = tuple(
    LEFT_COLOUR if a.startswith("left") and b.startswith("left")
    else RIGHT_COLOUR if a.startswith("right") and b.startswith("right")
    else CENTRE_COLOUR
    for a, b in SKELETON_EDGES
)  # fmt: skip


def draw_skeleton(
    image: np.ndarray, points_xy: np.ndarray, visibility: np.ndarray | None = None
) -> np.ndarray:
    """A copy of an RGB image with the skeleton drawn; `points_xy` are normalised (x, y)."""
    canvas = image.copy()
    if np.isnan(points_xy).all():
        return canvas
    height, width = canvas.shape[:2]
    pixels = np.nan_to_num(points_xy[:, :2] * [width, height]).astype(int)
    thickness = max(2, round(max(width, height) / 220))
    for (a, b), colour in zip(SKELETON_INDEX_EDGES, EDGE_COLOURS, strict=True):
        if visibility is not None and min(visibility[a], visibility[b]) < 0.3:
            continue
        cv2.line(canvas, tuple(pixels[a]), tuple(pixels[b]), colour, thickness, cv2.LINE_AA)
    for x, y in pixels[11:]:
        cv2.circle(canvas, (int(x), int(y)), thickness + 1, CENTRE_COLOUR, -1, cv2.LINE_AA)
    return canvas


def draw_hands(image: np.ndarray, track: PoseTrack, row: int) -> np.ndarray:
    """A copy of an RGB image with the track's hands of this row drawn (left hand in the body's left
    colour); the image as it is when the track has no hands."""
    if track.hands is None:
        return image
    canvas = image.copy()
    height, width = canvas.shape[:2]
    thickness = max(1, round(max(width, height) / 400))
    for hand, colour in zip(track.hands.image_xyz[row, :, :, :2], (LEFT_COLOUR, RIGHT_COLOUR), strict=True):
        if np.isnan(hand).any():
            continue
        pixels = (hand * [width, height]).astype(int)
        for a, b in HAND_EDGES:
            cv2.line(canvas, tuple(pixels[a]), tuple(pixels[b]), colour, thickness, cv2.LINE_AA)
    return canvas


def draw_performer_box(image: np.ndarray, points_xy: np.ndarray, label: str = "measured") -> np.ndarray:
    """A copy of an RGB image with a labelled box around the body at `points_xy` (normalised), to show
    which of several people was measured."""
    canvas = image.copy()
    found = points_xy[np.isfinite(points_xy).all(axis=1)]
    if not len(found):
        return canvas
    height, width = canvas.shape[:2]
    low, high = found.min(axis=0), found.max(axis=0)
    pad = (high - low) * 0.08
    (x0, y0), (x1, y1) = (np.clip((corner * [width, height]).astype(int), 0, [width - 1, height - 1])
                          for corner in (low - pad, high + pad))  # fmt: skip
    thickness = max(2, round(max(width, height) / 300))
    cv2.rectangle(canvas, (int(x0), int(y0)), (int(x1), int(y1)), BOX_COLOUR, thickness, cv2.LINE_AA)
    scale = max(width, height) / 900
    cv2.putText(canvas, label, (int(x0) + thickness, max(int(y0) - 3 * thickness, 12)),
                cv2.FONT_HERSHEY_SIMPLEX, scale, BOX_COLOUR, thickness, cv2.LINE_AA)  # fmt: skip
    return canvas


def overlay_frames(frames: Iterable[Frame], track: PoseTrack) -> Iterator[np.ndarray]:
    """Each frame with the track's skeleton of the same sample drawn on it (lazily, so a long video
    streams through)."""
    by_index = {sample.index: i for i, sample in enumerate(track.frames)}
    for frame in frames:
        row = by_index.get(frame.sample.index)
        if row is None:
            yield frame.image
        else:
            drawn = draw_skeleton(frame.image, track.image_xyz[row, :, :2], track.visibility[row])
            yield draw_hands(drawn, track, row)


def contact_sheet(images: list[np.ndarray], columns: int = 4, tile_width: int = 320) -> np.ndarray:
    """Tile images into one picture, each scaled to `tile_width`."""
    if not images:
        raise ValueError("no images to tile")
    height, width = images[0].shape[:2]
    tile_height = round(height * tile_width / width)
    tiles = [cv2.resize(img, (tile_width, tile_height), interpolation=cv2.INTER_AREA) for img in images]
    rows = -(-len(tiles) // columns)
    sheet = np.zeros((rows * tile_height, columns * tile_width, 3), dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        sheet[r * tile_height : (r + 1) * tile_height, c * tile_width : (c + 1) * tile_width] = tile
    return sheet


def write_png(path: str | Path, image_rgb: np.ndarray) -> Path:
    """Save an RGB image as PNG, atomically."""
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError("PNG encoding failed")
    return atomic_write_bytes(path, encoded.tobytes())
