"""The self-contained HTML report, its SVG figures and the `actiondiff report` command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actiondiff.cli import app
from actiondiff.models import ComparisonResult, Difference, SubActionSpan, TimeAlignment
from actiondiff.pipeline.fusion import NO_VLM_REASON
from actiondiff.report import render_report, render_sections, timeline_svg, write_report
from actiondiff.report.frames import difference_keyframes
from actiondiff.report.html import plain_words, tally
from actiondiff.report.plots import curve_panels, time_map
from tests.report.support import STATEMENTS


def test_report_is_one_self_contained_file(squat_result: ComparisonResult, tmp_path: Path) -> None:
    path = write_report(squat_result, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    for statement in STATEMENTS:
        assert statement in html
    links = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert links and all(link.startswith(("data:", "#")) for link in links), links
    keyframes = {
        (s, i)
        for d in squat_result.differences
        for s, f in zip("ab", difference_keyframes(d), strict=True)
        for i in f
    }
    assert html.count('src="data:image/jpeg;base64,') == len(keyframes) > 0
    assert html.count('<svg class="curve"') >= 4
    assert html.count('<svg class="timeline"') == 2
    assert html.count('<tr class="repetition') == 4  # every repetition of A and B, two each
    assert "<script" not in html
    measured = next(e for d in squat_result.differences for e in d.evidence if e.interval_difference)
    low, high = measured.interval_difference  # type: ignore[misc]
    assert "A − B (margin)" in html and f"[{low:.3g}, {high:.3g}]" in html


def test_report_without_the_videos_still_renders(squat_result: ComparisonResult, tmp_path: Path) -> None:
    moved = squat_result.model_copy(deep=True)
    moved.pair.a = moved.pair.b = tmp_path / "gone.mp4"
    html = render_report(moved)
    assert "data:image/jpeg" not in html
    assert "frame " in html and STATEMENTS[0] in html


def test_report_command_writes_the_file(squat_result: ComparisonResult, tmp_path: Path) -> None:
    source = tmp_path / "result.json"
    source.write_text(squat_result.model_dump_json(), encoding="utf-8")
    output = tmp_path / "out" / "report.html"
    run = CliRunner().invoke(app, ["report", str(source), "-o", str(output), "--no-frames"])
    assert run.exit_code == 0, run.output
    assert output.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_report_command_names_a_bad_result_file(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-result.json"
    bad.write_text('{"mode": "closed"}', encoding="utf-8")
    run = CliRunner().invoke(app, ["report", str(bad)])
    assert run.exit_code != 0
    assert "not-a-result.json" in str(run.exception) and "not a comparison result" in str(run.exception)


def test_time_map_follows_the_alignment_path() -> None:
    # B is half as fast as A: B row j matches A row j // 2.
    alignment = TimeAlignment(
        path=[(0, 0), (0, 1), (1, 2), (1, 3), (2, 4)],
        frames_a=[0, 10, 20], frames_b=[0, 10, 20, 30, 40],
        times_a=[0.0, 1.0, 2.0], times_b=[0.0, 1.0, 2.0, 3.0, 4.0],
    )  # fmt: skip
    knots_b, on_a = time_map(alignment)
    assert knots_b.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert on_a.tolist() == [0.0, 0.0, 1.0, 1.0, 2.0]
    knots_a, on_b = time_map(alignment, b_to_a=False)
    assert knots_a.tolist() == [0.0, 1.0, 2.0] and on_b.tolist() == [0.5, 2.5, 4.0]


def test_curves_share_the_time_axis_of_a(squat_result: ComparisonResult) -> None:
    panels = curve_panels(squat_result.curves_a, squat_result.curves_b, squat_result.alignment)
    assert panels
    t1 = float(re.search(r'data-t1="([0-9.]+)"', panels[0]).group(1))  # type: ignore[union-attr]
    assert t1 == pytest.approx(max(squat_result.curves_a.timestamps), abs=0.3)  # type: ignore[union-attr]


def test_timeline_escapes_names_and_carries_jump_targets() -> None:
    spans = [
        SubActionSpan(sub_action="<lift>", start_frame=0, end_frame=9, start_s=0.0, end_s=0.3),
        SubActionSpan(sub_action="hold & lower", start_frame=10, end_frame=29, start_s=0.33, end_s=1.0),
    ]
    again = SubActionSpan(sub_action="<lift>", start_frame=30, end_frame=39, start_s=1.0, end_s=1.3)
    svg = timeline_svg([*spans, again], 1.3, "a")
    assert "<lift>" not in svg and "&lt;lift&gt;" in svg and "hold &amp; lower" in svg
    assert re.findall(r'data-frame="(\d+)"', svg) == ["0", "10", "30"]
    assert re.findall(r'data-occurrence="(\d+)"', svg) == ["0", "0", "1"]  # the second repetition's lift
    fills = re.findall(r'<rect x="[\d.]+" y="4" width="[\d.]+" height="32" rx="5" fill="(#\w+)"', svg)
    assert fills[0] == fills[2] != fills[1]  # a sub-action keeps its colour in every repetition


def test_the_summary_ranks_and_speaks_plainly(squat_result: ComparisonResult) -> None:
    """Clear differences first by effect, the rest collapsed; reasons without flags; the caller's names."""
    undecided = Difference(key="9", text="the athlete smiles more", reason=NO_VLM_REASON)
    same = squat_result.differences[0].model_copy(
        update={"key": "8", "text": "the knees agree", "label": "C"}
    )
    result = squat_result.model_copy(
        update={"differences": [undecided, same, *squat_result.differences], "sync_offset_s": 0.08}
    )
    sections = render_sections(result, lambda side, index: None, ("Anna.mov", "Ben.mov"))
    clear = [d for d in squat_result.differences if d.label in ("A", "B")]
    assert tally(result.differences).startswith(f"{len(clear)} clear difference")
    assert tally(result.differences).endswith(", 1 undecided") and "1 no difference" in tally(
        result.differences
    )
    assert tally([]) == "no difference found"
    ranked = re.findall(
        r'<p class="text">([^<]*)</p>', sections["differences"].split('<details class="settled">')[0]
    )
    assert ranked == [d.text for d in sorted(clear, key=lambda d: -d.confidence)]
    settled = sections["differences"].split('<details class="settled">')[1]
    assert "the knees agree" in settled and "the athlete smiles more" in settled
    assert "--backend" not in sections["differences"] and "no vision-language model" in settled
    assert "Anna.mov" in sections["summary"] and "a.mp4" not in sections["summary"]
    assert "B shifted by hand by +0.08 s" in sections["summary"]
    assert (
        result.quality is not None
        and f'<dd class="views">{result.quality.summary}</dd>' in sections["summary"]
    )
    assert plain_words("needs a model: --backend openai:<model>") == (
        "needs a model: a language model configured where actiondiff runs"
    )
