"""What a batch leaves: the tidy table (CSV and Parquet), the statement summary, the HTML index.

The table has one row per pair x statement: the verdict, its confidence, the measured values and
unit, and the interval (seconds of A and of B) the evidence looked at, when there is one. A pair
that failed has one row per statement it was asked (one row in open mode) with its plain reason.
Every file is written atomically, from the records alone, so a re-run rewrites them identically.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from actiondiff.batch.manifest import PairSpec
from actiondiff.models import ComparisonResult, Difference
from actiondiff.storage import atomic_write_bytes, atomic_write_text

COLUMNS: dict[str, pa.DataType] = {
    "pair": pa.string(),
    "a": pa.string(),
    "b": pa.string(),
    "action": pa.string(),
    "mode": pa.string(),
    "status": pa.string(),
    "error": pa.string(),
    "key": pa.string(),
    "statement": pa.string(),
    "label": pa.string(),
    "confidence": pa.float64(),
    "decided_by": pa.string(),
    "quantity": pa.string(),
    "value_a": pa.float64(),
    "value_b": pa.float64(),
    "unit": pa.string(),
    "a_start_s": pa.float64(),
    "a_end_s": pa.float64(),
    "b_start_s": pa.float64(),
    "b_end_s": pa.float64(),
    "reason": pa.string(),
}
"""The table's columns and their Parquet types; CSV leaves a missing value empty."""
THUMB_HEIGHT = 120
"""Pixels: each video's frame in a pair's thumbnail (A | B side by side)."""

Row = dict[str, Any]


def result_rows(pair: PairSpec, result: ComparisonResult) -> list[Row]:
    """The table rows of a finished comparison, one per difference in result order."""
    return [
        _row(pair, result.mode, "ok", None) | _verdict(d, result.video_a.fps, result.video_b.fps)
        for d in result.differences
    ]


def failed_rows(pair: PairSpec, error: str) -> list[Row]:
    """The rows of a pair that failed: each statement it was asked (open mode: one row), the reason."""
    statements = pair.differences or (None,)
    return [
        _row(pair, pair.mode, "failed", error) | {"key": None if text is None else str(i), "statement": text}
        for i, text in enumerate(statements)
    ]


def _row(pair: PairSpec, mode: str, status: str, error: str | None) -> Row:
    return {column: None for column in COLUMNS} | {
        "pair": pair.name,
        "a": str(pair.a),
        "b": str(pair.b),
        "action": pair.action,
        "mode": mode,
        "status": status,
        "error": error,
    }


def _verdict(difference: Difference, fps_a: float, fps_b: float) -> Row:
    measured = next((e for e in difference.evidence if e.value_a is not None or e.value_b is not None), None)
    frames_a = [f for e in difference.evidence for f in e.frames_a]
    frames_b = [f for e in difference.evidence for f in e.frames_b]
    return {
        "key": difference.key,
        "statement": difference.text,
        "label": difference.label,
        "confidence": difference.confidence,
        "decided_by": "+".join(dict.fromkeys(e.source for e in difference.evidence)) or None,
        "quantity": measured.quantity if measured else None,
        "value_a": measured.value_a if measured else None,
        "value_b": measured.value_b if measured else None,
        "unit": measured.unit if measured else None,
        "a_start_s": round(min(frames_a) / fps_a, 3) if frames_a else None,
        "a_end_s": round(max(frames_a) / fps_a, 3) if frames_a else None,
        "b_start_s": round(min(frames_b) / fps_b, 3) if frames_b else None,
        "b_end_s": round(max(frames_b) / fps_b, 3) if frames_b else None,
        "reason": difference.reason,
    }


def write_table(rows: Sequence[Row], folder: Path) -> tuple[Path, Path]:
    """`table.csv` and `table.parquet` in `folder`, with the columns of `COLUMNS` in that order."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    csv_path = atomic_write_text(folder / "table.csv", text.getvalue())
    schema = pa.schema([pa.field(name, kind) for name, kind in COLUMNS.items()])
    table = pa.Table.from_pylist([dict(row) for row in rows], schema=schema)
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer)
    parquet_path = atomic_write_bytes(folder / "table.parquet", buffer.getvalue().to_pybytes())
    return csv_path, parquet_path


def statement_summary(rows: Sequence[Row]) -> list[Row]:
    """Per statement over the compared pairs: how often A, B, C and undecided, most often differing first.

    `differ` counts the pairs where it holds more for one video (A or B); `share` is that over the
    pairs that got a verdict on it.
    """
    counts: dict[str, Row] = {}
    for row in rows:
        if row["status"] != "ok" or row["statement"] is None:
            continue
        entry = counts.setdefault(
            row["statement"],
            {"statement": row["statement"], "pairs": 0, "A": 0, "B": 0, "C": 0, "undecided": 0},
        )
        entry["pairs"] += 1
        entry[row["label"] or "undecided"] += 1
    for entry in counts.values():
        entry["differ"] = entry["A"] + entry["B"]
        decided = entry["pairs"] - entry["undecided"]
        entry["share"] = round(entry["differ"] / decided, 3) if decided else None
    return sorted(counts.values(), key=lambda e: (-e["differ"], -(e["share"] or 0.0), e["statement"]))


@dataclass(frozen=True)
class PairEntry:
    """One pair as the index lists it."""

    pair: PairSpec
    status: str
    error: str | None
    labels: dict[str, int]
    report: str | None
    thumbnail: str | None


def pair_entry(pair: PairSpec, output: Row) -> PairEntry:
    labels = {"A": 0, "B": 0, "C": 0, "undecided": 0}
    for row in output["rows"]:
        if output["status"] == "ok":
            labels[row["label"] or "undecided"] += 1
    files = output.get("files", {})
    return PairEntry(
        pair, output["status"], output.get("error"), labels, files.get("report"), files.get("thumbnail")
    )


def write_summary(summary: Row, folder: Path) -> tuple[Path, Path]:
    """`summary.json` (counts, failures, videos, statements) and `summary.md` (the statements table)."""
    json_path = atomic_write_text(
        folder / "summary.json", json.dumps(summary, indent=1, ensure_ascii=False) + "\n"
    )
    return json_path, atomic_write_text(folder / "summary.md", summary_markdown(summary))


def summary_markdown(summary: Row) -> str:
    lines = [
        f"{summary['pairs']} pairs: {summary['compared']} compared, {summary['failed']} failed",
        "",
        "| statement | pairs | A | B | C | undecided | differ | share |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in summary["statements"]:
        share = "" if s["share"] is None else f"{100 * s['share']:.0f}%"
        lines.append(
            f"| {s['statement']} | {s['pairs']} | {s['A']} | {s['B']} | {s['C']} | {s['undecided']} "
            f"| {s['differ']} | {share} |"
        )
    if summary["failures"]:
        lines += ["", "Failed pairs:", ""]
        lines += [f"- {f['pair']}: {f['error']}" for f in summary["failures"]]
    return "\n".join(lines) + "\n"


_env = Environment(
    loader=PackageLoader("actiondiff.batch", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def write_index(entries: Sequence[PairEntry], summary: Row, folder: Path) -> Path:
    """`index.html`: every pair with its thumbnail, linked to its report, and the statement summary."""
    from actiondiff.report import theme_css

    html = _env.get_template("index.html.j2").render(
        entries=entries, summary=summary, css=Markup(theme_css())
    )
    return atomic_write_text(folder / "index.html", html)


def thumbnail(result: ComparisonResult) -> bytes:
    """A small JPEG: the middle frame of A beside the middle frame of B, skeletons drawn."""
    import cv2

    from actiondiff.backends.images import encode_jpeg
    from actiondiff.report.frames import read_keyframes, video_of

    tiles = []
    for side in ("a", "b"):
        path, info, pose = video_of(result, side)
        middle = info.n_frames // 2
        image = read_keyframes(path, info, [middle], pose)[middle]
        width = max(1, round(image.shape[1] * THUMB_HEIGHT / image.shape[0]))
        tiles.append(cv2.resize(image, (width, THUMB_HEIGHT), interpolation=cv2.INTER_AREA))
    return encode_jpeg(np.concatenate(tiles, axis=1), max_side=4 * THUMB_HEIGHT, quality=80)
