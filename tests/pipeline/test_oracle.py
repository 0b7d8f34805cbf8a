"""The oracle localizer: annotated key frames replace the localizer (VidDiff table 5, last row).

Against the real local chat server: the VLM is shown exactly the annotated frames of each
difference, the measurement reads the annotated spans, and `eval --localizer oracle` runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from actiondiff.cli import app
from actiondiff.config import Config
from actiondiff.eval.oracle import compare_with_keyframes
from actiondiff.eval.readers import read_benchmark
from actiondiff.models import KeyFrames
from actiondiff.pipeline.compare import TwoVideoJob
from tests.support.chat_server import ChatServer, Scripted

REPO = Path(__file__).resolve().parents[2]
BENCHMARK = REPO / "data" / "benchmark"
UNSURE = "the hair is shinier"


def _squat_keyframes() -> KeyFrames:
    sample = next(s for s in read_benchmark(BENCHMARK) if s.sample_key == "squat")
    assert sample.keyframes is not None, "data/benchmark/build.py writes key frames from truth.json"
    return sample.keyframes


def _answer_by_truth(truth: dict[str, str]) -> Any:
    """The letter the statement's truth calls for; an answer outside A/B/C for UNSURE."""

    def rule(request: dict[str, Any]) -> Scripted:
        text = json.dumps(request["messages"])
        statement = next(s for s in [*truth, UNSURE] if f"'{s}'" in text)
        letter = truth.get(statement)
        if letter is None:
            return Scripted(content="Both look the same to me, maybe A?")
        return Scripted(content=letter, logprobs=[(letter, -0.1, {letter: -0.1, "C": -3.0})])

    return rule


def test_vlm_sees_exactly_the_annotated_frames(
    squat_pair: Path, pose_cache: Path, chat_server: ChatServer, tmp_path: Path
) -> None:
    pair = yaml.safe_load((squat_pair / "pair.yaml").read_text())
    truth = {d["text"]: d["label"] for d in pair["differences"]}
    statements = [*truth, UNSURE]
    annotated = _squat_keyframes()
    keyframes = annotated.model_copy(
        update={"differences": {**annotated.differences, "8": annotated.differences["0"]}}
    )
    chat_server.rule = _answer_by_truth(truth)
    config = Config(cache_dir=pose_cache)
    config.backends.vlm = "openai:oracle-vlm"
    config.backends.base_url = chat_server.base_url
    config.backends.max_images = 16
    job = TwoVideoJob.start(
        squat_pair / "a.mp4", squat_pair / "b.mp4", action="squat", differences=statements, config=config
    )
    result = compare_with_keyframes(job, keyframes)
    assert result.backends["localizer"] == "oracle"
    fps_a, fps_b = result.video_a.fps, result.video_b.fps
    asked = {}
    for n in range(len(chat_server.requests)):
        texts = chat_server.user_texts(n)
        statement = re.search(r"Statement: '([^']*)'", texts).group(1)  # type: ignore[union-attr]
        times = {side: [float(t) for t in re.findall(rf"Video {side}, frame \d+ \(t=([\d.]+) s\)", texts)]
                 for side in "AB"}  # fmt: skip
        assert len(chat_server.images(n)) == len(times["A"]) + len(times["B"])
        asked[statement] = times
    assert sorted(asked) == sorted(statements), "one question per statement"
    for n, difference in enumerate(result.differences):
        frames = keyframes.differences[str(n)]
        assert asked[difference.text]["A"] == [round(i / fps_a, 2) for i in frames.a]
        assert asked[difference.text]["B"] == [round(i / fps_b, 2) for i in frames.b]
        vlm = next(e for e in difference.evidence if e.source == "vlm")
        assert (vlm.frames_a, vlm.frames_b) == (frames.a, frames.b)
        if difference.text == UNSURE:
            assert (
                difference.label is None and difference.reason and "not one of A, B, C" in difference.reason
            )
        else:
            assert difference.label == truth[difference.text], difference.evidence

    # the measurement read the annotated spans: the depth is taken inside the annotated bottoms
    bottoms = [s for s in keyframes.spans.a if s.sub_action == "bottom"]
    depth = next(e for e in result.differences[0].evidence if e.source == "kinematics")
    assert depth.frames_a and all(
        any(s.start_frame <= f <= s.end_frame for s in bottoms) for f in depth.frames_a
    )
    assert [(s.sub_action, s.start_frame) for s in result.spans_a] == [
        (s.sub_action, s.start_frame) for s in keyframes.spans.a
    ]


def test_eval_command_with_the_oracle_localizer(
    pose_cache: Path, chat_server: ChatServer, tmp_path: Path, squat_pair: Path
) -> None:
    pair = yaml.safe_load((squat_pair / "pair.yaml").read_text())
    chat_server.rule = _answer_by_truth({d["text"]: d["label"] for d in pair["differences"]})
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump({"cache_dir": str(pose_cache), "compare": {"backends": {
        "llm": "offline", "vlm": "openai:oracle-vlm", "base_url": chat_server.base_url}}}))  # fmt: skip
    args = ["eval", "viddiffbench", "--root", str(BENCHMARK), "--split", "easy", "--localizer", "oracle",
            "-o", str(tmp_path / "out"), "--workers", "1", "--config", str(config_file)]  # fmt: skip
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert "localizer=oracle" in summary[0]["method"]
    assert summary[0]["easy"]["value"] == 100.0  # the scripted VLM agrees with the truth on A/B labels
