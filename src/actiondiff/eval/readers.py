"""Benchmark readers: VidDiffBench rows (JSON/JSONL/Parquet), our pair folders, ActDR and StepDiff lists.

Every reader validates its input and raises `DatasetError` naming the file and the record
that is wrong. VidDiffBench rows and pair folders become `BenchSample`s, the one currency
the runner and the VidDiff scorer take.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from actiondiff.errors import DatasetError, describe_validation_error
from actiondiff.models import VIDEO_SUFFIXES, KeyFrames

Split = Literal["easy", "medium", "hard"]
GtLabel = Literal["a", "b", "c"]
TABLE_SUFFIXES = (".jsonl", ".json", ".parquet")


class BenchVideo(BaseModel):
    """One video of a sample; frames [start_frame, end_frame) when the benchmark trims it."""

    path: Path
    start_frame: int | None = Field(default=None, ge=0)
    end_frame: int | None = Field(default=None, ge=0)


class BenchDifference(BaseModel):
    """An annotated difference statement and its ground truth (None: not annotated for this pair)."""

    description: str = Field(min_length=1)
    label: GtLabel | None = None

    @field_validator("label", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class BenchSample(BaseModel):
    """One VidDiffBench sample: two videos of an action and its annotated differences by key."""

    sample_key: str = Field(min_length=1)
    action: str = Field(min_length=1)
    action_description: str = ""
    split: Split = "easy"
    domain: str = ""
    video_a: BenchVideo
    video_b: BenchVideo
    differences: dict[str, BenchDifference]
    n_differences_open_prediction: int | None = Field(default=None, ge=1)
    keyframes: KeyFrames | None = Field(
        default=None, description="Optional key-frame annotations: what the oracle localizer shows."
    )

    @property
    def truth(self) -> dict[str, str | None]:
        return {key: d.label for key, d in self.differences.items()}


def read_benchmark(root: str | Path) -> list[BenchSample]:
    """A benchmark directory: VidDiffBench tables (*.jsonl / *.json / *.parquet) if any, else pair folders."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(root, "benchmark root is not a directory")
    tables = sorted(p for p in root.iterdir() if p.suffix in TABLE_SUFFIXES and p.is_file())
    samples = [s for table in tables for s in read_viddiffbench(table, video_root=root)] if tables else []
    if not tables:
        samples = read_pair_folders(root)
    if not samples:
        raise DatasetError(root, "no samples found (expected VidDiffBench tables or pair folders)")
    seen: set[str] = set()
    for sample in samples:
        if sample.sample_key in seen:
            raise DatasetError(root, f"sample_key {sample.sample_key!r} occurs twice")
        seen.add(sample.sample_key)
    return samples


# --------------------------------------------------------------------------- VidDiffBench


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """Raw rows of a JSON list, a JSONL file or a Parquet table."""
    path = Path(path)
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            return list(pq.read_table(path).to_pylist())
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            return [
                _json(line, path, f"line {i}") for i, line in enumerate(text.splitlines(), 1) if line.strip()
            ]
        rows = _json(text, path, "file")
    except OSError as exc:
        raise DatasetError(path, f"cannot read: {exc.strerror or exc}") from exc
    except Exception as exc:  # pyarrow raises its own error types for a damaged table
        if isinstance(exc, DatasetError):
            raise
        raise DatasetError(path, f"cannot read table: {exc}") from exc
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise DatasetError(path, "expected a list of objects")
    return rows


def read_viddiffbench(path: str | Path, *, video_root: str | Path | None = None) -> list[BenchSample]:
    """VidDiffBench rows with `sample_key`, `action`, `action_description`, `split`, `domain`, the two
    videos (`video_a`/`video_b` or `videos: [a, b]`, each a path or {path, start_frame, end_frame}),
    `differences_annotated` (key -> {description, ...}), `differences_gt` (key -> a/b/c/None; dict
    or JSON text as in the Parquet release) and `n_differences_open_prediction`. Relative video
    paths are resolved against `video_root` (default: the table's folder).

    Optional `keyframes` (or `retrieval_frames`; dict or JSON text) are validated into
    `models.KeyFrames`: `{"spans": {"a": [{"sub_action", "start_frame", "end_frame"}, ...], "b": [...]},
    "differences": {key: {"a": [frame, ...], "b": [frame, ...]}}}`, video frame indices counted from
    0 in the video files; difference keys must be annotated ones.
    """
    path = Path(path)
    base = Path(video_root) if video_root is not None else path.parent
    return [_viddiff_row(row, base, path, i) for i, row in enumerate(read_rows(path))]


def _viddiff_row(row: Mapping[str, Any], base: Path, path: Path, index: int) -> BenchSample:
    where = f"{path} (row {index}, sample_key {row.get('sample_key')!r})"
    try:
        annotated = _maybe_json(row.get("differences_annotated"), where, "differences_annotated")
        gt = _maybe_json(row.get("differences_gt"), where, "differences_gt") or {}
        if not isinstance(annotated, dict) or not annotated:
            raise DatasetError(where, "differences_annotated must map keys to {description}")
        if not isinstance(gt, dict):
            raise DatasetError(where, "differences_gt must map keys to a, b, c or null")
        unknown = set(gt) - set(annotated)
        if unknown:
            raise DatasetError(where, f"differences_gt keys not annotated: {sorted(unknown)}")
        differences = {
            str(k): BenchDifference(description=_description(v, where, k), label=gt.get(k))
            for k, v in annotated.items()
            if v is not None
        }
        video_a, video_b = _videos(row, base, where)
        keyframes = _keyframes(row.get("keyframes") or row.get("retrieval_frames"), where, differences)
        return BenchSample(
            sample_key=str(row.get("sample_key", "")),
            action=str(row.get("action", "")),
            action_description=row.get("action_description") or "",
            split=row.get("split") or "easy",
            domain=row.get("domain") or "",
            video_a=video_a,
            video_b=video_b,
            differences=differences,
            n_differences_open_prediction=row.get("n_differences_open_prediction"),
            keyframes=keyframes,
        )
    except ValidationError as exc:
        raise DatasetError(where, describe_validation_error(exc)) from exc


def _keyframes(value: Any, where: str, differences: Mapping[str, BenchDifference]) -> KeyFrames | None:
    """The row's key-frame annotation in its typed form (None when absent); errors name the field."""
    value = _maybe_json(value, where, "keyframes")
    if not value:
        return None
    try:
        keyframes = KeyFrames.model_validate(value)
    except ValidationError as exc:
        raise DatasetError(where, describe_validation_error(exc, "keyframes")) from exc
    unknown = sorted(set(keyframes.differences) - set(differences))
    if unknown:
        raise DatasetError(where, f"keyframes: difference keys not annotated: {unknown}")
    return keyframes


def _videos(row: Mapping[str, Any], base: Path, where: str) -> tuple[BenchVideo, BenchVideo]:
    pair = row.get("videos") or [row.get("video_a"), row.get("video_b")]
    if not isinstance(pair, list | tuple) or len(pair) != 2 or not all(pair):
        raise DatasetError(where, "needs two videos: 'video_a' and 'video_b', or 'videos': [a, b]")
    videos = []
    for item in pair:
        if not isinstance(item, str | dict):
            raise DatasetError(
                where, f"video {item!r:.40} must be a path or {{path, start_frame, end_frame}}"
            )
        spec = {"path": item} if isinstance(item, str) else dict(item)
        video = BenchVideo.model_validate(spec)
        if not video.path.is_absolute():
            video.path = base / video.path
        videos.append(video)
    return videos[0], videos[1]


def _description(value: Any, where: str, key: str) -> str:
    text = value.get("description") if isinstance(value, dict) else value
    if not isinstance(text, str) or not text.strip():
        raise DatasetError(where, f"difference {key!r} has no description")
    return text


def _maybe_json(value: Any, where: str, field: str) -> Any:
    if isinstance(value, str):
        return _json(value, where, field)
    return value


def _json(text: str, path: str | Path, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(path, f"{what} is not valid JSON: {exc.msg} at line {exc.lineno}") from exc


def difference_lookup(samples: Iterable[BenchSample]) -> dict[str, dict[str, str]]:
    """Per action, every difference key and its description (VidDiffBench's per-action lookup)."""
    lookup: dict[str, dict[str, str]] = {}
    for sample in samples:
        for key, diff in sample.differences.items():
            lookup.setdefault(sample.action, {}).setdefault(key, diff.description)
    return lookup


# --------------------------------------------------------------------------- pair folders


class _PairDifference(BaseModel):
    key: str
    text: str = Field(min_length=1)
    label: Literal["A", "B", "C", "a", "b", "c"] | None = None


class PairFile(BaseModel):
    """`pair.yaml`: action, differences with labels, optional scores, commentary, split, video paths."""

    action: str = Field(min_length=1)
    action_description: str = ""
    split: Split = "easy"
    domain: str = ""
    differences: list[_PairDifference] = Field(min_length=1)
    scores: dict[str, float] = Field(default_factory=dict)
    commentary: str = ""
    videos: dict[str, str] = Field(default_factory=dict, description="a/b paths relative to the folder.")


def read_pair_folder(folder: str | Path) -> BenchSample:
    """A folder with `a.*`, `b.*` and `pair.yaml` (videos may instead be named in pair.yaml `videos`)."""
    folder = Path(folder)
    spec = folder / "pair.yaml"
    try:
        data = yaml.safe_load(spec.read_text(encoding="utf-8"))
        pair = PairFile.model_validate(data)
    except OSError as exc:
        raise DatasetError(spec, f"cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise DatasetError(spec, f"not valid YAML: {exc}") from exc
    except ValidationError as exc:
        raise DatasetError(spec, describe_validation_error(exc)) from exc
    keys = [d.key for d in pair.differences]
    if len(set(keys)) != len(keys):
        raise DatasetError(spec, f"difference keys repeat: {keys}")
    videos = {}
    for side in ("a", "b"):
        path = folder / pair.videos[side] if side in pair.videos else _find_video(folder, side)
        if not path.is_file():
            raise DatasetError(spec, f"video {side} not found: {path}")
        videos[side] = BenchVideo(path=path)
    return BenchSample(
        sample_key=folder.name,
        action=pair.action,
        action_description=pair.action_description,
        split=pair.split,
        domain=pair.domain,
        video_a=videos["a"],
        video_b=videos["b"],
        differences={d.key: BenchDifference(description=d.text, label=d.label) for d in pair.differences},  # type: ignore[arg-type]
    )


def read_pair_folders(root: str | Path) -> list[BenchSample]:
    """Every sub-folder of `root` that holds a pair.yaml, in name order."""
    return [read_pair_folder(p.parent) for p in sorted(Path(root).glob("*/pair.yaml"))]


def _find_video(folder: Path, side: str) -> Path:
    for suffix in VIDEO_SUFFIXES:
        if (folder / f"{side}{suffix}").is_file():
            return folder / f"{side}{suffix}"
    return folder / f"{side}.mp4"


# --------------------------------------------------------------------------- ActDR and StepDiff lists


class ActdrVideo(BaseModel):
    """ActDR: one performance with its expert score and commentary."""

    video: Path
    score: float
    commentary: str = ""


class ActdrPair(BaseModel):
    a: str
    b: str


class ActdrDataset(BaseModel):
    """ActDR-style dataset: performances by id and the pairs to compare."""

    videos: dict[str, ActdrVideo]
    pairs: list[ActdrPair]


def read_actdr(path: str | Path) -> ActdrDataset:
    """JSON/YAML `{videos: {id: {video, score, commentary}}, pairs: [{a, b}]}`; paths relative to it."""
    path = Path(path)
    data = _read_mapping_file(path)
    try:
        dataset = ActdrDataset.model_validate(data)
    except ValidationError as exc:
        raise DatasetError(path, describe_validation_error(exc)) from exc
    for i, pair in enumerate(dataset.pairs):
        for side in (pair.a, pair.b):
            if side not in dataset.videos:
                raise DatasetError(f"{path} (pair {i})", f"unknown video id {side!r}")
    for item in dataset.videos.values():
        if not item.video.is_absolute():
            item.video = path.parent / item.video
    return dataset


class StepDiffItem(BaseModel):
    """StepDiff: a reference and a candidate clip, a difference category, its caption and severity."""

    reference: str = Field(min_length=1)
    candidate: str = Field(min_length=1)
    category: str = Field(min_length=1)
    caption: str = Field(min_length=1)
    severity: float


def read_stepdiff(path: str | Path) -> list[StepDiffItem]:
    """A JSON list / JSONL / Parquet of StepDiff items; a bad record is named by its row."""
    path = Path(path)
    items = []
    for i, row in enumerate(read_rows(path)):
        try:
            items.append(StepDiffItem.model_validate(row))
        except ValidationError as exc:
            raise DatasetError(f"{path} (row {i})", describe_validation_error(exc)) from exc
    return items


def _read_mapping_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # YAML is a superset of JSON
    except OSError as exc:
        raise DatasetError(path, f"cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise DatasetError(path, f"not valid JSON/YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DatasetError(path, "expected a mapping")
    return data
