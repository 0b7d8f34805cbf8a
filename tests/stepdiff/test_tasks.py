"""DiffCap / DiffMCQ / DiffRank on clips cut from the squat sample, offline and against the chat server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actiondiff.backends import ChatModel, resolve_chat
from actiondiff.cli import app
from actiondiff.config import Config
from actiondiff.eval.readers import read_stepdiff
from actiondiff.stepdiff import (
    McqQuestion,
    PairRef,
    RankQuery,
    caption_items,
    diffcap,
    diffmcq,
    diffrank,
    evaluate_diffcap,
    postprocess_caption,
    rank_queries,
)
from actiondiff.stepdiff.measured import caption_claims
from tests.support.chat_server import ChatServer, Scripted


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "The main difference in technique is that in Video 2, the person stirs the rice with a spatula, "
            "whereas in Video 1, the person tosses the rice in the pan.",
            "The person stirs the rice with a spatula instead of tossing the rice in the pan.",
        ),
        ("In Video 1, the person uses a fork, while in Video 2, the person uses a whisk.",
         "The person uses a whisk instead of using a fork."),
        ("the person uses a ladle. In Video 1, a measuring cup is used.",
         "The person uses a ladle, while in the reference a measuring cup is used."),
        ("In Video 2, the squat is deeper than in Video 1.", "The squat is deeper than in the reference."),
    ],
)  # fmt: skip
def test_supp_s4_post_processing(raw: str, expected: str) -> None:
    assert postprocess_caption(raw) == expected


def test_offline_diffcap_captions_technique_only(squat_pair: Path, offline_config: Config) -> None:
    captions = {
        c.category: c for c in diffcap(squat_pair / "a.mp4", squat_pair / "b.mp4", config=offline_config)
    }
    technique = captions["technique"].caption
    assert technique is not None and technique.endswith("in the candidate compared to the reference.")
    assert "bends the knees less" in technique
    assert captions["tools"].caption is None and "VLM" in (captions["tools"].reason or "")


def test_vlm_diffcap_is_seeded_and_post_processed(
    squat_pair: Path, remote_config: Config, chat_server: ChatServer
) -> None:
    chat_server.push(
        "the person squats only to a quarter depth, whereas in Video 1, the person squats to full depth."
    )
    (caption,) = diffcap(squat_pair / "a.mp4", squat_pair / "b.mp4", ("technique",), config=remote_config)
    assert "The main difference in technique is that in Video 2," in chat_server.user_texts()
    assert caption.caption == "The person squats only to a quarter depth instead of squatting to full depth."


def _items(tmp_path: Path, clips: Path) -> Path:
    """StepDiff items over the cut clips: a__1 is the reference; b clips differ more than a__2."""
    rows = [
        {"reference": "squat/a__1.mp4", "candidate": "squat/a__2.mp4", "category": "technique",
         "caption": "the person squats the same way", "severity": 5},
        {"reference": "squat/a__1.mp4", "candidate": "squat/b__1.mp4", "category": "technique",
         "caption": "the person bends the knees less and stands with a wider stance", "severity": 2},
        {"reference": "squat/a__1.mp4", "candidate": "squat/b__2.mp4", "category": "Techniques",
         "caption": "the person bends the knees less", "severity": 1},
    ]  # fmt: skip
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    for clip in clips.glob("squat/*.mp4"):
        (tmp_path / "squat").mkdir(exist_ok=True)
        (tmp_path / "squat" / clip.name).symlink_to(clip)
    return path


def test_benchmark_items_become_tasks_and_diffcap_metrics(
    tmp_path: Path, squat_clips: Path, offline_config: Config
) -> None:
    items = _items(tmp_path, squat_clips)
    rows = read_stepdiff(items)
    (query,) = rank_queries(rows, tmp_path)
    assert query.severity == [5, 2, 1] and query.candidates[0] == tmp_path / "squat" / "a__2.mp4"
    captions = caption_items(rows, tmp_path)
    results, summary = evaluate_diffcap(captions[1:], offline_config, None, tmp_path / "cap.jsonl")
    assert summary["captioned"] == 2 and 0 < summary["rouge_l"] <= 1 and "cider" in summary
    assert results[0]["method"] == "offline"


def test_diffrank_by_yes_logprobs_gives_kendall_tau(
    squat_clips: Path, remote_config: Config, chat_server: ChatServer
) -> None:
    clips = squat_clips / "squat"
    candidates = [clips / "a__2.mp4", clips / "b__1.mp4", clips / "b__2.mp4"]
    query = RankQuery(
        id="q", category="technique", reference=clips / "a__1.mp4", candidates=candidates, severity=[5, 2, 1]
    )
    for p_yes in (-0.1, -1.5, -3.0):
        chat_server.push(
            Scripted(content="YES", logprobs=[("YES", p_yes, {"YES": p_yes, "NO": -0.5, "Yes": -9})])
        )
    result = diffrank(query, remote_config, _chat(remote_config))
    assert result.scorer == "logprob" and result.ranking == [0, 1, 2]
    assert result.kendall_tau == pytest.approx(1.0)
    request = chat_server.requests[0]
    assert request["logprobs"] is True and request["max_tokens"] == 1
    assert "Do these two videos show the same technique? Answer YES or NO." in chat_server.user_texts(0)


def test_scoring_prompt_when_the_server_gives_no_logprobs(
    squat_clips: Path, remote_config: Config, chat_server: ChatServer
) -> None:
    clips = squat_clips / "squat"
    question = McqQuestion(
        id="m", category="technique", caption="the person bends the knees less",
        options=[PairRef(reference=clips / "a__1.mp4", candidate=clips / "a__2.mp4"),
                 PairRef(reference=clips / "a__1.mp4", candidate=clips / "b__2.mp4")],
        answer=1,
    )  # fmt: skip
    chat_server.push(
        "YES", '{"answer": "NO", "confidence": 0.8}', "YES", '{"answer": "YES", "confidence": 0.9}'
    )
    result = diffmcq(question, remote_config, _chat(remote_config))
    assert result.scorer == "prompt" and result.choice == 1
    assert result.scores == pytest.approx([0.2, 0.9])
    assert 'In Video 2, the person bends the knees less"?' in chat_server.user_texts(0)


def test_offline_scores_by_measurement(squat_clips: Path, offline_config: Config) -> None:
    clips = squat_clips / "squat"
    question = McqQuestion(
        id="m", category="technique", caption="the person bends the knees less and uses a wider stance",
        options=[PairRef(reference=clips / "a__1.mp4", candidate=clips / "a__2.mp4"),
                 PairRef(reference=clips / "a__1.mp4", candidate=clips / "b__1.mp4")],
        answer=1,
    )  # fmt: skip
    result = diffmcq(question, offline_config, chat=None)
    assert result.scorer == "measured" and result.choice == 1
    query = RankQuery(id="q", category="technique", reference=clips / "a__1.mp4",
                      candidates=[clips / "a__2.mp4", clips / "b__1.mp4"], severity=[5, 1])  # fmt: skip
    ranked = diffrank(query, offline_config, chat=None)
    assert ranked.scorer == "measured" and ranked.ranking == [0, 1]
    assert ranked.kendall_tau == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("caption", "claims"),
    [
        ("The person descends faster, rises faster and completes each repetition faster in the candidate "
         "compared to the reference.",
         [("descent_duration", -1.0), ("ascent_duration", -1.0), ("rep_duration", -1.0)]),
        ("the person bends the knees less and uses a wider stance", [("depth", -1.0), ("stance_width", 1.0)]),
        ("The person starts the first repetition later in the candidate.", [("start_delay", 1.0)]),
        ("The person moves the same way in the candidate as in the reference.", []),
        ("The person uses a whisk instead of a fork.", None),
    ],
)  # fmt: skip
def test_a_caption_is_read_as_claims_about_quantities(
    caption: str, claims: list[tuple[str, float]] | None
) -> None:
    found = caption_claims(caption)
    assert (None if found is None else [(c.quantity.key, c.polarity) for c in found]) == claims


def test_eval_command_runs_diffrank_offline(tmp_path: Path, squat_clips: Path, pose_cache: Path) -> None:
    items = _items(tmp_path, squat_clips)
    result = CliRunner().invoke(
        app,
        ["stepdiff", "eval", "diffrank", str(items), "-o", str(tmp_path / "out.jsonl")],
        env={"ACTIONDIFF_CACHE_DIR": str(pose_cache)},
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["task"] == "diffrank" and summary["n"] == 1 and -1 <= summary["kendall_tau"] <= 1
    assert (tmp_path / "out.jsonl").read_text().count("\n") == 1


def _chat(config: Config) -> ChatModel:
    chat = resolve_chat(config.backends.vlm, config)
    assert chat is not None
    return chat


# The CLI in a subprocess whose second caption blocks, so it can be killed after exactly one record.
_BLOCK_AFTER_FIRST = """
import sys, time
import actiondiff.stepdiff.tasks as tasks
from actiondiff.cli import app
calls, caption = [], tasks.diffcap
def diffcap(*args, **kwargs):
    calls.append(1)
    if len(calls) > 1:
        time.sleep(600)
    return caption(*args, **kwargs)
tasks.diffcap = diffcap
app(sys.argv[1:], prog_name="actiondiff")
"""


def _eval_diffcap(items: Path, records: Path, pose_cache: Path) -> dict[str, object]:
    result = CliRunner().invoke(
        app,
        ["stepdiff", "eval", "diffcap", str(items), "-o", str(records)],
        env={"ACTIONDIFF_CACHE_DIR": str(pose_cache)},
    )
    assert result.exit_code == 0, result.output
    summary: dict[str, object] = json.loads(result.stdout[result.stdout.index("{") :])
    summary.pop("results")
    return summary


def test_killed_eval_resumes_without_duplicates(tmp_path: Path, squat_clips: Path, pose_cache: Path) -> None:
    items = _items(tmp_path, squat_clips)
    records = tmp_path / "killed.jsonl"
    env = {**os.environ, "ACTIONDIFF_CACHE_DIR": str(pose_cache), "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [sys.executable, "-c", _BLOCK_AFTER_FIRST, "stepdiff", "eval", "diffcap", str(items),
         "-o", str(records)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not (records.exists() and records.read_text().count("\n") >= 1):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    first = [json.loads(line)["key"] for line in records.read_text().splitlines()]
    assert len(first) == 1
    resumed = _eval_diffcap(items, records, pose_cache)
    keys = [json.loads(line)["key"] for line in records.read_text().splitlines()]
    assert keys[0] == first[0] and len(keys) == len(set(keys)) == 3
    assert resumed == _eval_diffcap(items, tmp_path / "straight.jsonl", pose_cache)


@pytest.fixture(scope="session")
def coarse_pose_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config file with its own cache and a coarse pose (5 fps, 320 px, no flip test): the shipped set's
    sample clips and their edited copies pose in seconds."""
    root = tmp_path_factory.mktemp("shipped")
    path = root / "config.toml"
    path.write_text(f'cache_dir = "{root / "cache"}"\n[pose]\nfps = 5\nflip_test = false\nmax_side = 320\n')
    return path


@pytest.mark.parametrize("task", ["diffrank", "diffmcq", "diffcap"])
def test_each_eval_command_runs_the_shipped_set(
    task: str, coarse_pose_config: Path, squat_pair: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        ["stepdiff", "eval", task, "--samples-dir", str(squat_pair.parent),
         "--config", str(coarse_pose_config), "-o", str(tmp_path / "records.jsonl")],
        env={"ACTIONDIFF_REAL_CLIPS": str(tmp_path / "no-real-clips")},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "the shipped set has the samples only" in " ".join(result.stderr.split())
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    if task == "diffrank":
        assert summary["n"] == 6 and summary["tau_low"] <= summary["kendall_tau"] <= summary["tau_high"]
    elif task == "diffmcq":
        assert summary["n"] == summary["measured"] == 36 and summary["chance"] == 0.25
        assert summary["p_value"] < 0.05, summary
    else:
        assert summary["n"] == summary["captioned"] == 36
        assert {"bleu_chance", "cider_low", "rouge_l_high"} <= summary.keys()
