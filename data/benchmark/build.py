"""Build the bundled VidDiffBench-format benchmark from the sample pairs in data/samples.

Writes data/benchmark/viddiffbench.jsonl: one VidDiffBench row per sample pair, with the
SPEC's field names, videos referenced by path (../samples/<pair>/a.mp4, no copies) and the
pair's A/B/C labels as `differences_gt`. Splits are ours: a pair's split is looked up in SPLITS.
Run: python data/benchmark/build.py
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from actiondiff.eval.metrics import n_diff
from actiondiff.storage import atomic_write_text

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "samples"
SPLITS = {"squat": "easy", "overhead_press": "medium", "lunge": "hard"}


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
    }


def main() -> None:
    folders = sorted(p.parent for p in SAMPLES.glob("*/pair.yaml"))
    lines = [json.dumps(row(f), ensure_ascii=False) for f in folders]
    atomic_write_text(HERE / "viddiffbench.jsonl", "\n".join(lines) + "\n")
    print(f"wrote {len(lines)} samples to {HERE / 'viddiffbench.jsonl'}")


if __name__ == "__main__":
    main()
