"""SVG figures of a comparison: sub-action timelines and joint-angle curves on one aligned time axis.

Plain SVG strings, so the same figure is embedded in the HTML report and served to the web app,
whose script reads the `data-*` attributes to make them clickable and to draw a playhead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from html import escape

import numpy as np

from actiondiff.models import KinematicCurves, SubActionSpan, TimeAlignment

COLOUR_A = "#2563eb"
COLOUR_B = "#e8590c"
SPAN_COLOURS = ("#dbeafe", "#dcfce7", "#fef3c7", "#fce7f3", "#ede9fe", "#cffafe", "#fee2e2", "#e0e7ff")
UNIT_LABELS = {"deg": "°", "deg/s": "°/s"}


def pretty(name: str) -> str:
    """`left_knee_angle` -> `Left knee angle`."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def unit_label(unit: str | None) -> str:
    return UNIT_LABELS.get(unit or "", unit or "")


def time_map(alignment: TimeAlignment, *, b_to_a: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Knots of the monotone map from B's time to A's (or back) given by the alignment path.

    Repeated source times (where one sample matched several) keep the mean of their targets.
    """
    rows = np.array(alignment.path, dtype=int).reshape(-1, 2)
    times_a = np.asarray(alignment.times_a, dtype=float)[rows[:, 0]]
    times_b = np.asarray(alignment.times_b, dtype=float)[rows[:, 1]]
    source, target = (times_b, times_a) if b_to_a else (times_a, times_b)
    knots, inverse = np.unique(source, return_inverse=True)
    means = np.bincount(inverse, weights=target) / np.bincount(inverse)
    return knots, means


def timeline_svg(spans: Sequence[SubActionSpan], duration_s: float, side: str, width: int = 640) -> str:
    """A bar of the video's sub-action spans; each span carries its first frame and time for jumping, and
    which occurrence of its sub-action it is (`data-occurrence`: its repetition when each repetition
    repeats the sub-actions). A sub-action keeps its colour in every repetition."""
    height = 40
    duration = max(duration_s, max((s.end_s for s in spans), default=0.0), 1e-6)
    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" role="group" '
        f'aria-label="Sub-actions of video {side.upper()}" data-side="{side}" xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="0" y="4" width="{width}" height="{height - 8}" rx="6" fill="#f1f5f9"/>',
    ]
    names = dict.fromkeys(s.sub_action for s in spans)
    colours = {name: SPAN_COLOURS[i % len(SPAN_COLOURS)] for i, name in enumerate(names)}
    seen: Counter[str] = Counter()
    for span in spans:
        occurrence = seen[span.sub_action]
        seen[span.sub_action] += 1
        x0 = span.start_s / duration * width
        x1 = max(x0 + 2, span.end_s / duration * width)
        label = escape(pretty(span.sub_action))
        parts.append(
            f'<g class="span" tabindex="0" role="button" data-side="{side}" '
            f'data-name="{escape(span.sub_action)}" data-occurrence="{occurrence}" '
            f'data-frame="{span.start_frame}" '
            f'data-time="{span.start_s:.4f}" aria-label="{label}: {span.start_s:.2f} to {span.end_s:.2f} s">'
            f"<title>{label} ({span.start_s:.2f}–{span.end_s:.2f} s, frames {span.start_frame}–"
            f"{span.end_frame})</title>"
            f'<rect x="{x0:.1f}" y="4" width="{x1 - x0:.1f}" height="{height - 8}" rx="5" '
            f'fill="{colours[span.sub_action]}" stroke="#fff" stroke-width="2"/>'
            f'<text x="{(x0 + x1) / 2:.1f}" y="{height / 2 + 4:.0f}" text-anchor="middle" '
            f'font-size="12" fill="#1e293b">{label if x1 - x0 > 7 * len(label) else ""}</text></g>'
        )
    parts.append(
        f'<line class="cursor" x1="0" x2="0" y1="0" y2="{height}" stroke="#0f172a" stroke-width="2" '
        f'visibility="hidden" data-duration="{duration:.4f}" data-width="{width}"/></svg>'
    )
    return "".join(parts)


def curve_panels(
    curves_a: KinematicCurves | None,
    curves_b: KinematicCurves | None,
    alignment: TimeAlignment | None,
    names: Sequence[str] | None = None,
    offset_s: float = 0.0,
) -> list[str]:
    """One SVG panel per signal found in both videos, B drawn on A's time axis through the alignment
    (B's moment t drawn where A is at the moment aligned with t - `offset_s`, the hand-set shift)."""
    if curves_a is None or curves_b is None:
        return []
    shared = [n for n in (names or curves_a.values) if n in curves_a.values and n in curves_b.values]
    times_a = np.asarray(curves_a.timestamps, dtype=float)
    times_b = np.asarray(curves_b.timestamps, dtype=float)
    if alignment is not None and alignment.path:
        knots, targets = time_map(alignment)
        times_b = np.interp(times_b - offset_s, knots, targets)
    panels = []
    for name in shared:
        values_a = _as_array(curves_a.values[name])
        values_b = _as_array(curves_b.values[name])
        if np.isnan(values_a).all() and np.isnan(values_b).all():
            continue
        unit = curves_a.units.get(name)
        panels.append(_panel(name, unit, times_a, values_a, times_b, values_b, aligned=alignment is not None))
    return panels


def _as_array(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _panel(
    name: str,
    unit: str | None,
    times_a: np.ndarray,
    values_a: np.ndarray,
    times_b: np.ndarray,
    values_b: np.ndarray,
    *,
    aligned: bool,
) -> str:
    width, height = 360, 170
    left, right, top, bottom = 42, 10, 24, 26
    t0 = float(min(times_a.min(initial=0.0), times_b.min(initial=0.0)))
    t1 = float(max(times_a.max(initial=1.0), times_b.max(initial=1.0), t0 + 1e-3))
    finite = np.concatenate([values_a[~np.isnan(values_a)], values_b[~np.isnan(values_b)]])
    lo, hi = float(finite.min()), float(finite.max())
    pad = max((hi - lo) * 0.08, 1.0)
    lo, hi = lo - pad, hi + pad

    def x(t: float) -> float:
        return left + (t - t0) / (t1 - t0) * (width - left - right)

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * (height - top - bottom)

    title = f"{pretty(name)} ({unit_label(unit)})" if unit else pretty(name)
    axis = "s on A's clock, B aligned" if aligned else "time (s)"
    parts = [
        f'<svg class="curve" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)} of A and B over {axis}" data-t0="{t0:.4f}" data-t1="{t1:.4f}" '
        f'data-x0="{left}" data-x1="{width - right}" data-width="{width}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="{left}" y="15" font-size="12" font-weight="600" fill="#0f172a">{escape(title)}</text>',
    ]
    for value in np.linspace(lo + pad, hi - pad, 3):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#e2e8f0"/>'
            f'<text x="{left - 4}" y="{y(value) + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="#64748b">{value:.0f}</text>'
        )
    for tick in _ticks(t0, t1):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{height - 10}" font-size="10" text-anchor="middle" '
            f'fill="#64748b">{tick:g}</text>'
        )
    parts.append(
        f'<text x="{width - right}" y="15" font-size="9" text-anchor="end" fill="#94a3b8">{axis}</text>'
    )
    for times, values, colour, label in (
        (times_a, values_a, COLOUR_A, "A"),
        (times_b, values_b, COLOUR_B, "B"),
    ):
        parts.append(
            f'<path d="{_path(times, values, x, y)}" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-linejoin="round"><title>{label}</title></path>'
        )
    parts.append(
        f'<line class="cursor" x1="0" x2="0" y1="{top}" y2="{height - bottom}" stroke="#0f172a" '
        'stroke-width="1.5" visibility="hidden"/></svg>'
    )
    return "".join(parts)


def _ticks(t0: float, t1: float) -> list[float]:
    step = next(s for s in (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 1e9) if (t1 - t0) / s <= 8)
    first = np.ceil(t0 / step) * step
    return [round(float(t), 3) for t in np.arange(first, t1 + 1e-9, step)]


def _path(
    times: np.ndarray, values: np.ndarray, x: Callable[[float], float], y: Callable[[float], float]
) -> str:
    """SVG path data, lifting the pen over missing values."""
    commands = []
    pen_down = False
    for t, v in zip(times, values, strict=True):
        if np.isnan(v):
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{x(float(t)):.1f},{y(float(v)):.1f}")
        pen_down = True
    return " ".join(commands)
