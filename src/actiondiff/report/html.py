"""HTML views of a `ComparisonResult`: the sections the web app shows, and the self-contained report.

Both are rendered from the same Jinja templates; only where keyframes come from differs: the web
app links them from its API, the report embeds them as JPEG data URLs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from actiondiff.backends.images import data_url
from actiondiff.kinematics.phrasing import read_phrasing
from actiondiff.models import ComparisonResult, Difference
from actiondiff.pipeline.fusion import NO_VLM_REASON
from actiondiff.report.frames import Side, difference_keyframes, keyframe_jpeg, read_keyframes, video_of
from actiondiff.report.plots import COLOUR_A, COLOUR_B, curve_panels, pretty, timeline_svg, unit_label
from actiondiff.storage import atomic_write_text

log = logging.getLogger(__name__)

FrameUrl = Callable[[Side, int], str | None]
"""Where the picture of a video frame can be found (a URL or data URL), or None when there is none."""

VERDICTS = {"A": "More in A", "B": "More in B", "C": "No clear difference", None: "Undecided"}
PLAIN_REASONS = {
    NO_VLM_REASON: "nothing measured on the pose answers this statement, and no vision-language model "
    "was set up to look at the frames, so it is left undecided rather than guessed",
}
"""Reasons the core gives in command-line words, and what the page and the report say instead."""
COMMAND_HINT = re.compile(r"\s*\((?:use|run|give|pass|add|see)\b[^()]*--[a-z][^()]*\)")
FLAG = re.compile(r"--backend\s+openai:<model>")

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
    """One difference as shown: verdict words, the reason in plain words and keyframes beside the model."""

    difference: Difference
    verdict: str
    reason: str | None = None
    keyframes_a: list[Keyframe] = field(default_factory=list)
    keyframes_b: list[Keyframe] = field(default_factory=list)


@dataclass
class Ranking:
    """The differences as the summary tells them: clear ones first by effect, the settled rest after."""

    clear: list[DifferenceView]
    no_difference: list[DifferenceView]
    undecided: list[DifferenceView]

    @property
    def tally(self) -> str:
        return tally(view.difference for view in [*self.clear, *self.no_difference, *self.undecided])


def verdict_words(difference: Difference) -> str:
    """The verdict as shown; for a statement that names a performer ("B is quicker") whether it holds
    as said ("As said: more in B") or the other way round ("The other way round: more in A")."""
    named = read_phrasing(difference.text).named
    if named is None or difference.label not in ("A", "B"):
        return VERDICTS[difference.label]
    more = VERDICTS[difference.label][:1].lower() + VERDICTS[difference.label][1:]
    return f"{'As said' if difference.label == named else 'The other way round'}: {more}"


def plain_words(text: str | None) -> str | None:
    """A reason or notice from the core for someone reading a page: no command-line flags in it."""
    if text is None:
        return None
    if text in PLAIN_REASONS:
        return PLAIN_REASONS[text]
    text = COMMAND_HINT.sub("", text)
    return FLAG.sub("a language model configured where actiondiff runs", text)


def tally(differences: Iterable[Difference]) -> str:
    """ "2 clear differences, 3 no difference, 1 undecided" (the parts that are not zero)."""
    labels = [d.label for d in differences]
    clear = sum(label in ("A", "B") for label in labels)
    same = labels.count("C")
    undecided = labels.count(None)
    parts = [f"{clear} clear difference{'' if clear == 1 else 's'}"] if clear or not labels else []
    if same:
        parts.append(f"{same} no difference")
    if undecided:
        parts.append(f"{undecided} undecided")
    return ", ".join(parts) if labels else "no difference found"


def effect(difference: Difference) -> tuple[float, float]:
    """How strongly a clear difference shows: its confidence (the calibrated probability, which grows with
    how far the difference's interval clears the margin), then the measured gap relative to the larger
    value."""
    gaps = [
        abs(e.value_a - e.value_b) / max(abs(e.value_a), abs(e.value_b), 1e-9)
        for e in difference.evidence
        if e.value_a is not None and e.value_b is not None
    ]
    return difference.confidence, max(gaps, default=0.0)


def rank(views: Sequence[DifferenceView]) -> Ranking:
    """Clear differences (A or B) by effect, strongest first; then no difference; then undecided."""
    clear = [v for v in views if v.difference.label in ("A", "B")]
    return Ranking(
        clear=sorted(clear, key=lambda v: effect(v.difference), reverse=True),
        no_difference=[v for v in views if v.difference.label == "C"],
        undecided=[v for v in views if v.difference.label is None],
    )


def theme_css() -> str:
    """The stylesheet shared by the web app and the report."""
    return resources.files("actiondiff.report").joinpath("assets/theme.css").read_text(encoding="utf-8")


def render_sections(
    result: ComparisonResult, frame_url: FrameUrl, names: tuple[str, str] | None = None
) -> dict[str, str]:
    """The result's parts as HTML fragments: summary, differences, timelines of A and B, curves, and
    the per-repetition tables of A and B.

    `names` are the videos' names as the person knows them (the web app's uploaded names), by
    default the file names the result holds.
    """
    ranking = rank([_difference_view(result, d, frame_url) for d in result.differences])
    names = names or (result.pair.a.name, result.pair.b.name)
    notices = [plain_words(n) for n in result.notices]
    panels = curve_panels(result.curves_a, result.curves_b, result.alignment, offset_s=result.sync_offset_s)
    template = _env.get_template("sections.html.j2")
    module = template.make_module({"colour_a": COLOUR_A, "colour_b": COLOUR_B})
    return {
        "summary": str(module.summary(result, names, ranking, notices)),  # type: ignore[attr-defined]
        "differences": str(module.differences(ranking)),  # type: ignore[attr-defined]
        "timeline_a": timeline_svg(result.spans_a, result.video_a.duration_s, "a"),
        "timeline_b": timeline_svg(result.spans_b, result.video_b.duration_s, "b"),
        "curves": str(module.curves(panels)),  # type: ignore[attr-defined]
        "repetitions": str(
            module.repetitions((("a", result.repetitions_a), ("b", result.repetitions_b)), names)  # type: ignore[attr-defined]
        ),
    }


def render_report(
    result: ComparisonResult, *, embed_frames: bool = True, names: tuple[str, str] | None = None
) -> str:
    """A single self-contained HTML page: keyframes embedded as JPEG, plots as SVG, no playback."""
    urls: dict[tuple[Side, int], str] = {}
    if embed_frames:
        for side in ("a", "b"):
            urls.update({(side, i): url for i, url in _embedded_keyframes(result, side).items()})
    sections = render_sections(result, lambda side, index: urls.get((side, index)), names)
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
        verdict=verdict_words(difference),
        reason=plain_words(difference.reason),
        keyframes_a=[Keyframe("a", i, i / result.video_a.fps, frame_url("a", i)) for i in frames_a],
        keyframes_b=[Keyframe("b", i, i / result.video_b.fps, frame_url("b", i)) for i in frames_b],
    )
