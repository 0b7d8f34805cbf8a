"""A batch run: pose every distinct video once, compare every pair, write the outputs.

Both phases go through the eval runner (`actiondiff.eval.runner`), on a local process pool or on
Ray, so a batch resumes and fails like an evaluation does: each finished video or pair is one
fsync'd record (`poses.jsonl`, `records.jsonl`), written by this process alone after the pair's
files; a re-run skips what is recorded. A pair that fails is recorded with its plain reason and
the batch goes on.

The pose phase fills the pose cache (keyed by file content and pose settings), so the compare
phase finds every track there: a reference shared by 100 pairs is posed once, and two paths to one
file's content count as one video. A pair's record key is its name plus a hash of its arguments,
of both files' content and of the settings that shape a result, so an edited manifest, a replaced
video or another configuration is compared again rather than taken from an old record.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actiondiff.batch.manifest import PairSpec, pair_places
from actiondiff.batch.outputs import (
    PairEntry,
    failed_rows,
    pair_entry,
    result_rows,
    statement_summary,
    thumbnail,
    write_index,
    write_summary,
    write_table,
)
from actiondiff.config import Config
from actiondiff.errors import ActionDiffError
from actiondiff.eval import runner
from actiondiff.storage import atomic_write_bytes, atomic_write_text, content_key
from actiondiff.video import file_digest

log = logging.getLogger(__name__)

POSES = "poses.jsonl"
RECORDS = "records.jsonl"

Advance = Callable[[str], None]
Progress = Callable[[str, int], AbstractContextManager[Advance]]
"""`progress(phase, total)`: a context around one phase whose value is called once per finished item."""


@contextmanager
def no_progress(_phase: str, _total: int) -> Iterator[Advance]:
    yield lambda _key: None


def plain_reason(exc: Exception) -> str:
    """What a record says of a failure: the error's own message (it names the file and the problem),
    or, for an error actiondiff did not expect, its type and message."""
    if isinstance(exc, ActionDiffError):
        return str(exc)
    log.error("internal error", exc_info=exc)
    return f"internal error ({type(exc).__name__}): {exc}"


@dataclass(frozen=True)
class PoseVideo:
    """The pose phase's work on one video: its track into the pose cache; the record says what was seen."""

    config: Config

    def __call__(self, video: Path) -> dict[str, Any]:
        from actiondiff.pose import extract_pose  # the pose model: loaded where it runs

        try:
            track = extract_pose(video, self.config)
        except Exception as exc:
            return {"video": str(video), "status": "failed", "error": plain_reason(exc)}
        return {
            "video": str(video),
            "status": "ok",
            "frames": len(track.frames),
            "detected": int(track.detected.sum()),
        }


@dataclass(frozen=True)
class ComparePair:
    """The compare phase's work on one pair: `actiondiff.compare`, then its report and thumbnail.

    The output carries the result JSON, the report HTML and the thumbnail back to the process that
    writes the records, so the batch's folder needs to be reachable from that process only.
    """

    config: Config

    def __call__(self, pair: PairSpec) -> dict[str, Any]:
        from actiondiff.pipeline import compare  # the models' libraries: imported where they run
        from actiondiff.report import render_report

        try:
            result = compare(**pair.arguments(), config=self.config)
            report = render_report(result)
        except Exception as exc:
            error = plain_reason(exc)
            return {"pair": pair.name, "status": "failed", "error": error, "rows": failed_rows(pair, error)}
        try:
            picture: bytes | None = thumbnail(result)
        except Exception as exc:  # a missing thumbnail is no reason to lose the comparison
            log.warning("%s: no thumbnail (%s)", pair.name, exc)
            picture = None
        return {
            "pair": pair.name,
            "status": "ok",
            "rows": result_rows(pair, result),
            "result": result.model_dump_json(indent=1),
            "report": report,
            "thumbnail": picture,
        }


@dataclass(frozen=True)
class PairFiles:
    """In the recording process: a finished pair's files under `pairs/NAME/`, before its record."""

    folder: Path

    def __call__(self, _key: str, output: dict[str, Any]) -> dict[str, Any]:
        name = output["pair"]
        where = self.folder / "pairs" / name
        if output["status"] != "ok":
            shutil.rmtree(where, ignore_errors=True)  # what an earlier run of this name left
            return output
        files = {"result": f"pairs/{name}/result.json", "report": f"pairs/{name}/report.html"}
        atomic_write_text(self.folder / files["result"], output["result"])
        atomic_write_text(self.folder / files["report"], output["report"])
        if output["thumbnail"] is not None:
            files["thumbnail"] = f"pairs/{name}/thumb.jpg"
            atomic_write_bytes(self.folder / files["thumbnail"], output["thumbnail"])
        kept = {k: v for k, v in output.items() if k not in ("result", "report", "thumbnail")}
        return kept | {"files": files}


@dataclass
class BatchOutcome:
    """A finished batch: every pair's record output in pair order, the summary and the files written."""

    pairs: list[PairSpec]
    outputs: list[dict[str, Any]]
    summary: dict[str, Any]
    files: dict[str, Path]

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [o for o in self.outputs if o["status"] != "ok"]


def batch_config(config: Config, folder: Path) -> Config:
    """The configuration a batch runs with: a cache is what poses each video once, so without the
    shared one (--no-cache) the batch keeps a cache of its own in `folder/cache`."""
    if config.use_cache:
        return config
    return config.model_copy(update={"cache_dir": folder / "cache", "use_cache": True})


def run_batch(
    pairs: Sequence[PairSpec],
    folder: Path,
    config: Config,
    *,
    engine: runner.Engine = "local",
    workers: int | None = None,
    address: str | None = None,
    retry_failed: bool = False,
    progress: Progress = no_progress,
) -> BatchOutcome:
    """Pose, compare and write the outputs of `pairs` into `folder`; resumes from its records.

    `retry_failed` runs again the videos and pairs recorded as failed (e.g. after a model server
    outage); by default a recorded failure is final until its inputs or settings change.
    """
    config = batch_config(config, folder)
    keep = (lambda output: output.get("status") == "ok") if retry_failed else None
    digests = {path: _digest(path) for path in pair_places(pairs)}
    settings = config.model_dump_json(include={"pose", "compare", "backends", "actions"})
    pose_settings = config.pose.model_dump_json()
    videos: dict[str, Path] = {}
    for path, digest in digests.items():
        if digest is not None:  # an unreadable file fails its pairs, with the reader's own words
            videos.setdefault(content_key(digest, pose_settings), path)
    keys = [_pair_key(pair, digests, settings) for pair in pairs]
    engine_options: dict[str, Any] = {"engine": engine, "workers": workers, "address": address}
    with runner.ray_session(address, workers) if engine == "ray" else nullcontext():
        with progress("pose", len(videos)) as advance:
            posed = runner.run(
                list(videos.items()), PoseVideo(config), folder / POSES, on_done=advance, keep=keep,
                **engine_options,
            )  # fmt: skip
        with progress("compare", len(pairs)) as advance:
            outputs = runner.run(
                list(zip(keys, pairs, strict=True)), ComparePair(config), folder / RECORDS,
                on_done=advance, store=PairFiles(folder), keep=keep, **engine_options,
            )  # fmt: skip
    return _write_outputs(list(pairs), outputs, posed, folder)


def _write_outputs(
    pairs: list[PairSpec], outputs: list[dict[str, Any]], posed: list[dict[str, Any]], folder: Path
) -> BatchOutcome:
    rows = [row for output in outputs for row in output["rows"]]
    failures = [
        {"pair": pair.name, "a": str(pair.a), "b": str(pair.b), "error": output["error"]}
        for pair, output in zip(pairs, outputs, strict=True)
        if output["status"] != "ok"
    ]
    summary = {
        "pairs": len(pairs),
        "compared": len(pairs) - len(failures),
        "failed": len(failures),
        "failures": failures,
        "statements": statement_summary(rows),
        "videos": posed,
    }
    csv_path, parquet_path = write_table(rows, folder)
    summary_json, summary_md = write_summary(summary, folder)
    entries: list[PairEntry] = [pair_entry(p, o) for p, o in zip(pairs, outputs, strict=True)]
    index = write_index(entries, summary, folder)
    files = {
        "table_csv": csv_path,
        "table_parquet": parquet_path,
        "summary_json": summary_json,
        "summary_md": summary_md,
        "index": index,
        "records": folder / RECORDS,
    }
    return BatchOutcome(pairs, outputs, summary, files)


def _digest(path: Path) -> str | None:
    try:
        return file_digest(path)
    except OSError:
        return None


def _pair_key(pair: PairSpec, digests: dict[Path, str | None], settings: str) -> str:
    """The pair's name, and a hash of what its result depends on."""
    content = [str(digests[pair.a]), str(digests[pair.b])]
    arguments = pair.model_dump_json(exclude={"named"} if not pair.named else None)  # keys from before it
    return f"{pair.name}@{content_key(arguments, *content, settings)[:16]}"
