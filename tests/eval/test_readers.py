"""Readers on real files: VidDiffBench JSON/JSONL/Parquet, pair folders, ActDR and StepDiff lists."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from actiondiff.errors import DatasetError
from actiondiff.eval import readers

REPO = Path(__file__).resolve().parents[2]
BENCHMARK = REPO / "data" / "benchmark"


def _row(key: str = "s0", **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "sample_key": key,
        "action": "squat",
        "action_description": "a bodyweight squat",
        "split": "medium",
        "domain": "fitness",
        "videos": [{"path": "a.mp4", "start_frame": 3, "end_frame": 40}, {"path": "b.mp4"}],
        "differences_annotated": {"0": {"description": "the squat is deeper"}, "1": {"description": "wider"}},
        "differences_gt": {"0": "A", "1": None},
        "n_differences_open_prediction": 3,
    }
    row.update(extra)
    return row


def test_viddiffbench_jsonl_json_and_parquet_agree(tmp_path: Path) -> None:
    rows = [_row("s0"), _row("s1", split="hard")]
    (tmp_path / "x.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (tmp_path / "x.json").write_text(json.dumps(rows))
    # the Parquet release stores the difference mappings as JSON text
    flat = [{**r, "differences_annotated": json.dumps(r["differences_annotated"]),
             "differences_gt": json.dumps(r["differences_gt"])} for r in rows]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(flat), tmp_path / "x.parquet")
    parsed = [readers.read_viddiffbench(tmp_path / f"x.{ext}") for ext in ("jsonl", "json", "parquet")]
    assert parsed[0] == parsed[1] == parsed[2]
    sample = parsed[0][0]
    assert sample.split == "medium" and sample.video_a.path == tmp_path / "a.mp4"
    assert sample.video_a.start_frame == 3 and sample.truth == {"0": "a", "1": None}
    assert readers.difference_lookup(parsed[0]) == {"squat": {"0": "the squat is deeper", "1": "wider"}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"differences_gt": {"9": "a"}}, "not annotated"),
        ({"differences_annotated": {"0": {"description": ""}, "1": "wider"}}, "no description"),
        ({"split": "tricky"}, "split"),
        ({"videos": ["a.mp4"]}, "two videos"),
        ({"differences_gt": "{not json"}, "not valid JSON"),
        (
            {"keyframes": {"differences": {"7": {"a": [1], "b": [2]}}}},
            r"keyframes: difference keys not annotated",
        ),
        (
            {"keyframes": {"spans": {"a": [{"sub_action": "bottom", "start_frame": 9, "end_frame": 3}]}}},
            r"keyframes\.spans\.a\.0.*before start_frame",
        ),
        (
            {"retrieval_frames": json.dumps({"differences": {"0": {"a": [], "b": [2]}}})},
            r"keyframes\.differences\.0\.a",
        ),
    ],
)
def test_viddiffbench_bad_row_is_named(tmp_path: Path, change: dict[str, object], message: str) -> None:
    path = tmp_path / "bench.jsonl"
    path.write_text(json.dumps(_row("good")) + "\n" + json.dumps(_row("broken", **change)) + "\n")
    with pytest.raises(DatasetError, match=message) as info:
        readers.read_viddiffbench(path)
    assert "row 1" in str(info.value) and "broken" in str(info.value)


def test_pair_folder_from_the_samples(squat_pair: Path) -> None:
    sample = readers.read_pair_folder(squat_pair)
    assert sample.action == "squat" and sample.video_a.path == squat_pair / "a.mp4"
    assert sample.differences["0"].label == "a" and len(sample.differences) >= 4


def test_bad_pair_yaml_is_named(tmp_path: Path, squat_pair: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "pair.yaml").write_text("action: squat\ndifferences: [{key: '0', text: deeper, label: Q}]\n")
    with pytest.raises(DatasetError, match=r"pair\.yaml.*differences\.0\.label"):
        readers.read_pair_folder(folder)


def test_bundled_benchmark_points_at_the_samples() -> None:
    samples = readers.read_benchmark(BENCHMARK)
    assert {s.sample_key for s in samples} >= {"squat"}
    assert all(s.video_a.path.is_file() and s.video_b.path.is_file() for s in samples)
    squat = next(s for s in samples if s.sample_key == "squat")
    assert squat.keyframes is not None and set(squat.keyframes.differences) == set(squat.differences)
    assert [s.sub_action for s in squat.keyframes.spans.a][:5] == [
        "standing start", "descent", "bottom", "ascent", "standing finish"]  # fmt: skip


def test_keyframes_are_validated_into_the_typed_form(tmp_path: Path) -> None:
    annotation = {"spans": {"b": [{"sub_action": "bottom", "start_frame": 4, "end_frame": 9}]},
                  "differences": {"0": {"a": [5, 7], "b": [6]}}}  # fmt: skip
    (tmp_path / "x.jsonl").write_text(json.dumps(_row(keyframes=json.dumps(annotation))) + "\n")
    keyframes = readers.read_viddiffbench(tmp_path / "x.jsonl")[0].keyframes
    assert (
        keyframes is not None
        and keyframes.spans.b[0].end_frame == 9
        and keyframes.differences["0"].a == [5, 7]
    )


def test_actdr_and_stepdiff_lists(tmp_path: Path) -> None:
    actdr = tmp_path / "actdr.json"
    actdr.write_text(json.dumps({
        "videos": {"p1": {"video": "p1.mp4", "score": 8.5, "commentary": "good"},
                   "p2": {"video": "p2.mp4", "score": 6}},
        "pairs": [{"a": "p1", "b": "p2"}],
    }))  # fmt: skip
    dataset = readers.read_actdr(actdr)
    assert dataset.videos["p1"].video == tmp_path / "p1.mp4" and dataset.pairs[0].b == "p2"
    actdr.write_text(
        json.dumps({"videos": {"p1": {"video": "p1.mp4", "score": 1}}, "pairs": [{"a": "p1", "b": "zz"}]})
    )
    with pytest.raises(DatasetError, match=r"pair 0.*'zz'"):
        readers.read_actdr(actdr)
    step = tmp_path / "step.jsonl"
    item = {
        "reference": "r.mp4",
        "candidate": "c.mp4",
        "category": "tools",
        "caption": "uses a whisk",
        "severity": 2,
    }
    step.write_text(json.dumps(item) + "\n" + json.dumps({**item, "severity": "high"}) + "\n")
    with pytest.raises(DatasetError, match=r"row 1.*severity"):
        readers.read_stepdiff(step)
    step.write_text(json.dumps(item) + "\n")
    assert readers.read_stepdiff(step)[0].category == "tools"
