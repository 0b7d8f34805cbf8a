"""`actiondiff info` and `actiondiff pose`: look inside one video."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import TaskID
from rich.table import Table

from actiondiff.cli.app import (
    ConfigOption,
    JsonFlag,
    NoCacheFlag,
    VideoArg,
    app,
    emit,
    load_config,
    progress_bar,
    stdout,
)
from actiondiff.storage import atomic_write_text

if TYPE_CHECKING:
    from actiondiff.video import Frame

# video (PyAV) and pose (mediapipe) are imported inside the commands: `actiondiff --help` stays fast

STRIP_TILES = 8
"""Sampled frames shown, evenly spaced, in the skeleton contact sheet `actiondiff pose` writes."""


@app.command()
def info(video: VideoArg, as_json: JsonFlag = False) -> None:
    """Show a video's container, codec, size, rotation, frame rate, duration and frame count."""
    from actiondiff.video import probe

    details = probe(video)
    if as_json:
        stdout.print_json(details.model_dump_json())
        return
    table = Table(show_header=False, title=str(video))
    for name, value in details.model_dump().items():
        table.add_row(name, str(value))
    stdout.print(table)


@app.command()
def pose(
    video: VideoArg,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Where to write the landmarks (JSON).")
    ] = Path("pose.json"),
    fps: Annotated[float | None, typer.Option(help="Frames per second to sample (default 10).")] = None,
    strip: Annotated[
        Path | None,
        typer.Option(help="PNG contact sheet with the skeleton drawn [default: OUTPUT with .png]."),
    ] = None,
    overlay: Annotated[
        Path | None, typer.Option(help="Also write an mp4 of the sampled frames with the skeleton drawn.")
    ] = None,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Find the 33 body landmarks (2D image, 3D world, visibility) in each sampled frame.

    Uses MediaPipe BlazePose, whose weights ship inside the installed mediapipe package:
    nothing is downloaded. Results are cached by file content and sampling.
    """
    from actiondiff.pose import contact_sheet, extract_pose, overlay_frames, pose_sampling, write_png
    from actiondiff.video import probe, sample_frames, write_video

    config = load_config(config_file, no_cache, {"pose.fps": fps})
    info = probe(video)
    sampling = pose_sampling(config, info)
    n_samples = len(sampling.target_times(info))
    tile_rows = set(range(0, n_samples, max(1, n_samples // STRIP_TILES))[:STRIP_TILES])
    tiles: list[Frame] = []

    def decoded() -> Iterator[Frame]:
        """The pose samples, decoded, keeping the contact sheet's tiles on the way."""
        tiles.clear()
        for row, frame in enumerate(sample_frames(video, sampling, info)):
            if row in tile_rows:
                tiles.append(frame)
            yield frame

    with progress_bar(f"pose {video.name}", n_samples) as bar:  # one decoding pass: pose and tiles
        track = extract_pose(
            video, config, sampling, on_frame=lambda _: bar.advance(TaskID(0)), info=info, frames=decoded()
        )
    atomic_write_text(output, track.model_dump_json())
    sheet_path = strip or output.with_suffix(".png")
    if overlay is not None:  # needs the track: a second pass, every frame streams into the overlay
        write_video(overlay, overlay_frames(decoded(), track), fps=sampling.fps or info.fps)
    elif not tiles:  # the track came from the cache: decode for the tiles only
        for _ in decoded():
            pass
    write_png(sheet_path, contact_sheet(list(overlay_frames(tiles, track)), columns=4))
    summary = {
        "video": str(video),
        "frames": len(track.frames),
        "frames_with_person": int(track.detected.sum()),
        "detection_rate": round(track.detection_rate, 4),
        "model": track.model,
        "output": str(output),
        "strip": str(sheet_path),
        "overlay": str(overlay) if overlay else None,
    }
    line = (
        f"{summary['frames_with_person']}/{summary['frames']} frames with a person "
        f"({summary['detection_rate']:.0%}); landmarks -> {output}; skeleton strip -> {sheet_path}"
    )
    emit(summary, as_json, line)
