"""The exports of a real comparison, checked by decoding and reading what was written."""

from __future__ import annotations

import csv
import io
import math
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from typer.testing import CliRunner

from actiondiff.cli import app
from actiondiff.errors import InputError
from actiondiff.export import AlignedTimeline, aligned_angles_csv, export_side_by_side
from actiondiff.export.video import CAPTION_HOLD_S, HEIGHT, MIN_WIDTH, captions, fitted_height
from actiondiff.models import ComparisonResult, VideoInfo
from actiondiff.video import probe


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_the_side_by_side_video_lasts_as_long_as_the_aligned_timeline(
    squat_result: ComparisonResult, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    summary = export_side_by_side(
        squat_result,
        tmp_path / "new folder" / "sbs.mp4",
        height=240,
        on_progress=lambda d, t: seen.append((d, t)),
    )
    frames, written = decoded(summary.path), probe(summary.path)
    assert written.codec == "h264"
    info_a = squat_result.video_a
    assert len(frames) == summary.frames == info_a.n_frames, "every frame of A once"
    assert written.duration_s == pytest.approx(info_a.duration_s, abs=1.5 / info_a.fps)
    assert frames[0].shape == (summary.height, summary.width, 3) and summary.height > 240
    assert seen[-1] == (info_a.n_frames, info_a.n_frames) and [d for d, _ in seen] == sorted(
        d for d, _ in seen
    )

    # The caption strip carries text exactly while a clear difference's evidence frames are on screen.
    shown = captions(squat_result)
    assert shown and all(c.text.startswith(("More in A: ", "More in B: ")) for c in shown)
    timeline = AlignedTimeline.of(squat_result)
    strip = [frame[240:, 8:-8].max(axis=2) for frame in frames]
    for index in range(0, len(frames), 5):
        t_a = index / info_a.fps
        t_b = float(timeline.b_time(t_a))
        expected = any(c.shown(t_a, t_b) for c in shown)
        if any(abs(t_a - t) < 2 / info_a.fps or abs(t_a - t) == pytest.approx(CAPTION_HOLD_S, abs=0.1)
               for c in shown for t in (*c.times_a, *c.times_b)):  # fmt: skip
            continue  # at the edge of a caption's window, one frame either way
        assert (int((strip[index] > 160).sum()) > 20) == expected, (index, expected)


def test_the_offset_shifts_b_and_the_angles_table_follows_the_alignment(
    squat_result: ComparisonResult,
) -> None:
    table = list(csv.reader(io.StringIO(aligned_angles_csv(squat_result))))
    header, rows = table[0], table[1:]
    curves_a, curves_b = squat_result.curves_a, squat_result.curves_b
    assert curves_a is not None and curves_b is not None
    assert header[:4] == ["time_a_s", "frame_a", "time_b_s", "frame_b"]
    assert "left_knee_angle_a_deg" in header and "left_knee_angle_b_deg" in header
    assert all(h.endswith(("_deg", "_deg_per_s", "_torso")) for h in header[4:]), "every value has its unit"
    assert len(rows) == len(curves_a.timestamps)
    times_b = [float(r[2]) for r in rows]
    assert times_b == sorted(times_b) and times_b[-1] > times_b[0]
    knee_a, knee_b = header.index("left_knee_angle_a_deg"), header.index("left_knee_angle_b_deg")
    for row, value in zip(rows, curves_a.values["left_knee_angle"], strict=True):
        assert row[knee_a] == ("" if value is None else f"{value:.2f}")
    middle = rows[len(rows) // 2]
    at_b = np.interp(
        float(middle[2]),
        curves_b.timestamps,
        [np.nan if v is None else v for v in curves_b.values["left_knee_angle"]],
    )
    assert float(middle[knee_b]) == pytest.approx(at_b, abs=0.01)

    shifted = list(csv.reader(io.StringIO(aligned_angles_csv(squat_result, offset_s=0.2))))[1:]
    inside = [
        (float(a[2]), float(b[2])) for a, b in zip(rows, shifted, strict=True) if 0.3 < float(a[2]) < 4.0
    ]
    assert inside and all(b - a == pytest.approx(0.2, abs=1e-3) for a, b in inside)


def test_an_export_needs_both_videos(squat_result: ComparisonResult, tmp_path: Path) -> None:
    moved = squat_result.model_copy(
        update={"pair": squat_result.pair.model_copy(update={"b": tmp_path / "gone.mp4"})}
    )
    with pytest.raises(InputError, match="video B of the result is not here"):
        export_side_by_side(moved, tmp_path / "sbs.mp4")
    assert not (tmp_path / "sbs.mp4").exists()


def test_the_export_command_writes_the_video_or_the_table(
    squat_result: ComparisonResult, tmp_path: Path
) -> None:
    result = tmp_path / "result.json"
    result.write_text(squat_result.model_dump_json())
    env = {**os.environ, "COLUMNS": "200"}
    run = [sys.executable, "-m", "actiondiff", "export", str(result)]
    video = subprocess.run([*run, "-o", str(tmp_path / "side_by_side.mp4"), "--height", "160"],
                           capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert video.returncode == 0, video.stderr
    assert (
        "side-by-side video ->" in video.stdout and f"{squat_result.video_a.n_frames} frames" in video.stdout
    )
    assert len(decoded(tmp_path / "side_by_side.mp4")) == squat_result.video_a.n_frames
    table = CliRunner().invoke(app, ["export", str(result), "-o", str(tmp_path / "angles.csv")])
    assert table.exit_code == 0, table.output
    assert (tmp_path / "angles.csv").read_text().startswith("time_a_s,frame_a,time_b_s,frame_b,")
    reps = CliRunner().invoke(app, ["export", str(result), "-o", str(tmp_path / "reps.csv"), "--repetitions"])
    assert reps.exit_code == 0, reps.output
    rows = list(csv.DictReader((tmp_path / "reps.csv").open()))
    assert [(r["video"], r["repetition"]) for r in rows] == [("A", "1"), ("A", "2"), ("B", "1"), ("B", "2")]
    assert {r["signal"] for r in rows} == {"knee_angle"} and all(float(r["duration_s"]) > 0.5 for r in rows)
    wrong = CliRunner().invoke(app, ["export", str(result), "-o", str(tmp_path / "x.gif")])
    assert isinstance(wrong.exception, InputError) and wrong.exception.exit_code == 3
    assert ".mp4 (video) or a .csv" in str(wrong.exception)


def test_a_portrait_pair_is_exported_at_least_min_width_wide() -> None:
    """Issue #33: two 1080x1920 phone videos made a 542x528 export; landscape pairs keep 480 rows."""

    def shaped(width: int, height: int) -> VideoInfo:
        return VideoInfo(path=Path(f"{width}x{height}.mp4"), container="mp4", codec="h264", width=width,
                         height=height, rotation=0, fps=30.0, duration_s=2.0, n_frames=60)  # fmt: skip

    landscape = shaped(640, 480)
    assert fitted_height(landscape, landscape) == HEIGHT
    phone = shaped(1080, 1920)
    rows = fitted_height(phone, phone)
    assert 2 * rows * 1080 / 1920 >= MIN_WIDTH and rows < 1920
    assert fitted_height(shaped(240, 426), shaped(240, 426)) == HEIGHT, "small videos: enlarged as before"
    tall = shaped(1080, 2400)
    assert fitted_height(tall, tall) == math.ceil(MIN_WIDTH / (2 * 1080 / 2400))
    mixed = fitted_height(landscape, phone)
    assert mixed > HEIGHT and mixed * (640 / 480 + 1080 / 1920) == pytest.approx(MIN_WIDTH, abs=2)
