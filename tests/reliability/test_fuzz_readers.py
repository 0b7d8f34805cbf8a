"""Malformed benchmark records are named; fuzzed input to both readers fails only the documented way.

Hypothesis runs derandomized with a fixed number of examples, so CI time and outcomes are stable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actiondiff.errors import DatasetError, VideoError
from actiondiff.eval.readers import read_viddiffbench
from actiondiff.video import Sampling, probe, read_frames
from tests.conftest import REPO
from tests.reliability.conftest import assert_clean_failure, run_cli

BOUNDED = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _valid_row() -> dict[str, Any]:
    table = REPO / "data" / "benchmark" / "viddiffbench.jsonl"
    row: dict[str, Any] = json.loads(table.read_text().splitlines()[0])
    row["videos"] = [str((table.parent / v).resolve()) for v in row["videos"]]
    return row


def _table(folder: Path, rows: list[dict[str, Any] | str]) -> Path:
    path = folder / "bench.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def _broken(**changes: Any) -> dict[str, Any]:
    row = {**_valid_row(), "sample_key": "broken"}
    for key, value in changes.items():
        if value is None:
            row.pop(key)
        else:
            row[key] = value
    return row


MALFORMED: dict[str, tuple[dict[str, Any] | str, str]] = {
    "no differences": (_broken(differences_annotated=None), "differences_annotated must map"),
    "unknown gt key": (_broken(differences_gt={"99": "a"}), "differences_gt keys not annotated: ['99']"),
    "unknown split": (_broken(split="impossible"), "field split"),
    "one video": (_broken(videos=["a.mp4"]), "needs two videos"),
    "no description": (
        _broken(differences_annotated={"0": {"name": "x"}}, differences_gt={}),
        "difference '0' has no description",
    ),
    "gt as broken JSON text": (_broken(differences_gt='{"0": "a"'), "differences_gt is not valid JSON"),
    "video as a number": (_broken(videos=[1, 2]), "video"),
    "gt as a list": (_broken(differences_gt=["a", "b"]), "differences_gt"),
    "not JSON": ('{"sample_key": "broken", ', "line 3 is not valid JSON"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_record_is_named(case: str, tmp_path: Path) -> None:
    bad, cause = MALFORMED[case]
    good = [{**_valid_row(), "sample_key": f"good-{i}"} for i in range(2)]
    path = _table(tmp_path, [*good, bad])
    with pytest.raises(DatasetError) as caught:
        read_viddiffbench(path)
    message = str(caught.value)
    assert str(path) in message and cause in message
    if isinstance(bad, dict):
        assert "row 2" in message and "'broken'" in message


def test_eval_cli_names_the_bad_record(tmp_path: Path) -> None:
    root = tmp_path / "bench"
    root.mkdir()
    _table(root, [_valid_row(), _broken(split="impossible")])
    run = run_cli("eval", "viddiffbench", "--root", root, "-o", tmp_path / "out", "--method", "random")
    assert_clean_failure(run, 3, "row 1", "sample_key 'broken'", "field split")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
FIELDS = [*_valid_row(), "video_a", "video_b", "keyframes"]


@BOUNDED
@given(changes=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES | st.just("<drop>"), max_size=4))
def test_fuzzed_benchmark_record_parses_or_is_named(changes: dict[str, Any], tmp_path: Path) -> None:
    row = {k: v for k, v in {**_valid_row(), **changes}.items() if v != "<drop>"}
    path = _table(tmp_path, [row])
    try:
        samples = read_viddiffbench(path)
    except DatasetError as exc:
        assert str(path) in str(exc) and "row 0" in str(exc), exc
    else:
        assert len(samples) == 1 and samples[0].differences


@pytest.fixture(scope="module")
def small_video(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    import numpy as np

    from actiondiff.video import write_video

    path = tmp_path_factory.mktemp("fuzz") / "seed.mp4"
    frames = [np.full((32, 48, 3), 20 + 10 * i, np.uint8) for i in range(12)]
    write_video(path, frames, fps=12)
    return path.read_bytes()


@BOUNDED
@given(data=st.data())
def test_fuzzed_video_decodes_or_raises_video_error(
    data: st.DataObject, small_video: bytes, tmp_path: Path
) -> None:
    """Random bytes, bit flips and truncations of a real H.264 mp4: frames or a VideoError, nothing else."""
    kind = data.draw(st.sampled_from(["random", "flips", "truncated"]))
    if kind == "random":
        content = data.draw(st.binary(max_size=4096))
    else:
        buffer = bytearray(small_video)
        if kind == "flips":
            for index in data.draw(st.lists(st.integers(0, len(buffer) - 1), min_size=1, max_size=40)):
                buffer[index] ^= 1 << data.draw(st.integers(0, 7))
        else:
            del buffer[data.draw(st.integers(0, len(buffer) - 1)) :]
        content = bytes(buffer)
    path = tmp_path / "fuzz.mp4"
    path.write_bytes(content)
    try:
        info = probe(path)
        frames = read_frames(path, Sampling(count=4, max_side=64))
    except VideoError as exc:
        assert str(path) in str(exc)
    else:
        assert info.n_frames >= 1 and frames and all(f.image.ndim == 3 for f in frames)
