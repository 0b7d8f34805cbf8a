"""Build the bundled VidDiffBench-format benchmark from the sample pairs in data/samples.

Writes data/benchmark/viddiffbench.jsonl: one VidDiffBench row per sample pair, with the
SPEC's field names, videos referenced by path (../samples/<pair>/a.mp4, no copies) and the
pair's A/B/C labels as `differences_gt`. Splits are ours: a pair's split is looked up in SPLITS.

Where the generator wrote a `truth.json`, the row also holds `keyframes` (the oracle localizer's
input, `models.KeyFrames`): per video, the library sub-actions' spans in every repetition, from the
generator's repetition frames and its motion progress (1.0 = held at the turning point); per
difference, the start / turning point / end frames of each repetition that show its quantity.
Run: python data/benchmark/build.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from actiondiff.eval.metrics import n_diff
from actiondiff.kinematics.phases import PHASES
from actiondiff.knowledge import resolve_profile
from actiondiff.models import KeyFrames
from actiondiff.storage import atomic_write_text

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "samples"
SPLITS = {"squat": "easy", "overhead_press": "medium", "lunge": "hard"}
EVENTS = {
    "depth": ("turn",),
    "trunk_lean": ("turn",),
    "elbow_extension": ("turn",),
    "elbow_flare": ("turn",),
    "knee_valgus": ("turn",),
    "stance_width": ("start", "turn"),
    "grip_width": ("start", "turn"),
    "toe_out": ("start", "turn"),
    "descent_duration": ("start", "turn"),
    "start_delay": ("start",),
}
"""Repetition events (start, turning point, end) that show a catalogue quantity (pair.yaml `quantity`);
others get all three."""
HELD = 0.999
"""Motion progress at or above this is the hold at the turning point."""


def _phase_bounds(video: dict[str, Any]) -> list[dict[str, tuple[int, int]]]:
    """Per repetition, inclusive frame bounds of its phases (rest before the first one only)."""
    reps, progress, last = video["reps"], video["frames"]["progress"], video["n_frames"] - 1
    bounds = []
    for i, r in enumerate(reps):
        held = [f for f in range(r["start"], r["end"] + 1) if progress[f] >= HELD]
        hold_start, hold_end = (held[0], held[-1]) if held else (_turn(r), _turn(r))
        following = reps[i + 1]["start"] - 1 if i + 1 < len(reps) else last
        phases = {
            "rest": (0, r["start"] - 1) if i == 0 else (0, -1),
            "out": (r["start"], hold_start - 1),
            "extreme": (hold_start, hold_end),
            "back": (hold_end + 1, r["end"]),
            "recovery": (r["end"] + 1, following),
        }
        bounds.append({k: v for k, v in phases.items() if v[1] >= v[0]})
    return bounds


def _turn(rep: dict[str, int]) -> int:
    return next(v for k, v in rep.items() if k not in ("start", "end"))


def _spans(video: dict[str, Any], action: str) -> list[dict[str, Any]]:
    """Each library sub-action's span in every repetition; a phase no sub-action names is absorbed
    by the named one before it, as `kinematics.phase_spans` does."""
    profile = resolve_profile(action)
    if profile.entry is None:
        return []
    owner = {profile.phase_of(s.name): s.name for s in profile.entry.sub_actions}
    spans = []
    for phases in _phase_bounds(video):
        current: dict[str, Any] | None = None
        for phase in PHASES:
            if phase in owner:
                current = None
            if phase not in phases:
                continue
            start, end = phases[phase]
            if current is None and phase in owner:
                current = {"sub_action": owner[phase], "start_frame": start, "end_frame": end}
                spans.append(current)
            elif current is not None:
                current["end_frame"] = end
    return spans


def keyframes(folder: Path, action: str, differences: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The oracle annotation of a sample pair, from its truth.json (None without one)."""
    path = folder / "truth.json"
    if not path.is_file():
        return None
    truth = json.loads(path.read_text(encoding="utf-8"))
    videos = truth["videos"]
    frames: dict[str, dict[str, list[int]]] = {}
    for d in differences:
        events = EVENTS.get(d.get("quantity", ""), ("start", "turn", "end"))
        frames[d["key"]] = {
            side: sorted({r[e] if e != "turn" else _turn(r) for r in videos[side]["reps"] for e in events})
            for side in ("a", "b")
        }
    annotation = {
        "spans": {side: _spans(videos[side], action) for side in ("a", "b")},
        "differences": frames,
    }
    return KeyFrames.model_validate(annotation).model_dump(mode="json")


def row(folder: Path) -> dict[str, object]:
    pair = yaml.safe_load((folder / "pair.yaml").read_text(encoding="utf-8"))
    differences = pair["differences"]
    return {
        "sample_key": folder.name,
        "action": pair["action"],
        "action_description": pair.get("action_description", ""),
        "split": SPLITS.get(folder.name, "easy"),
        "domain": "fitness",
        "videos": [f"../samples/{folder.name}/a.mp4", f"../samples/{folder.name}/b.mp4"],
        "differences_annotated": {d["key"]: {"description": d["text"]} for d in differences},
        "differences_gt": {d["key"]: (d.get("label") or "").lower() or None for d in differences},
        "n_differences_open_prediction": n_diff(len(differences)),
        **({"keyframes": k} if (k := keyframes(folder, pair["action"], differences)) else {}),
    }


def main() -> None:
    folders = sorted(p.parent for p in SAMPLES.glob("*/pair.yaml"))
    lines = [json.dumps(row(f), ensure_ascii=False) for f in folders]
    atomic_write_text(HERE / "viddiffbench.jsonl", "\n".join(lines) + "\n")
    print(f"wrote {len(lines)} samples to {HERE / 'viddiffbench.jsonl'}")


if __name__ == "__main__":
    main()
