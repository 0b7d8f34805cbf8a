"""The calibration set's video pairs, whose truth is known by construction, and a model backend's
answers on them.

Two parts have videos (the synthetic part of `benchmarks/bench_calibration.py` is pose only): the
bundled sample pairs (`data/samples/*/pair.yaml`, both orders) and the real-footage invariance suite
(`eval.invariance`: edited copies of the pose2sim clips). Each pair goes through `compare` as a user's
would, so a vision model sees the frames the differencer shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from actiondiff.config import Config
from actiondiff.eval.invariance import ACTION, CASES, STATEMENTS, SWAPPED, case_videos
from actiondiff.models import Difference, Label
from actiondiff.pipeline.compare import compare
from actiondiff.pipeline.model_calibration import ScoredAnswer


@dataclass(frozen=True)
class CalibrationPair:
    """Two videos of an action and the true label of each statement about them."""

    group: str
    origin: str
    a: Path
    b: Path
    action: str
    truth: Mapping[str, Label]
    named: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Statement -> (quantity, direction), as `pair.yaml` links them."""


def sample_pairs(samples_dir: Path) -> list[CalibrationPair]:
    """The bundled sample pairs (`pair.yaml` truth), in both orders."""
    pairs = []
    for folder in sorted(samples_dir.iterdir()):
        if not (folder / "pair.yaml").is_file():
            continue
        spec = yaml.safe_load((folder / "pair.yaml").read_text(encoding="utf-8"))
        truth: dict[str, Label] = {d["text"]: d["label"] for d in spec["differences"]}
        named = {d["text"]: (d["quantity"], d.get("direction", "more")) for d in spec["differences"]}
        swapped: dict[str, Label] = {text: SWAPPED[label] or label for text, label in truth.items()}
        for first, second, ordered in (("a", "b", truth), ("b", "a", swapped)):
            group, a, b = f"{folder.name}-{first}{second}", folder / f"{first}.mp4", folder / f"{second}.mp4"
            pairs.append(CalibrationPair(group, "samples", a, b, spec["action"], ordered, named))
    return pairs


def invariance_pairs(cameras: Sequence[Path], clips: int, work: Path) -> list[CalibrationPair]:
    """The invariance suite on the first `clips` of these cameras (edited copies written into `work`),
    but for the second-person case (its calibration pairs are not yet measured into calibration.json)."""
    pairs = []
    for clip in cameras[:clips]:
        for case in (c for c in CASES if not c.second_person):
            a, b = case_videos(case, clip, cameras, work)
            truth: dict[str, Label] = {text: case.expected.get(text, "C") for text in STATEMENTS}
            group, origin = f"{clip.stem}-{case.name}", f"invariance/{case.name}"
            pairs.append(CalibrationPair(group, origin, a, b, ACTION, truth))
    return pairs


def judged(pair: CalibrationPair, config: Config) -> list[tuple[Difference, Label]]:
    """Every statement's verdict from `compare` on the pair, with its truth."""
    result = compare(pair.a, pair.b, action=pair.action, differences=list(pair.truth), named=pair.named,
                     config=config)  # fmt: skip
    return [(d, pair.truth[d.text]) for d in result.differences]


def scored_answers(verdicts: Sequence[tuple[Difference, Label]]) -> list[ScoredAnswer]:
    """The model's labelled answers among the verdicts' evidence, each with the measured verdict beside
    it (before the quality gate, as the fusion saw it) and the truth."""
    scored = []
    for difference, truth in verdicts:
        measured = next((e for e in difference.evidence if e.source == "kinematics" and e.label), None)
        for answer in difference.evidence:
            if answer.source != "kinematics" and answer.label is not None:
                scored.append(ScoredAnswer(answer, measured, truth))
    return scored
