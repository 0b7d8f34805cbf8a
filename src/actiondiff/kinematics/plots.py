"""PNG plots of kinematic curves and of a time alignment (matplotlib `Figure` objects rendered by the
Agg canvas, so no GUI backend or pyplot global state is involved; files are written atomically)."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from actiondiff.kinematics.features import MAIN_CURVES, KinematicFeatures
from actiondiff.models import TimeAlignment
from actiondiff.storage import atomic_write_bytes

ANGLE_CURVES = ("knee_angle", "hip_angle", "elbow_angle", "shoulder_angle", "trunk_lean")


def _save(figure: Figure, path: str | Path) -> Path:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return atomic_write_bytes(path, buffer.getvalue())


def plot_curves(features: KinematicFeatures, path: str | Path, title: str = "") -> Path:
    """The main joint-angle curves of one video against time."""
    figure = Figure(figsize=(9, 4.5))
    axis = figure.subplots()
    for name in MAIN_CURVES:
        axis.plot(features.timestamps, features[name], label=name.replace("_", " "))
    axis.set_xlabel("time (s)")
    axis.set_ylabel("degrees")
    axis.set_title(title or "joint angles")
    axis.legend(fontsize=7, ncol=2)
    axis.grid(alpha=0.3)
    figure.tight_layout()
    return _save(figure, path)


def plot_alignment(
    features_a: KinematicFeatures, features_b: KinematicFeatures, alignment: TimeAlignment, path: str | Path
) -> Path:
    """Side by side: A's and B's angle curves on A's clock (B warped through the DTW map),
    the frame map itself, and A's tempo relative to B."""
    figure = Figure(figsize=(15, 4.5))
    axes = figure.subplots(1, 3)
    rows = np.array(alignment.path)
    times_a, times_b = np.asarray(alignment.times_a), np.asarray(alignment.times_b)
    for name, colour in zip(
        ANGLE_CURVES, matplotlib.rcParams["axes.prop_cycle"].by_key()["color"], strict=False
    ):
        axes[0].plot(times_a, features_a[name], color=colour, label=f"A {name.replace('_', ' ')}")
        axes[0].plot(times_a[rows[:, 0]], features_b[name][rows[:, 1]], color=colour, linestyle="--")
    axes[0].set(title="A (solid) and B warped onto A (dashed)", xlabel="A time (s)", ylabel="degrees")
    axes[0].legend(fontsize=7)
    axes[1].plot(times_a[rows[:, 0]], times_b[rows[:, 1]], color="black")
    axes[1].plot([0, times_a[-1]], [0, times_b[-1]], color="grey", linestyle=":")
    axes[1].set(title=f"frame map (cost {alignment.cost:.3f})", xlabel="A time (s)", ylabel="B time (s)")
    axes[2].plot(times_a, alignment.tempo, color="tab:purple")
    axes[2].axhline(1.0, color="grey", linestyle=":")
    axes[2].set(title="tempo of A relative to B (>1: A faster)", xlabel="A time (s)", ylabel="dt_B / dt_A")
    for axis in axes:
        axis.grid(alpha=0.3)
    figure.tight_layout()
    return _save(figure, path)
