"""Pair QA on the squat sample: offline from pose, and through a real chat server with the VLM roles."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from actiondiff.cli import app
from actiondiff.config import Config
from actiondiff.kinematics import QUANTITIES
from actiondiff.knowledge import resolve_profile
from actiondiff.stepdiff import ask
from actiondiff.stepdiff.measured import GENERAL, TEMPO, question_quantities
from tests.support.chat_server import ChatServer


def test_offline_answer_cites_measurements_and_frames(squat_pair: Path, offline_config: Config) -> None:
    answer = ask(squat_pair / "a.mp4", squat_pair / "b.mp4", "What is the main difference in technique?",
                 config=offline_config)  # fmt: skip
    assert answer.method == "offline"
    # truth: B (candidate) squats much less deep, on a wider stance, with a more upright trunk
    assert "bends the knees less" in answer.answer
    assert "places the feet wider apart" in answer.answer
    assert "more upright" in answer.answer
    knee = next(e for e in answer.evidence if e.quantity == "depth")  # knee flexion at the bottom
    assert knee.value_a is not None and knee.value_b is not None
    assert knee.value_a - knee.value_b > 25 and knee.label == "A"
    assert knee.frames_a[0] in answer.frames_reference and knee.frames_b[0] in answer.frames_candidate
    assert answer.not_judged == []


def test_offline_tempo_answer_is_measured(squat_pair: Path, offline_config: Config) -> None:
    answer = ask(squat_pair / "a.mp4", squat_pair / "b.mp4", "What differs in tempo?", config=offline_config)
    # truth: B (candidate) rushes the descent: 0.24 s against A's controlled 0.46 s (10%-90% of the excursion)
    assert "descends faster (time taken going down" in answer.answer
    assert "0.24 s in the candidate" in answer.answer and "0.46 s in the reference" in answer.answer
    assert {e.quantity for e in answer.evidence} <= set(TEMPO), "the answer keeps to tempo"
    descent = next(e for e in answer.evidence if e.quantity == "descent_duration")
    assert descent.label == "A" and descent.unit == "s"  # A has the longer descent: B descends faster
    assert descent.frames_b and set(descent.frames_b) <= set(answer.frames_candidate)


def test_quantities_come_from_the_library_and_the_question() -> None:
    assert all(all(q.phrases) for q in QUANTITIES), "every measurable quantity has its wording"
    squat = [q.key for q in resolve_profile("back squat").quantities()]
    assert {"depth", "descent_duration", "stance_width", "trunk_lean"} <= set(squat)
    assert [q.key for q in resolve_profile("chopping onions").quantities()] == list(GENERAL)
    assert [q.key for q in question_quantities("Is the squat deeper?")] == ["depth"]
    assert [q.key for q in question_quantities("Who moves faster?")] == ["rep_duration"]
    assert [q.key for q in question_quantities("How does the pace differ?")] == list(TEMPO)
    assert question_quantities("What is the main difference in technique?") == []


def test_offline_says_what_it_cannot_judge(squat_pair: Path, offline_config: Config) -> None:
    answer = ask(
        squat_pair / "a.mp4", squat_pair / "b.mp4", "Which equipment differs?", config=offline_config
    )
    assert any("tools/equipment" in n for n in answer.not_judged)
    assert "Not judged offline: tools/equipment" in answer.answer


def test_vlm_sees_both_roles_and_the_named_step(
    squat_pair: Path, remote_config: Config, chat_server: ChatServer
) -> None:
    chat_server.push("The candidate stops well above parallel at the bottom (frames 60-80).")
    answer = ask(squat_pair / "a.mp4", squat_pair / "b.mp4", "How does the bottom of the squat differ?",
                 action="squat", config=remote_config)  # fmt: skip
    assert answer.method == "vlm" and answer.answer.startswith("The candidate stops")
    request = chat_server.requests[0]
    assert "Video 1 is the REFERENCE" in request["messages"][0]["content"]
    texts = chat_server.user_texts()
    assert texts.count("Video 1 (reference), frame") == 4 and texts.count("Video 2 (candidate), frame") == 4
    assert len(chat_server.images()) == 8
    assert "knee flexion" in texts and " deg in the candidate" in texts, "measurements go along as evidence"
    assert answer.step == "bottom"
    assert "step 'bottom'" in texts
    assert len(answer.frames_reference) == 4


def test_ask_command_json(squat_pair: Path, pose_cache: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["ask", str(squat_pair / "a.mp4"), str(squat_pair / "b.mp4"), "what differs?", "--json"],
        env={"ACTIONDIFF_CACHE_DIR": str(pose_cache)},
    )
    assert result.exit_code == 0, result.output
    assert '"method": "offline"' in result.output


def test_offline_yes_no_question_gets_yes_or_no_with_numbers(
    squat_pair: Path, offline_config: Config
) -> None:
    """A squats deeper than B: asked about the candidate B, "more" is no and "less" is yes."""
    more = ask(
        squat_pair / "a.mp4", squat_pair / "b.mp4", "Does B bend the knees more?", config=offline_config
    )
    less = ask(
        squat_pair / "a.mp4", squat_pair / "b.mp4", "Does B bend the knees less?", config=offline_config
    )
    assert more.answer.startswith("No, the opposite: the candidate bends the knees less (deepest knee")
    assert less.answer.startswith("Yes: the candidate bends the knees less") and "deg" in less.answer
    general = ask(
        squat_pair / "a.mp4", squat_pair / "b.mp4", "What is the main difference?", config=offline_config
    )
    assert not general.answer.startswith(("Yes", "No")), "only a yes/no question gets yes or no"
