"""`actiondiff compare`: the VidDiff method on two videos, closed or open mode, written as result JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import TaskID
from rich.table import Table

from actiondiff.cli.app import (
    ActionsOption,
    ConfigOption,
    JsonFlag,
    NoCacheFlag,
    VideoArg,
    app,
    load_config,
    progress_bar,
    stdout,
)
from actiondiff.statements import read_statement_file
from actiondiff.storage import atomic_write_text


@app.command()
def compare(
    video_a: VideoArg,
    video_b: VideoArg,
    action: Annotated[str, typer.Option("--action", help="The action both videos show, e.g. 'squat'.")],
    difference: Annotated[
        list[str] | None,
        typer.Option("--difference", "-d", help="A statement to decide (closed mode); repeat for more."),
    ] = None,
    differences_file: Annotated[
        Path | None,
        typer.Option(help="Statements to decide: one per line, or a YAML/JSON list (e.g. a pair.yaml)."),
    ] = None,
    open_n: Annotated[
        int | None,
        typer.Option("--open", min=1, help="Open mode: propose and decide at most N (>= 1) differences."),
    ] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the result JSON.")] = Path(
        "result.json"
    ),
    backend: Annotated[
        str | None,
        typer.Option(
            help="LLM and VLM for proposer and differencer: 'offline' (library + kinematics) or "
            "`openai:MODEL` (with --base-url for any OpenAI-compatible server)."
        ),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1.")
    ] = None,
    frame_embedder: Annotated[
        str | None, typer.Option(help="CLIP-like localizer model: 'local:/path/to/model' (default offline).")
    ] = None,
    localizer: Annotated[
        str | None, typer.Option(help="viterbi (default), argmax or random: the paper's ablation variants.")
    ] = None,
    description: Annotated[str, typer.Option(help="A longer description of the action.")] = "",
    performer: Annotated[
        str,
        typer.Option(
            "--performer",
            "--performer-a",
            help="Video A's athlete when several people show: a point x,y on its first frame (fractions "
            "of width and height, e.g. 0.4,0.6); the person nearest it is measured.",
        ),
    ] = "",
    performer_b: Annotated[
        str, typer.Option("--performer-b", help="Video B's athlete, as --performer is A's.")
    ] = "",
    actions_files: ActionsOption = None,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Say how two performances of one action differ: each statement gets A, B or C with evidence.

    Closed mode decides given statements (--difference / --differences-file); open mode (--open N)
    proposes them first. Offline (the default) the built-in action library plans, pose kinematics
    measure, and statements no measurement covers are reported as not decided, with the reason.
    With --backend `openai:MODEL`, an LLM plans and a vision LLM answers on the localized frames.
    The result JSON holds the plan, sub-action spans, frames used, verdicts, evidence and usage.
    """
    from actiondiff.pipeline import compare as run_compare  # loads the models' libraries: import when run
    from actiondiff.pipeline.request import compare_request, parse_point

    statements = list(difference or [])
    from_file = read_statement_file(differences_file) if differences_file is not None else []
    statements += [s.text for s in from_file]
    request = compare_request(
        action, statements, open_n, how="give statements (--difference / --differences-file) or --open N"
    )
    config = load_config(
        config_file,
        no_cache,
        {
            "backends.llm": backend,
            "backends.vlm": backend,
            "backends.base_url": base_url,
            "backends.frame": frame_embedder,
            "compare.localizer": localizer,
        },
        actions_files,
    )
    performers = parse_point(performer, "--performer"), parse_point(performer_b, "--performer-b")
    with progress_bar(f"compare {video_a.name} / {video_b.name}", None) as bar:
        result = run_compare(
            video_a,
            video_b,
            action=request.action,
            differences=request.differences,
            named={s.text: s.link for s in from_file if s.link},
            n_open=request.n_open,
            config=config,
            description=description,
            progress=lambda step: bar.update(TaskID(0), description=step),
            performers=performers,
        )
    atomic_write_text(output, result.model_dump_json(indent=1))
    if as_json:
        stdout.print_json(result.model_dump_json(include={"differences", "quality", "backends", "usage"}))
        return
    table = Table(title=f"{action}: A = {video_a.name}, B = {video_b.name}")
    for column in ("statement", "verdict", "confidence", "why"):
        table.add_column(column)
    for item in result.differences:
        verdict = item.label or "not decided"
        table.add_row(
            item.text,
            verdict,
            f"{item.confidence:.2f}",
            (item.reason or "") if item.withheld or not item.evidence else item.evidence[0].summary,
        )
    if result.differences:
        stdout.print(table)
    if result.quality is not None:
        stdout.print(f"[bold]views:[/] {escape(result.quality.summary)}")
    for notice in result.notices:
        stdout.print(f"[yellow]note:[/] {escape(notice)}")
    usage = result.usage
    stdout.print(
        f"result -> {output}; {int(usage.get('requests', 0))} model requests "
        f"({int(usage.get('cache_hits', 0))} cached), {int(usage.get('prompt_tokens', 0))} prompt + "
        f"{int(usage.get('completion_tokens', 0))} completion tokens, ${usage.get('cost_usd', 0.0):.4f}"
    )
