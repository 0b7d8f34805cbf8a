"""The pose2sim demo's camera calibration (Qualisys .qca.txt XML): each camera's yaw around the performer.

A camera's `transform` holds its position (mm) and a rotation whose rows are the camera axes in the
lab frame (z up); the camera looks along minus its third row. The performer stands where the four
optical axes pass closest to each other; a camera's yaw is the compass bearing (deg, counter-clockwise
seen from above) of its line of sight to that point.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np


def camera_yaws(calibration: Path) -> dict[str, float]:
    """Camera serial (cam01...) -> the yaw (deg) of its line of sight to the performer."""
    positions, axes = {}, {}
    for camera in ET.parse(calibration).getroot().iter("camera"):
        transform = camera.find("transform")
        if transform is None:
            raise ValueError(f"{calibration}: camera {camera.get('serial')} has no transform")
        values = {key: float(value) for key, value in transform.attrib.items()}
        rotation = np.array([[values[f"r{i}{j}"] for j in (1, 2, 3)] for i in (1, 2, 3)])
        serial = str(camera.get("serial"))
        positions[serial] = np.array([values[k] for k in "xyz"]) / 1000.0
        axes[serial] = -rotation[2] / np.linalg.norm(rotation[2])
    normal = sum(np.eye(3) - np.outer(d, d) for d in axes.values())
    target = np.linalg.solve(
        normal, sum((np.eye(3) - np.outer(d, d)) @ positions[s] for s, d in axes.items())
    )
    return {
        serial: float(np.degrees(np.arctan2(*(target - position)[[1, 0]])))
        for serial, position in positions.items()
    }
