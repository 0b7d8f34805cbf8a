"""`actiondiff ask` and `actiondiff stepdiff ...`: pair QA, DiffCap / DiffMCQ / DiffRank, the QA generator.

The StepDiff machinery is imported inside each command, so `actiondiff --help` stays fast.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import TaskID

from actiondiff.cli.app import (
    ConfigOption,
    JsonFlag,
    NoCacheFlag,
    VideoArg,
    app,
    load_config,
    progress_bar,
    stderr,
    stdout,
)
from actiondiff.config import Config
from actiondiff.stepdiff.records import CATEGORIES

stepdiff_app = typer.Typer(
    help="StepDiff: difference captions, multiple choice, ranking, and paired-QA training data.",
    no_args_is_help=True,
)
app.add_typer(stepdiff_app, name="stepdiff")

VlmOption = Annotated[
    str | None,
    typer.Option("--vlm", help="Vision LLM, e.g. openai:gpt-4o (default offline: answers from pose)."),
]
BaseUrlOption = Annotated[
    str | None, typer.Option(help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1.")
]


class Task(StrEnum):
    diffcap = "diffcap"
    diffmcq = "diffmcq"
    diffrank = "diffrank"


def _config(
    config_file: Path | None, no_cache: bool, vlm: str | None, base_url: str | None, **more: Any
) -> Config:
    """The configuration with the VLM options set (`more`: further dotted settings)."""
    return load_config(config_file, no_cache, {"backends.vlm": vlm, "backends.base_url": base_url, **more})


@app.command("ask")
def ask_command(
    reference: VideoArg,
    candidate: VideoArg,
    question: Annotated[str, typer.Argument(help="A free question, e.g. 'what is the main difference?'")],
    action: Annotated[str | None, typer.Option(help="The action both videos show, e.g. 'squat'.")] = None,
    vlm: VlmOption = None,
    base_url: BaseUrlOption = None,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Answer a question about the CANDIDATE video relative to the REFERENCE video.

    With a vision LLM, 8 frames of each video (of the named step, when the question names one)
    go to the model labelled "Video 1 (reference)" and "Video 2 (candidate)", with the pose
    measurements. Offline the answer is built from the kinematics stage's measured quantities (those
    of the action's candidate differences with --action; the ones the question names, e.g. tempo)
    and says what could not be judged. Every answer lists the frames and measurements it used.
    """
    from actiondiff.stepdiff.pairqa import ask

    config = _config(config_file, no_cache, vlm, base_url)
    answer = ask(reference, candidate, question, action=action, config=config)
    if as_json:
        stdout.print_json(answer.model_dump_json())
        return
    stdout.print(answer.answer, highlight=False)
    stdout.print(
        f"[dim]{answer.model}; reference frames {answer.frames_reference}; "
        f"candidate frames {answer.frames_candidate}[/]"
    )


@stepdiff_app.command("caption")
def caption_command(
    reference: VideoArg,
    candidate: VideoArg,
    category: Annotated[
        list[str] | None,
        typer.Option(help=f"Category to caption, repeatable: {', '.join(CATEGORIES)} (default: all)."),
    ] = None,
    vlm: VlmOption = None,
    base_url: BaseUrlOption = None,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """DiffCap: one difference caption per category, "what the candidate does instead of the reference".

    Offline only technique is captioned (from pose); the other categories need --vlm.
    """
    from actiondiff.stepdiff.caption import diffcap

    config = _config(config_file, no_cache, vlm, base_url)
    chosen = tuple(category or CATEGORIES)
    unknown = [c for c in chosen if c not in CATEGORIES]
    if unknown:
        raise typer.BadParameter(f"unknown categories {unknown}; choose from {', '.join(CATEGORIES)}")
    captions = diffcap(reference, candidate, chosen, config=config)  # type: ignore[arg-type]
    if as_json:
        stdout.print_json(json.dumps([c.model_dump(mode="json") for c in captions]))
        return
    for caption in captions:
        stdout.print(f"[bold]{caption.category}[/]: {caption.caption or '(' + (caption.reason or '') + ')'}")


@stepdiff_app.command("eval")
def eval_command(
    task: Annotated[
        Task, typer.Argument(help="diffcap (BLEU/CIDEr/ROUGE-L), diffmcq (accuracy), diffrank (tau).")
    ],
    items: Annotated[
        Path | None,
        typer.Argument(
            help="StepDiff items (JSON/JSONL/Parquet): reference, candidate, category, caption, severity "
            "[default: the shipped set, built in the cache]."
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Per-item records (JSONL); a re-run skips those done.")
    ] = Path("stepdiff_results.jsonl"),
    samples_dir: Annotated[
        Path, typer.Option(help="The bundled sample pairs the shipped set is built from.")
    ] = Path("data/samples"),
    real_clips: Annotated[
        Path | None,
        typer.Option(
            help="The cached real clips (scripts/fetch_real_clips.py) [default: their cache, if there]."
        ),
    ] = None,
    vlm: VlmOption = None,
    base_url: BaseUrlOption = None,
    seed: Annotated[int, typer.Option(help="Seed of DiffMCQ's option order.")] = 0,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
) -> None:
    """Run one StepDiff task over annotated items and report the paper's metric for it, against chance.

    Without ITEMS, the shipped set (docs/stepdiff.md): the sample pairs and the real clips, each
    paired with edited copies whose differences hold by construction. Each finished item (a pair of
    clips for DiffCap) is one fsync'd `{key, output, seconds}` line of OUTPUT, as in `actiondiff eval
    viddiffbench`: a killed run re-run with the same OUTPUT resumes, skipping what is done. Clip paths
    in the items are relative to the items file. Without --vlm: DiffCap captions technique from pose,
    DiffMCQ scores options by the measured gaps of the quantities a caption names, DiffRank by the
    measured distance to the reference.
    """
    from actiondiff.backends import resolve_chat, resolve_sentence_embedder
    from actiondiff.config import real_clips_dir
    from actiondiff.eval.readers import read_stepdiff
    from actiondiff.stepdiff.itemset import build_item_set
    from actiondiff.stepdiff.tasks import (
        caption_items,
        evaluate_diffcap,
        evaluate_diffmcq,
        evaluate_diffrank,
        mcq_questions,
        rank_queries,
    )

    config = _config(config_file, no_cache, vlm, base_url)
    if items is None:
        real = real_clips or real_clips_dir()
        with_real = (real / "single").is_dir()
        if not with_real:
            stderr.print(f"[yellow]note:[/] no real clips in {real}: the shipped set has the samples only")
        items = build_item_set(config.cache_dir / "stepdiff-set", samples_dir, real if with_real else None)
        stderr.print(f"items: {items}")
    chat = resolve_chat(config.backends.vlm, config)
    rows = read_stepdiff(items)
    root = items.resolve().parent
    if task is Task.diffcap:
        work = caption_items(rows, root)
        with progress_bar("DiffCap", len(work)) as bar:
            _, summary = evaluate_diffcap(work, config, chat, output, lambda: bar.advance(TaskID(0)))
    elif task is Task.diffmcq:
        sentences = resolve_sentence_embedder(config.backends.sentence, config)
        questions = mcq_questions(rows, root, sentences, seed=seed)
        with progress_bar("DiffMCQ", len(questions)) as bar:
            _, summary = evaluate_diffmcq(questions, config, chat, output, lambda: bar.advance(TaskID(0)))
    else:
        queries = rank_queries(rows, root)
        with progress_bar("DiffRank", len(queries)) as bar:
            _, summary = evaluate_diffrank(queries, config, chat, output, lambda: bar.advance(TaskID(0)))
    stdout.print_json(json.dumps({"task": task.value, **summary, "results": str(output)}))


@stepdiff_app.command("make-qa")
def make_qa_command(
    clips: Annotated[Path, typer.Argument(help="Folder of `STEP/CLIP.mp4` (+ optional .txt/.json).")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Instruction-tuning JSONL (appended).")
    ] = Path("pair_qa.jsonl"),
    llm: Annotated[
        str | None,
        typer.Option(
            help="LLM writing descriptions and QA, e.g. openai:gpt-4o (default: QA from measurements)."
        ),
    ] = None,
    vlm: VlmOption = None,
    base_url: BaseUrlOption = None,
    kinds: Annotated[
        list[str] | None,
        typer.Option("--kind", help="QA types, repeatable: compare, which, same (default: all)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of pairing and roles (default: config).")] = None,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
) -> None:
    """Generate paired-video QA for instruction tuning (StepDiff §3.2).

    Pairs clips of the same step from different source videos, describes each clip, asks the LLM
    for question-answer pairs comparing them (without --llm: writes them from the pair's measured
    differences by templates) and keeps those that pass the filters. Re-running resumes: pairs
    already written are skipped; LLM answers come from the cache.
    """
    from actiondiff.stepdiff.datagen import generate_pair_qa

    config = _config(config_file, no_cache, vlm, base_url, **{"backends.llm": llm, "stepdiff.seed": seed})
    with progress_bar("pairs", None) as bar:
        summary = generate_pair_qa(
            clips,
            output,
            config=config,
            kinds=tuple(kinds or ("compare", "which", "same")),
            on_pair=lambda: bar.advance(TaskID(0)),
        )
    stdout.print_json(summary.model_dump_json())
