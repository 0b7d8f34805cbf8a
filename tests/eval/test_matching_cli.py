"""Open-set matchers (real offline embedder, real chat client against a local server) and the eval command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actiondiff.backends.registry import resolve_chat, resolve_sentence_embedder
from actiondiff.cli import app
from actiondiff.config import Config
from actiondiff.eval.matching import EmbeddingMatcher, LlmJudgeMatcher, is_opposite
from tests.support.chat_server import ChatServer, chat_server  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parents[2]
TRUTH = {"0": "the squat is deeper", "1": "the descent is faster", "2": "the stance is wider"}
PREDICTED = {"0": "the descent is slower", "1": "a wider stance", "2": "the arms swing more"}


def test_opposite_statements() -> None:
    assert is_opposite("the descent is faster", "the descent is slower")
    assert not is_opposite("the descent is faster", "the descent is faster")


def test_embedding_matcher_is_one_to_one_and_flags_opposites(config: Config) -> None:
    matcher = EmbeddingMatcher(resolve_sentence_embedder("offline", config), threshold=0.6)
    result = matcher.match(TRUTH, PREDICTED)
    assert result.matching == {"0": None, "1": "0", "2": "1"}
    assert result.opposite == {"1"}


def test_llm_judge_through_the_chat_backend(chat_server: ChatServer, config: Config) -> None:  # noqa: F811
    config.backends.base_url = chat_server.base_url
    # the judge reuses predicted key "0" and invents "9": only the first valid use survives
    judged = [{"gt": "1", "pred": "0", "opposite": True}, {"gt": "2", "pred": "0"}, {"gt": "0", "pred": "9"}]
    chat_server.push(json.dumps({"matches": judged}))
    chat = resolve_chat("openai:judge-model", config)
    assert chat is not None
    result = LlmJudgeMatcher(chat, action="squat").match(TRUTH, PREDICTED)
    assert result.matching == {"0": None, "1": "0", "2": None} and result.opposite == {"1"}
    assert (
        "the stance is wider" in chat_server.user_texts()
        and chat_server.requests[0]["model"] == "judge-model"
    )


def test_eval_command_prints_the_table_and_resumes(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["eval", "viddiffbench", "--root", str(REPO / "data" / "benchmark"), "--method", "random",
            "-o", str(tmp_path), "--workers", "1"]  # fmt: skip
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "| random [closed] |" in first.output and "easy" in first.output
    run = tmp_path / "closed-random"
    lines = (run / "predictions.jsonl").read_text().splitlines()
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and (run / "predictions.jsonl").read_text().splitlines() == lines
    predictions = json.loads((run / "predictions.json").read_text())
    assert isinstance(predictions, list) and set(predictions[0]["0"]) == {"description", "prediction"}
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary[0]["method"] == "random" and summary[0]["easy"]["n"] >= 1
    assert (tmp_path / "summary.md").read_text().startswith("| method")
    other = runner.invoke(app, [*args, "--seed", "1"])
    assert other.exit_code == 0 and (tmp_path / "closed-random-seed-1" / "predictions.jsonl").exists()
    assert (run / "predictions.jsonl").read_text().splitlines() == lines, "another run has its own records"
    rows = json.loads((tmp_path / "summary.json").read_text())
    assert [r["method"] for r in rows] == ["random", "random (seed=1)"]


@pytest.mark.parametrize(("extra", "message"), [(["--split", "tricky"], "unknown split"),
                                                (["--mode", "open"], "closed mode only")])  # fmt: skip
def test_eval_command_rejects_bad_arguments(tmp_path: Path, extra: list[str], message: str) -> None:
    args = ["eval", "viddiffbench", "--root", str(REPO / "data" / "benchmark"), "--method", "random",
            "-o", str(tmp_path), *extra]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0 and message in str(result.exception)
