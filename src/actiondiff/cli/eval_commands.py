"""`actiondiff eval ...`: score methods on benchmarks the way the papers do."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from actiondiff.cli.app import ConfigOption, NoCacheFlag, app, load_config, progress_bar, stdout
from actiondiff.config import Config
from actiondiff.errors import InputError
from actiondiff.eval import runner
from actiondiff.eval.readers import read_benchmark
from actiondiff.eval.viddiff import (
    SPLITS,
    ComparePredictor,
    Localizer,
    Mode,
    RandomPredictor,
    markdown_table,
    score_closed,
    score_closed_by,
    score_open,
    summary_row,
)
from actiondiff.storage import atomic_write_text

if TYPE_CHECKING:
    from actiondiff.eval.matching import Matcher

eval_app = typer.Typer(help="Evaluate on benchmarks: the papers' metrics, resumable, local cores or Ray.")
app.add_typer(eval_app, name="eval")


@eval_app.command("viddiffbench")
def viddiffbench(
    root: Annotated[
        Path,
        typer.Option(help="Benchmark folder: VidDiffBench tables (jsonl/json/parquet) or pair folders."),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for predictions and the summary.")],
    mode: Annotated[
        Mode, typer.Option(help="closed: label given statements A/B; open: propose and match.")
    ] = "closed",
    split: Annotated[
        list[str] | None,
        typer.Option(help="Only this split (easy, medium, hard); repeatable [default: all]."),
    ] = None,
    method: Annotated[
        str, typer.Option(help="'actiondiff' (the compare pipeline) or 'random' (seeded chance baseline).")
    ] = "actiondiff",
    backend: Annotated[
        str | None,
        typer.Option(help="LLM/VLM backend of compare and the judge, e.g. openai:gpt-4o."),
    ] = None,
    localizer: Annotated[
        Localizer,
        typer.Option(help="Localizer ablation (VidDiff table 5); oracle = annotated key frames."),
    ] = "viterbi",
    matcher: Annotated[
        str, typer.Option(help="Open mode: 'embedding' (offline, Hungarian) or 'llm' (judge via --backend).")
    ] = "embedding",
    threshold: Annotated[
        float, typer.Option(help="Embedding matcher: least cosine similarity of a match.")
    ] = 0.6,
    engine: Annotated[runner.Engine, typer.Option(help="local: process pool; ray: a Ray cluster.")] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster ('auto' or host:port) [default: start one locally]."),
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Parallel samples [default: all cores].")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the random method.")] = 0,
    config_file: ConfigOption = None,
    no_cache: NoCacheFlag = False,
) -> None:
    """Run a method on every sample, then print the summary table (rows = methods, columns = splits).

    Each run (mode + method, backend and localizer) has its own folder OUTPUT/RUN with
    predictions.jsonl (one fsync'd line per finished sample; re-running the same run skips them),
    predictions.json (the reference format: a list in dataset order of key -> {description,
    prediction}) and scores.json (per split, action and category). OUTPUT/summary.{json,md} is
    the shared table, to which every run into the same OUTPUT adds its row.
    """
    config = load_config(
        config_file,
        no_cache,
        {"backends.llm": backend or None, "backends.vlm": backend or None},
    )
    unknown = set(split or ()) - set(SPLITS)
    if unknown:
        raise InputError("--split", f"unknown split(s) {sorted(unknown)}; choose from {', '.join(SPLITS)}")
    samples = [s for s in read_benchmark(root) if not split or s.split in split]
    if not samples:
        raise InputError(root, f"no samples in split(s) {split}")
    predict: RandomPredictor | ComparePredictor
    if method == "random":
        if mode == "open":
            raise InputError("--method random", "the random baseline is defined for closed mode only")
        predict = RandomPredictor(seed)
    elif method == "actiondiff":
        predict = ComparePredictor(mode, config, localizer)
    else:
        raise InputError("--method", f"unknown method {method!r}; use 'actiondiff' or 'random'")
    run_dir = output / run_folder(mode, predict.name)
    with progress_bar(f"{mode} {predict.name}", total=len(samples)) as progress:
        predictions = runner.run(
            [(s.sample_key, s) for s in samples],
            predict,
            run_dir / "predictions.jsonl",
            engine=engine,
            workers=workers,
            address=address,
            on_done=lambda _key: progress.advance(0),  # type: ignore[arg-type]
        )
    atomic_write_text(run_dir / "predictions.json", json.dumps(predictions, indent=1) + "\n")
    details: dict[str, Any]
    if mode == "closed":
        scores: dict[str, Any] = score_closed(samples, predictions)
        details = {
            "splits": {k: v.__dict__ for k, v in scores.items()},
            "actions": {k: v.__dict__ for k, v in score_closed_by(samples, predictions, "action").items()},
            "categories": {
                k: v.__dict__ for k, v in score_closed_by(samples, predictions, "category").items()
            },
        }
    else:
        scores, audits = score_open(samples, predictions, _matcher(matcher, threshold, backend, config))
        details = {
            "splits": {
                k: {n: v for n, v in s.__dict__.items() if n != "outcomes"} for k, s in scores.items()
            },
            "samples": audits,
        }
    atomic_write_text(run_dir / "scores.json", json.dumps(details, indent=1, default=str) + "\n")
    rows = _merge_rows(output / "summary.json", summary_row(predict.name, mode, scores))
    atomic_write_text(output / "summary.json", json.dumps(rows, indent=1) + "\n")
    table = markdown_table(rows)
    atomic_write_text(output / "summary.md", table)
    stdout.print(table, markup=False, highlight=False)
    stdout.print(f"predictions and scores -> {run_dir}", markup=False, highlight=False)


def run_folder(mode: str, method: str) -> str:
    """The folder of one run under OUTPUT, named by mode and method, so runs never share predictions."""
    return re.sub(r"[^a-z0-9.]+", "-", f"{mode} {method}".lower()).strip("-")


def _matcher(kind: str, threshold: float, backend: str | None, config: Config) -> Matcher:
    from actiondiff.backends.registry import resolve_chat, resolve_sentence_embedder
    from actiondiff.eval.matching import EmbeddingMatcher, LlmJudgeMatcher

    if kind == "embedding":
        return EmbeddingMatcher(resolve_sentence_embedder(config.backends.sentence, config), threshold)
    if kind == "llm":
        chat = resolve_chat(backend or "offline", config)
        if chat is None:
            raise InputError("--matcher llm", "needs a chat backend: --backend openai:<model>")
        return LlmJudgeMatcher(chat)
    raise InputError("--matcher", f"unknown matcher {kind!r}; use 'embedding' or 'llm'")


def _merge_rows(path: Path, row: dict[str, Any]) -> list[dict[str, Any]]:
    rows = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    rows = [r for r in rows if (r["method"], r["mode"]) != (row["method"], row["mode"])]
    return [*rows, row]
