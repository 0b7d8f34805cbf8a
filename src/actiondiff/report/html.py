"""HTML views of a `ComparisonResult`: the sections the web app shows, and the self-contained report.

Both are rendered from the same Jinja templates; only where keyframes come from differs: the web
app links them from its API, the report embeds them as JPEG data URLs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from actiondiff.backends.images import data_url
from actiondiff.models import ComparisonResult, Difference
from actiondiff.report.frames import Side, difference_keyframes, keyframe_jpeg, read_keyframes, video_of
from actiondiff.report.plots import COLOUR_A, COLOUR_B, curve_panels, pretty, timeline_svg, unit_label
from actiondiff.storage import atomic_write_text

log = logging.getLogger(__name__)

FrameUrl = Callable[[Side, int], str | None]
"""Where the picture of a video frame can be found (a URL or data URL), or None when there is none."""

VERDICTS = {"A": "More in A", "B": "More in B", "C": "No clear difference", None: "Undecided"}

_env = Environment(
    loader=PackageLoader("actiondiff.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["pretty"] = pretty
_env.filters["unit"] = unit_label


@dataclass
class Keyframe:
    side: Side
    index: int
    time_s: float
    url: str | None


@dataclass
class DifferenceView:
    """One difference as shown: verdict words and keyframes alongside the model."""

    difference: Difference
    verdict: str
    keyframes_a: list[Keyframe] = field(default_factory=list)
    keyframes_b: list[Keyframe] = field(default_factory=list)


def theme_css() -> str:
    """The stylesheet shared by the web app and the report."""
    return resources.files("actiondiff.report").joinpath("assets/theme.css").read_text(encoding="utf-8")


def render_sections(result: ComparisonResult, frame_url: FrameUrl) -> dict[str, str]:
    """The result's parts as HTML fragments: summary, differences, timelines of A and B, curves."""
    views = [_difference_view(result, d, frame_url) for d in result.differences]
    template = _env.get_template("sections.html.j2")
    module = template.make_module({"colour_a": COLOUR_A, "colour_b": COLOUR_B})
    return {
        "summary": str(module.summary(result)),  # type: ignore[attr-defined]
        "differences": str(module.differences(views)),  # type: ignore[attr-defined]
        "timeline_a": timeline_svg(result.spans_a, result.video_a.duration_s, "a"),
        "timeline_b": timeline_svg(result.spans_b, result.video_b.duration_s, "b"),
        "curves": str(module.curves(curve_panels(result.curves_a, result.curves_b, result.alignment))),  # type: ignore[attr-defined]
    }


def render_report(result: ComparisonResult, *, embed_frames: bool = True) -> str:
    """A single self-contained HTML page: keyframes embedded as JPEG, plots as SVG, no playback."""
    urls: dict[tuple[Side, int], str] = {}
    if embed_frames:
        for side in ("a", "b"):
            urls.update({(side, i): url for i, url in _embedded_keyframes(result, side).items()})
    sections = render_sections(result, lambda side, index: urls.get((side, index)))
    return _env.get_template("report.html.j2").render(
        result=result,
        sections={name: Markup(html) for name, html in sections.items()},
        css=Markup(theme_css()),
    )


def write_report(result: ComparisonResult, path: str | Path, *, embed_frames: bool = True) -> Path:
    """Render the report and write it atomically."""
    return atomic_write_text(path, render_report(result, embed_frames=embed_frames))


def _embedded_keyframes(result: ComparisonResult, side: Side) -> dict[int, str]:
    path, info, pose = video_of(result, side)
    wanted = {i for d in result.differences for i in difference_keyframes(d)[0 if side == "a" else 1]}
    if not wanted:
        return {}
    if not path.is_file():
        log.warning("%s: video %s not found; the report shows no keyframes for it", path, side.upper())
        return {}
    images = read_keyframes(path, info, wanted, pose)
    return {index: data_url(keyframe_jpeg(image)) for index, image in images.items()}


def _difference_view(result: ComparisonResult, difference: Difference, frame_url: FrameUrl) -> DifferenceView:
    frames_a, frames_b = difference_keyframes(difference)
    return DifferenceView(
        difference=difference,
        verdict=VERDICTS[difference.label],
        keyframes_a=[Keyframe("a", i, i / result.video_a.fps, frame_url("a", i)) for i in frames_a],
        keyframes_b=[Keyframe("b", i, i / result.video_b.fps, frame_url("b", i)) for i in frames_b],
    )
