"""ActDR-style training lists for KEPT: (media, score, commentary, sub-activity), paired per sub-activity.

A dataset folder holds ``list.jsonl``, one record per line::

    {"id": "squat_a", "media": "tracks/squat_a.json.gz", "score": 7.4,
     "commentary": "Deep squat ...", "sub_activity": "squat"}

``media`` (relative to the folder) is a video, or a pose-track JSON (`models.PoseTrack`, optionally
gzipped) so a dataset can carry pose sequences without their pixels. As in the ActDR dataset (section 2),
pairs are every two performances of the same sub-activity; a pair's reference description is built from
the two commentaries (`reference_description`).
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from actiondiff.config import Config
from actiondiff.errors import DatasetError, InputError
from actiondiff.models import PoseTrack
from actiondiff.pose import extract_pose

LIST_NAME = "list.jsonl"
TRACK_SUFFIXES = (".json", ".json.gz")


class ActdrItem(BaseModel):
    """One scored performance."""

    id: str = Field(min_length=1)
    media: Path = Field(description="Video file or pose-track JSON, relative to the dataset folder.")
    score: float
    commentary: str = ""
    sub_activity: str = Field(min_length=1)


def read_list(folder: str | Path) -> list[ActdrItem]:
    """The records of ``folder/list.jsonl`` with media paths made absolute; names the bad line on failure."""
    folder = Path(folder)
    path = folder / LIST_NAME
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DatasetError(path, f"cannot read the training list: {exc.strerror or exc}") from exc
    items: list[ActdrItem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = ActdrItem.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise DatasetError(f"{path}:{number}", f"bad record: {exc}") from exc
        media = item.media if item.media.is_absolute() else folder / item.media
        if not media.exists():
            raise DatasetError(f"{path}:{number}", f"media file {media} does not exist")
        items.append(item.model_copy(update={"media": media}))
    if len({item.id for item in items}) != len(items):
        raise DatasetError(path, "record ids must be unique")
    if len(items) < 4:
        raise DatasetError(path, f"needs at least 4 records to train and validate, found {len(items)}")
    return items


def is_pose_track(path: Path) -> bool:
    return path.name.endswith(TRACK_SUFFIXES)


def load_track(path: Path, config: Config) -> PoseTrack:
    """A pose track from a pose-track JSON (plain or gzipped), or extracted from a video (cached)."""
    if not is_pose_track(path):
        return extract_pose(path, config)
    try:
        raw = path.read_bytes()
        return PoseTrack.model_validate_json(gzip.decompress(raw) if path.suffix == ".gz" else raw)
    except (OSError, EOFError, gzip.BadGzipFile, ValidationError) as exc:
        raise InputError(path, f"not a readable pose-track JSON: {exc}") from exc


def split_items(items: list[ActdrItem], val_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Hold out whole performances (at least two per sub-activity) so validation pairs are unseen."""
    rng = random.Random(seed)
    train: list[int] = []
    val: list[int] = []
    for group in sub_activity_groups(items).values():
        shuffled = group[:]
        rng.shuffle(shuffled)
        n_val = max(2, round(val_fraction * len(group))) if len(group) >= 4 else 0
        val += shuffled[:n_val]
        train += shuffled[n_val:]
    if not val:
        raise DatasetError("training list", "no sub-activity has the 4 performances a validation split needs")
    return sorted(train), sorted(val)


def build_pairs(items: list[ActdrItem], members: list[int]) -> list[tuple[int, int]]:
    """Every two performances of one sub-activity among `members` (indices into `items`)."""
    chosen = set(members)
    pairs: list[tuple[int, int]] = []
    for group in sub_activity_groups(items).values():
        pairs += itertools.combinations([i for i in group if i in chosen], 2)
    return pairs


def reference_description(a: ActdrItem, b: ActdrItem) -> str:
    """The pair's reference difference description, combining both commentaries and the score order."""
    better = "Performer A" if a.score >= b.score else "Performer B"
    return (
        f"Performer A: {a.commentary.strip()} Performer B: {b.commentary.strip()} "
        f"{better} performs better overall."
    )


def sub_activity_groups(items: list[ActdrItem]) -> dict[str, list[int]]:
    """Item indices by sub-activity, in order of first appearance."""
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault(item.sub_activity, []).append(index)
    return groups
