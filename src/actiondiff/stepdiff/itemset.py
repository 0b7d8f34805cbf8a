"""The StepDiff item set shipped with actiondiff: pairs whose differences are known by construction.

Sources are the bundled sample videos (`data/samples/<pair>/{a,b}.mp4`) and, when the dev set-up
has cached them, the real clips of the invariance suite (one person, four cameras). Each source
clip X is paired with edited copies of itself (`video.edits`, as in the invariance suite):

| pair | technique caption (the candidate relative to the reference) | severity |
|---|---|---|
| X, mirrored X | moves the same way | 5 |
| X, X with a held 1-s lead-in | starts the first repetition later | 4 |
| X, X slowed x2 | descends and rises more slowly, takes longer per repetition | 2 |
| X slowed x2, X | the same, faster | (one candidate: no ranking) |
| X with the lead-in, X | starts the first repetition earlier | (no ranking) |

and the two videos of a sample pair are paired both ways, one caption per difference their
`pair.yaml` labels A or B (what the generator built in, `data/README.md`), severity 1: against
its own edits, the other performance differs most. Severity orders how many of the general
quantities a construction changes (none; the start; every tempo; technique and tempo).

The edited copies are written once into a folder of the cache (deterministic: the same edit of
the same file), beside `items.jsonl`; originals are linked there, so every clip has a unique name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from actiondiff.errors import InputError
from actiondiff.kinematics import find_quantity
from actiondiff.stepdiff.caption import SAME_WAY
from actiondiff.storage import atomic_write_text
from actiondiff.video.edits import Edit, apply_edit

REAL_CAMERAS = tuple(f"cam0{i}" for i in range(1, 5))
SAMPLE_PAIRS = ("squat", "overhead_press", "lunge")
_TAIL = " in the candidate compared to the reference."


@dataclass(frozen=True)
class Construction:
    """An edit of a source clip and what it does to the performance, in both roles."""

    name: str
    edit: Edit
    forward: str
    """The caption when the edited copy is the candidate."""
    backward: str | None
    """The caption when the edited copy is the reference (None: that pair is not built)."""
    severity: float


CONSTRUCTIONS = (
    Construction("mirror", Edit(mirror=True), SAME_WAY, None, 5),
    Construction("held", Edit(hold_s=1.0), "The person starts the first repetition later" + _TAIL,
                 "The person starts the first repetition earlier" + _TAIL, 4),
    Construction("slowed", Edit(slowdown=2.0),
                 "The person descends more slowly, rises more slowly and takes longer per repetition" + _TAIL,
                 "The person descends faster, rises faster and completes each repetition faster" + _TAIL, 2),
)  # fmt: skip
SAMPLE_SEVERITY = 1.0


def sample_captions(pair_yaml: Path, reference: str) -> list[str]:
    """One caption per A/B difference of a sample's `pair.yaml`, worded for `reference` ("a" or "b")
    as the reference: the quantity's phrase for what the other video does more or less of."""
    try:
        pair = yaml.safe_load(pair_yaml.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(pair_yaml, f"cannot read the sample's expected differences: {exc}") from exc
    captions = []
    for difference in pair["differences"]:
        if difference["label"] not in ("A", "B"):
            continue
        more, less = find_quantity(difference["quantity"]).phrases
        asserts_more = difference.get("direction", "more") == "more"
        candidate_has_more = asserts_more == (difference["label"].lower() != reference)
        captions.append(f"The person {more if candidate_has_more else less}{_TAIL}")
    return captions


def build_item_set(target: Path, samples: Path, real_clips: Path | None) -> Path:
    """Write the edited copies and `items.jsonl` into `target` (clips already there are kept) and
    return the items file. `real_clips`: the cache of the real clips, or None to leave them out."""
    if not all((samples / pair / f"{side}.mp4").is_file() for pair in SAMPLE_PAIRS for side in "ab"):
        raise InputError(
            samples, f"not the bundled samples folder (needs {'/'.join(SAMPLE_PAIRS)}/{{a,b}}.mp4)"
        )
    clips = target / "clips"
    clips.mkdir(parents=True, exist_ok=True)
    sources = {f"{pair}-{side}": samples / pair / f"{side}.mp4" for pair in SAMPLE_PAIRS for side in "ab"}
    if real_clips is not None:
        sources |= {f"real-{cam}": real_clips / "single" / f"{cam}.mp4" for cam in REAL_CAMERAS}
    rows = []
    for name, path in sources.items():
        _link(clips / f"{name}.mp4", path)
        for construction in CONSTRUCTIONS:
            edited = clips / f"{name}-{construction.name}.mp4"
            if not edited.exists():
                apply_edit(path, edited, construction.edit)
            rows.append(_row(name, edited.stem, construction.forward, construction.severity))
            if construction.backward is not None:
                rows.append(_row(edited.stem, name, construction.backward, construction.severity))
    for pair in SAMPLE_PAIRS:
        for reference, candidate in (("a", "b"), ("b", "a")):
            for caption in sample_captions(samples / pair / "pair.yaml", reference):
                rows.append(_row(f"{pair}-{reference}", f"{pair}-{candidate}", caption, SAMPLE_SEVERITY))
    items = target / "items.jsonl"
    atomic_write_text(items, "".join(json.dumps(row) + "\n" for row in rows))
    return items


def _row(reference: str, candidate: str, caption: str, severity: float) -> dict[str, object]:
    return {"reference": f"clips/{reference}.mp4", "candidate": f"clips/{candidate}.mp4",
            "category": "technique", "caption": caption, "severity": severity}  # fmt: skip


def _link(link: Path, source: Path) -> None:
    if not source.is_file():
        raise InputError(source, "missing clip of the shipped StepDiff set")
    if link.is_symlink() and link.resolve() == source.resolve():
        return
    link.unlink(missing_ok=True)
    link.symlink_to(source.resolve())
