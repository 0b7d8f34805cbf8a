"""The paired-QA generator on clips cut from the squat sample, against the real chat server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from actiondiff.cli import app
from actiondiff.config import Config
from actiondiff.stepdiff import discover_clips, generate_pair_qa, pair_clips
from actiondiff.stepdiff.datagen import QaPair, rejection
from actiondiff.storage import read_jsonl
from tests.support.chat_server import ChatServer

QA_ANSWER = """Summary: the second video squats less deeply.
Q: How does the depth differ? A: Video 1 squats to full depth while video 2 stops at a quarter squat.
Q: How does the depth differ? A: Video 1 goes lower than video 2 does in this step.
Q: What is the stance? A: Wide.
"""


def _rule(request: dict[str, Any]) -> str:
    text = " ".join(str(m["content"]) for m in request["messages"])
    if "describe what the person is doing" in text:
        return "The person does a bodyweight squat."
    if "list of all objects" in text:
        return "- grey floor mat\n- white wall"
    if "Summarize the captions" in text:
        return "A person squats on a mat."
    if "Which video" in text:
        return "Q: Which video shows the deeper squat? A: The first video."
    if "similar main action" in text:
        return "YES"
    return QA_ANSWER


def test_pairs_same_step_from_different_sources_deterministically(squat_clips: Path) -> None:
    clips = discover_clips(squat_clips)
    assert {c.source for c in clips} == {"a", "b"} and clips[0].narration.startswith("now we squat")
    pairs = pair_clips(clips, seed=3, max_pairs_per_step=10)
    assert len(pairs) == 4 and all(r.source != c.source for r, c in pairs)
    assert pairs == pair_clips(clips, seed=3, max_pairs_per_step=10)
    assert len(pair_clips(clips, seed=3, max_pairs_per_step=2)) == 2


def test_filters() -> None:
    asked: set[str] = set()
    keep = QaPair(question="How?", answer="Video 1 is deeper than video 2.", kind="compare")
    assert rejection(keep, asked, 3, 60) is None
    assert rejection(QaPair(question="Q", answer="Wide.", kind="compare"), asked, 3, 60) is not None
    one_sided = QaPair(question="Q", answer="The second video is deeper here.", kind="compare")
    assert rejection(one_sided, asked, 3, 60) == "answer does not refer to both videos"
    assert rejection(QaPair(question="Q", answer="The first video.", kind="which"), asked, 1, 60) is None
    assert (
        rejection(QaPair(question="Q", answer="Maybe", kind="same"), asked, 1, 60)
        == "answer is not YES or NO"
    )


def test_generates_filtered_resumable_jsonl(squat_clips: Path, remote_config: Config, chat_server: ChatServer,
                                            tmp_path: Path) -> None:  # fmt: skip
    chat_server.rule = _rule
    output = tmp_path / "qa.jsonl"
    summary = generate_pair_qa(squat_clips, output, config=remote_config)
    assert summary.pairs == summary.written == 4
    records = read_jsonl(output)
    assert len(records) == 4
    record = records[0]
    turns = record["conversations"]
    assert turns[0]["value"].startswith("<video>\n<video>\n") and record["kinds"] == [
        "compare",
        "which",
        "same",
    ]
    assert [t["from"] for t in turns] == ["human", "gpt"] * 3
    assert record["descriptions"] == ["A person squats on a mat.", "A person squats on a mat."]
    reasons = {r["reason"] for r in record["rejected"]}
    assert reasons == {"duplicate question", "answer has 1 words (bounds 3-60)"}
    assert summary.kept_qa == 12 and summary.rejected_qa == 8
    n_requests = len(chat_server.requests)
    again = generate_pair_qa(squat_clips, output, config=remote_config)
    assert again.skipped == 4 and again.written == 0 and len(read_jsonl(output)) == 4
    assert len(chat_server.requests) == n_requests, "a resumed run asks nothing again"
    fresh = generate_pair_qa(squat_clips, tmp_path / "again.jsonl", config=remote_config)
    assert fresh.written == 4 and read_jsonl(tmp_path / "again.jsonl") == records, "same seed, same data"
    assert len(chat_server.requests) == n_requests, "descriptions and chat answers come from the cache"


def test_make_qa_offline_writes_qa_from_measured_differences(
    squat_clips: Path, pose_cache: Path, tmp_path: Path
) -> None:
    output = tmp_path / "qa.jsonl"
    result = CliRunner().invoke(
        app, ["stepdiff", "make-qa", str(squat_clips), "-o", str(output)],
        env={"ACTIONDIFF_CACHE_DIR": str(pose_cache)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    records = read_jsonl(output)
    assert records and all(r["generator"]["model"] == "offline:kinematics" for r in records)
    cross = next(r for r in records if r["sources"][0] != r["sources"][1] and "which" in r["kinds"])
    answers = [t["value"] for t in cross["conversations"] if t["from"] == "gpt"]
    questions = [t["value"] for t in cross["conversations"] if t["from"] == "human"]
    assert set(cross["kinds"]) == {"compare", "which", "same"}
    assert any(q.startswith("<video>\n<video>\nHow does the") for q in questions)
    assert any(re.search(r"\(\d[\d.]* vs \d[\d.]* ", a) for a in answers), answers
    assert {a for a, kind in zip(answers, cross["kinds"], strict=True) if kind == "same"} <= {"YES", "NO"}
    again = CliRunner().invoke(
        app, ["stepdiff", "make-qa", str(squat_clips), "-o", str(output)],
        env={"ACTIONDIFF_CACHE_DIR": str(pose_cache)},
    )  # fmt: skip
    assert json.loads(again.stdout[again.stdout.index("{") :])["skipped"] == len(records)
