"""`actiondiff export`: the aligned side-by-side video (mp4) or the aligned joint angles (CSV) of a result."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import TaskID

from actiondiff.cli.app import app, progress_bar, stdout
from actiondiff.cli.web_commands import read_result
from actiondiff.errors import InputError

KINDS = {".mp4": "side-by-side video", ".csv": "aligned joint angles"}


@app.command()
def export(
    result: Annotated[Path, typer.Argument(help="A comparison result (JSON).", show_default=False)],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="side_by_side.mp4 for the video, a .csv name for the angles."),
    ] = Path("side_by_side.mp4"),
    offset: Annotated[
        float | None,
        typer.Option(
            help=r"Shift B by this many seconds against the alignment (+ = later) \[default: the "
            "offset saved with the result, e.g. nudged in the web app, else 0]."
        ),
    ] = None,
    height: Annotated[
        int | None,
        typer.Option(
            min=120,
            max=2160,
            help=r"Height of the videos in the export (pixels) \[default: 480, taller for portrait "
            "videos so that the pair is at least 960 pixels wide].",
        ),
    ] = None,
    repetitions: Annotated[
        bool,
        typer.Option("--repetitions", help="With a .csv name: the table of repetitions, not the angles."),
    ] = False,
) -> None:
    """Export a comparison: the two videos side by side in step, or their joint angles in step.

    The video (.mp4, H.264) shows every frame of A with the aligned moment of B beside it, both
    skeletons, the labels A and B, and under them a caption naming each clear difference while the
    frames its evidence comes from are on screen; it lasts as long as A. It needs the two videos at
    the paths the result names.

    The table (.csv) has one row per sampled frame of A: A's time and frame, the aligned time and
    frame of B, then each joint angle of A and of B at that moment (degrees; empty where unseen). With
    --repetitions it has one row per repetition of A and of B: start, turning point and end, duration,
    hold at the extreme, depth (how far the driving signal moved) and whether it was partial.
    """
    kind = KINDS.get(output.suffix.lower())
    if kind is None:
        raise InputError(
            output, f"export to a .mp4 (video) or a .csv (angles) file, not {output.suffix or 'no suffix'!r}"
        )
    comparison = read_result(result)
    shift = offset if offset is not None else comparison.sync_offset_s
    if kind == KINDS[".csv"] and repetitions:
        from actiondiff.export import write_repetitions

        write_repetitions(comparison, output)
        stdout.print(f"repetitions -> {output}")
        return
    if kind == KINDS[".csv"]:
        from actiondiff.export import write_aligned_angles

        write_aligned_angles(comparison, output, shift)
        stdout.print(f"{kind} -> {output}")
        return
    from actiondiff.export import export_side_by_side  # PyAV and OpenCV: loaded only for a video

    with progress_bar("exporting", comparison.video_a.n_frames) as bar:
        summary = export_side_by_side(
            comparison, output, offset_s=shift, height=height,
            on_progress=lambda done, total: bar.update(TaskID(0), completed=done, total=total),
        )  # fmt: skip
    stdout.print(
        f"{kind} -> {output} ({summary.frames} frames, {summary.duration_s:.2f} s, "
        f"{summary.width}x{summary.height}, written in {summary.seconds:.1f} s)"
    )
