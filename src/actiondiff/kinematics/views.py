"""The view model: how far a camera-angle difference can move a view-sensitive quantity.

Monocular pose reads a performance differently from another camera (`Quantity.view_sensitive`). How
much was measured on real footage of one moment filmed by calibrated cameras (the pose2sim demo:
four cameras, six pairs 50 to 173 deg apart): per quantity, the largest reading difference between
two cameras over their true angle apart, a slope in the quantity's units per degree. The fit and its
pairs are data beside the quantity table (`view_error.json`), refitted by
`benchmarks/fit_view_error.py`. A verdict across two views must clear the margin plus this error at
the views' measured difference (`pipeline.gate`).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from actiondiff.kinematics.quantities import Quantity

VIEW_ERROR_FILE = Path(__file__).with_name("view_error.json")
SATURATION_DEG = 90.0
"""Views further apart are fitted, and bounded, as this far apart: a view effect may stop growing past
square-on views (front and back see a body much alike), and a slope over 170 deg must not make a small
one. The fit takes the pairs past it as this far apart, so the error it allows them is the bound."""

FRONT_PLANE = frozenset(
    {"knee_valgus", "grip_width", "stance_width", "elbow_flare", "knee_asymmetry", "lateral_shift",
     "hand_path_deviation", "sway", "toe_out"}
)  # fmt: skip
"""Quantities of the body's frontal plane (widths, sideways shifts): a camera in front sees them face on.
The others are read in the plane of forward and up (bends, leans, heights, speeds): seen face on from
the side."""


FACING = frozenset(
    {"trunk_lean", "lean_back", "toe_out", "knee_asymmetry", "front_knee_depth", "front_shin_tilt",
     "back_knee_height", "step_length"}
)  # fmt: skip
"""Quantities read along the body's own forward or left-right axis, which the pose model's left and
right labels define (`features.body_axes`, left minus right): a video whose labels are swapped reads
them backwards. The others are read from each side's own angles or from the image."""


@cache
def _slopes(path: Path = VIEW_ERROR_FILE) -> dict[str, float]:
    stored = json.loads(path.read_text(encoding="utf-8"))
    return {key: float(fit["per_deg"]) for key, fit in stored["quantities"].items()}


def view_slope(quantity: Quantity) -> float | None:
    """The quantity's view error per degree of camera difference; None for a view-sensitive quantity
    the footage could not measure (its view effect is unknown), 0 for a view-independent one."""
    if not quantity.view_sensitive:
        return 0.0
    return _slopes().get(quantity.key)


def view_error(quantity: Quantity, degrees: float) -> float | None:
    """How far two views `degrees` apart (at most `SATURATION_DEG`, as fitted) can move the quantity's
    reading (its units); None: unknown."""
    slope = view_slope(quantity)
    return None if slope is None else slope * min(max(degrees, 0.0), SATURATION_DEG)


def settling_view(quantity: Quantity) -> str:
    """The view in which both videos would settle the quantity, in words."""
    return "from the front" if quantity.key in FRONT_PLANE else "from the side"
