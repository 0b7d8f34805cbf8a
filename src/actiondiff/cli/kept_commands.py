"""`actiondiff train-scorer` and `actiondiff score`: train KEPT (ActDR); score a pair.

PyTorch and the scorer are imported inside the commands, so `actiondiff --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import TaskID
from rich.table import Table

from actiondiff.cli.app import ConfigOption, JsonFlag, NoCacheFlag, app, load_config, progress_bar, stdout

if TYPE_CHECKING:
    from actiondiff.kept.infer import ScoreResult
    from actiondiff.kept.train import EpochRecord

PerformanceArg = Annotated[
    Path, typer.Argument(help="A video, or a pose-track JSON (.json / .json.gz).", show_default=False)
]


@app.command("train-scorer")
def train_scorer_command(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            help="Dataset folder with list.jsonl: one {id, media, score, commentary, sub_activity} per line; "
            "media is a video or a pose-track JSON (.json / .json.gz) relative to the folder.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="Run folder: best.pt, last.pt, metrics.jsonl, summary.json."),
    ] = Path("kept-run"),
    epochs: Annotated[int | None, typer.Option(help="Most epochs to train (default 60).")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the split, initialisation and batches.")] = None,
    shuffle_labels: Annotated[
        bool, typer.Option("--shuffle-labels", help="Control run: permute the training scores.")
    ] = False,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Train the KEPT scorer (ActDR paper) on scored performances with expert commentary.

    Pairs are all two performances of one sub-activity. Whole performances are held out for
    validation; every epoch appends losses, Spearman rho and relative L2 to metrics.jsonl, and
    training stops when the validation score loss has not improved for `scoring.patience` epochs.
    The sentence embedder for commentary is `backends.sentence` (offline: bundled MiniLM);
    per-keyframe visual features come from `backends.frame` when it names a model
    (then every media must be a video), else from the pose alone.
    """
    from actiondiff.backends.registry import resolve_frame_embedder, resolve_sentence_embedder
    from actiondiff.kept.dataset import read_list
    from actiondiff.kept.train import train_scorer

    config = load_config(config_file, no_cache, {"kept.epochs": epochs, "kept.seed": seed})
    embedder = resolve_sentence_embedder(config.backends.sentence, config)
    n_items = len(read_list(data))
    with progress_bar("features", n_items) as bar:

        def on_epoch(record: EpochRecord) -> None:
            if record.epoch == 1:
                bar.update(TaskID(0), completed=0, total=config.kept.epochs)
            bar.update(
                TaskID(0),
                advance=1,
                description=f"epoch {record.epoch}: loss {record.train_loss:.3f} rho {record.val_rho:.2f}",
            )

        summary = train_scorer(
            data,
            output,
            config,
            embedder,
            shuffle_labels=shuffle_labels,
            frame_embedder=resolve_frame_embedder(config.backends.frame, config),
            on_item=lambda _: bar.advance(TaskID(0)),
            on_epoch=on_epoch,
        )
    if as_json:
        stdout.print_json(summary.model_dump_json())
        return
    stdout.print(
        f"best epoch {summary.best_epoch}/{summary.epochs_run}: "
        f"validation Spearman rho {summary.val_rho:.3f}, "
        f"R-l2 x100 {summary.val_rl2:.2f} on {summary.val_pairs} held-out pairs "
        f"({summary.train_pairs} training pairs) -> {summary.checkpoint}"
    )
    text = summary.description_metrics
    if text:
        stdout.print(
            f"template descriptions of held-out pairs: BLEU-1 {text['bleu_1']:.3f}, "
            f"ROUGE-L {text['rouge_l']:.3f}, METEOR {text['meteor']:.3f}"
        )


@app.command()
def score(
    a: PerformanceArg,
    b: PerformanceArg,
    model: Annotated[
        Path,
        typer.Option("--model", help="A checkpoint written by train-scorer (best.pt).", show_default=False),
    ],
    action: Annotated[str, typer.Option(help="Action name used in the description, e.g. squat.")] = "",
    llm: Annotated[
        str | None,
        typer.Option(help="Chat model that writes the description, e.g. openai:gpt-4o [default: template]."),
    ] = None,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Score two performances with a KEPT checkpoint: each score, top reasoning paths, a description.

    A and B may be videos (pose is extracted and cached) or pose-track JSON files. A reasoning path is a
    sequence of joints (elbow, shoulder, hip, knee) from the keypoint-guided tree with its score Q; the
    first is the chosen path l*. The description is written by the configured chat LLM
    (`--llm` or `backends.llm`) from kinematic facts, or by the offline template writer.
    """
    from actiondiff.backends.registry import resolve_chat
    from actiondiff.kept.infer import score_pair

    config = load_config(config_file, no_cache)
    chat = resolve_chat(llm or config.backends.llm, config)
    result = score_pair(model, a, b, config, action=action, chat=chat)
    if as_json:
        stdout.print_json(result.model_dump_json())
        return
    _print_result(result)


def _print_result(result: ScoreResult) -> None:
    table = Table(title="KEPT scores")
    table.add_column("performer")
    table.add_column("score", justify="right")
    table.add_column("top reasoning paths (Q)")
    for label, performer in (("A", result.a), ("B", result.b)):
        paths = "\n".join(f"{' -> '.join(p.nodes)}  ({p.q:.3f})" for p in performer.paths)
        table.add_row(f"{label}: {performer.media}", f"{performer.score:.2f}", paths)
    stdout.print(table)
    stdout.print(
        f"verdict: {result.verdict} (score gaps up to the model's held-out RMSE {result.margin:.2f} "
        "are no clear difference)",
        highlight=False,
    )
    stdout.print(f"[bold]Description[/] ({result.writer}):", highlight=False)
    stdout.print(result.description, highlight=False)
    if result.facts:
        facts = Table(title="kinematic facts the description is written from")
        columns = ("joint", "score share (A - B)", "lowest angle A / B (deg)", "range A / B (deg)")
        for column in (*columns, "peak speed A / B (deg/s)", "left-right A / B (deg)", "largest gap"):
            facts.add_column(column)
        for fact in result.facts:
            a, b = fact.a, fact.b
            facts.add_row(
                fact.joint,
                f"{fact.share:+.2f}",
                f"{a.low_angle:.0f} / {b.low_angle:.0f}",
                f"{a.angle_range:.0f} / {b.angle_range:.0f}",
                f"{a.peak_speed:.0f} / {b.peak_speed:.0f}",
                f"{a.asymmetry:.0f} / {b.asymmetry:.0f}",
                f"{fact.phase}: {fact.angle_a:.0f} / {fact.angle_b:.0f}",
            )
        stdout.print(facts)
