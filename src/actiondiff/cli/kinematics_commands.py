"""`actiondiff kinematics` and `actiondiff align`: measurements of one video, time alignment of two."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import TaskID

from actiondiff.cli.app import (
    ConfigOption,
    JsonFlag,
    NoCacheFlag,
    VideoArg,
    app,
    emit,
    load_config,
    progress_bar,
)
from actiondiff.config import Config
from actiondiff.storage import atomic_write_text

if TYPE_CHECKING:
    from actiondiff.kinematics import KinematicFeatures

# kinematics (scipy), plots (matplotlib) and pose (mediapipe) are imported inside the commands,
# so `actiondiff --help` does not pay for them

ActionOption = Annotated[
    str, typer.Option("--action", help="Action name; picks the signal repetitions are read from.")
]
FpsOption = Annotated[float | None, typer.Option(help="Frames per second to sample for pose (default 10).")]


def _features(video: Path, config: Config) -> KinematicFeatures:
    from actiondiff.kinematics import compute_features
    from actiondiff.pose import expected_frames, extract_pose

    with progress_bar(f"pose {video.name}", expected_frames(video, config)) as bar:
        track = extract_pose(video, config, on_frame=lambda _: bar.advance(TaskID(0)))
    return compute_features(track)


def _config(config_file: Path | None, no_cache: bool, fps: float | None) -> Config:
    return load_config(config_file, no_cache, {"pose.fps": fps})


@app.command()
def kinematics(
    video: VideoArg,
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="Feature table: .csv, or .parquet (needs pyarrow)."),
    ] = Path("kinematics.csv"),
    plot: Annotated[
        Path | None, typer.Option(help="PNG of the main joint-angle curves [default: OUTPUT with .png].")
    ] = None,
    action: ActionOption = "squat",
    fps: FpsOption = None,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Per-frame joint angles, angular speeds, normalised positions and distances of the performer.

    Runs pose (cached), cleans the track (gap filling, Savitzky–Golay smoothing), writes one row per
    sampled frame with every feature column, plots the main angle curves, and lists repetitions.
    """
    from actiondiff.kinematics import segment_repetitions
    from actiondiff.kinematics.plots import plot_curves
    from actiondiff.knowledge import resolve_profile

    config = _config(config_file, no_cache, fps)
    features = _features(video, config)
    features.write_table(output)
    plot_path = plot_curves(features, plot or output.with_suffix(".png"), title=video.name)
    repetitions = segment_repetitions(features, resolve_profile(action, config.actions).driver)
    summary = {
        "video": str(video),
        "frames": len(features),
        "columns": len(features.columns),
        "repetitions": [
            {
                "start_frame": int(features.frames[r.start]),
                "turn_frame": int(features.frames[r.turn]),
                "end_frame": int(features.frames[r.end]),
            }
            for r in repetitions
        ],
        "table": str(output),
        "plot": str(plot_path),
    }
    line = (
        f"{len(features)} frames x {len(features.columns)} columns -> {output}; "
        f"{len(repetitions)} repetitions; curves -> {plot_path}"
    )
    emit(summary, as_json, line)


@app.command(name="align")
def align_command(
    video_a: Annotated[Path, typer.Argument(help="Video A.", show_default=False)],
    video_b: Annotated[Path, typer.Argument(help="Video B.", show_default=False)],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Where to write the alignment map (JSON).")
    ] = Path("alignment.json"),
    plot: Annotated[Path | None, typer.Option(help="Side-by-side PNG [default: OUTPUT with .png].")] = None,
    band: Annotated[
        float, typer.Option(help="Sakoe–Chiba band half-width as a fraction of the longer video.")
    ] = 0.25,
    subsequence: Annotated[
        bool, typer.Option(help="Match the shorter performance to any part of the longer (extra lead-in).")
    ] = False,
    anchor_phases: Annotated[
        bool, typer.Option(help="Anchor the map at the starts of kinematic phases found in both videos.")
    ] = True,
    action: ActionOption = "squat",
    fps: FpsOption = None,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Align A to B in time with DTW on normalised pose features.

    Writes the frame-to-frame map (pairs of sampled rows, their video frame indices and times) and
    A's tempo relative to B (>1 where A moves faster), plus a plot of both curves on A's clock.
    """
    from actiondiff.kinematics import align, phase_spans
    from actiondiff.kinematics.plots import plot_alignment
    from actiondiff.knowledge import resolve_profile

    config = _config(config_file, no_cache, fps)
    features_a, features_b = _features(video_a, config), _features(video_b, config)
    phases = ["rest", "descent", "bottom", "ascent", "recovery"]
    movement = resolve_profile(action, config.actions).movement
    spans_a = phase_spans(features_a, phases, movement) if anchor_phases and not subsequence else None
    spans_b = phase_spans(features_b, phases, movement) if anchor_phases and not subsequence else None
    alignment = align(
        features_a,
        features_b,
        band=band,
        subsequence=subsequence,
        spans_a=spans_a or (),
        spans_b=spans_b or (),
    )
    atomic_write_text(output, alignment.model_dump_json(indent=1))
    plot_path = plot_alignment(features_a, features_b, alignment, plot or output.with_suffix(".png"))
    summary = {
        "a": str(video_a),
        "b": str(video_b),
        "pairs": len(alignment.path),
        "cost": round(alignment.cost, 4),
        "mean_tempo": round(float(sum(alignment.tempo) / max(len(alignment.tempo), 1)), 3),
        "anchored": bool(spans_a and spans_b),
        "output": str(output),
        "plot": str(plot_path),
    }
    line = (
        f"{summary['pairs']} matched pairs, cost {summary['cost']}, mean tempo of A vs B "
        f"{summary['mean_tempo']} -> {output}; plot -> {plot_path}"
    )
    emit(summary, as_json, line)
