"""`actiondiff batch`: many pairs (a manifest, or a folder against a reference) on all cores or Ray."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
    app,
    emit,
    load_config,
    progress_bar,
    stderr,
    stdout,
)
from actiondiff.eval import runner
from actiondiff.statements import read_statement_file

SOME_FAILED = 6
"""Exit code of a batch that finished, outputs written, with at least one failed pair."""
PHASES = {"pose": "pose each video once", "compare": "compare pairs"}


@app.command(epilog=f"Exit codes: 0 every pair compared; {SOME_FAILED} finished, some pairs failed; "
             "3 bad manifest or options; as for every command otherwise.")  # fmt: skip
def batch(
    source: Annotated[
        Path,
        typer.Argument(
            help="A manifest (CSV or YAML; columns a, b, action, statements, open, name, description) "
            "or, with --reference, a folder of clips.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder for records, reports, table, summary and index.")
    ],
    reference: Annotated[
        Path | None,
        typer.Option(
            help="Compare every video of the SOURCE folder with this one (A = reference, B = clip)."
        ),
    ] = None,
    action: Annotated[str | None, typer.Option(help="The action, for every pair that names none.")] = None,
    difference: Annotated[
        list[str] | None,
        typer.Option("--difference", "-d", help="A statement for every pair that gives none; repeatable."),
    ] = None,
    differences_file: Annotated[
        Path | None, typer.Option(help="Statements for every pair that gives none (as compare reads).")
    ] = None,
    open_n: Annotated[
        int | None, typer.Option("--open", min=1, help="Open mode with N differences, likewise.")
    ] = None,
    description: Annotated[str, typer.Option(help="A longer description of the action.")] = "",
    engine: Annotated[runner.Engine, typer.Option(help="local: process pool; ray: a Ray cluster.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster ('auto' or host:port) [default: start one locally].")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Parallel tasks [default: all cores].")] = None,
    retry_failed: Annotated[
        bool, typer.Option(help="Run again the pairs (and videos) an earlier run recorded as failed.")
    ] = False,
    backend: Annotated[
        str | None, typer.Option(help="LLM and VLM of every pair, as for compare (e.g. openai:gpt-4o).")
    ] = None,
    actions_files: ActionsOption = None,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Compare many pairs: each video is posed once, pairs run on all cores or a Ray cluster.

    Pairs come from a manifest (CSV with a header row, or YAML: a list of pairs or a mapping with
    'pairs' whose other keys apply to every pair; paths relative to the manifest; 'statements' is a
    differences file, 'open' is N), or with --reference REF.mp4 DIR from every video in DIR against
    REF. --action, -d / --differences-file and --open fill what a pair leaves out.

    OUTPUT holds records.jsonl (one fsync'd record per finished pair: running the same command again
    skips them, so a killed batch resumes and loses nothing), pairs/NAME/{result.json, report.html,
    thumb.jpg}, table.csv and table.parquet (one row per pair x statement: label, confidence,
    values, unit, the seconds of A and B looked at), summary.{json,md} (the statements that most
    often differ, and every failure) and index.html (each pair's thumbnail linked to its report).

    A pair that fails (a bad file, nobody in view) is recorded with its reason and the batch goes
    on; a recorded failure stays until its files or settings change or --retry-failed is given.
    --engine ray gives the local pool's results exactly; on a multi-node cluster every node must
    read the videos at the same paths (docs/scaling.md). With --no-cache the batch keeps its own
    cache in OUTPUT/cache, since the cache is what poses each video once.
    """
    from actiondiff.batch import Defaults, read_manifest, reference_pairs, run_batch

    statements = list(difference or [])
    from_file = read_statement_file(differences_file) if differences_file is not None else []
    statements += [s.text for s in from_file]
    named = {s.text: s.link for s in from_file if s.link}
    defaults = Defaults.given(action, statements, open_n, description, named)
    pairs = reference_pairs(reference, source, defaults) if reference else read_manifest(source, defaults)
    config = load_config(
        config_file, no_cache, {"backends.llm": backend, "backends.vlm": backend}, actions_files
    )

    @contextmanager
    def bar(phase: str, total: int) -> Iterator[runner.DoneFn]:
        with progress_bar(PHASES[phase], total) as progress:
            yield lambda _key: progress.advance(TaskID(0))

    outcome = run_batch(
        pairs, output, config, engine=engine, workers=workers, address=address,
        retry_failed=retry_failed, progress=bar,
    )  # fmt: skip
    if not as_json:
        _print_statements(outcome.summary["statements"])
        for failure in outcome.failed:
            stderr.print(
                f"[red]failed[/] {escape(failure['pair'])}: {escape(failure['error'])}", highlight=False
            )
    counts = outcome.summary
    emit(
        counts,
        as_json,
        escape(
            f"{counts['pairs']} pairs: {counts['compared']} compared, {counts['failed']} failed; "
            f"table -> {outcome.files['table_csv']} (+ .parquet), index -> {outcome.files['index']}"
        ),
    )
    if outcome.failed:
        raise typer.Exit(SOME_FAILED)


def _print_statements(statements: list[dict[str, object]], most: int = 10) -> None:
    if not statements:
        return
    table = Table(title="statements that most often differ (A or B)")
    for column in ("statement", "pairs", "A", "B", "C", "undecided"):
        table.add_column(column, justify="left" if column == "statement" else "right")
    for s in statements[:most]:
        table.add_row(*(str(s[column]) for column in ("statement", "pairs", "A", "B", "C", "undecided")))
    stdout.print(table)
