"""`actiondiff train-scorer` and `actiondiff score` end to end: real sample videos, real pose, the real
chat client against a local chat-completions server for the LLM-written description."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actiondiff.cli import app, main
from actiondiff.config import Config
from actiondiff.kept.train import TrainingSummary
from tests.kept.conftest import TINY
from tests.support.chat_server import ChatServer, Scripted, chat_server  # noqa: F401 (fixture)

runner = CliRunner()


@pytest.fixture
def shared_cache(monkeypatch: pytest.MonkeyPatch, small_config: Config) -> Path:
    """Point the CLI at the session's cache so embeddings and pose tracks are computed once."""
    monkeypatch.setenv("ACTIONDIFF_CACHE_DIR", str(small_config.cache_dir))
    return small_config.cache_dir


def _checkpoint(trained_runs: dict[bool, TrainingSummary]) -> str:
    return str(trained_runs[False].checkpoint)


def test_train_scorer_command_writes_a_run_folder(shared_cache: Path, tmp_path: Path) -> None:
    config = tmp_path / "small.toml"
    config.write_text("[scoring]\nkeyframes = 8\nsegments = 2\ndim = 16\ntoken_dim = 16\nheads = 2\n")
    result = runner.invoke(
        app,
        [
            "train-scorer",
            "--data",
            str(TINY),
            "-o",
            str(tmp_path / "run"),
            "--epochs",
            "1",
            "--json",
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["epochs_run"] == 1 and summary["train_pairs"] > 0
    assert {p.name for p in (tmp_path / "run").iterdir()} >= {
        "best.pt",
        "last.pt",
        "metrics.jsonl",
        "summary.json",
    }


def test_score_prints_both_scores_the_reasoning_paths_and_a_description(
    shared_cache: Path, trained_runs: dict[bool, TrainingSummary], squat_pair: Path
) -> None:
    args = [
        "score",
        str(squat_pair / "a.mp4"),
        str(squat_pair / "b.mp4"),
        "--model",
        _checkpoint(trained_runs),
    ]
    result = runner.invoke(app, [*args, "--action", "squat"])
    assert result.exit_code == 0, result.output
    assert "KEPT scores" in result.stdout and "body -> " in result.stdout
    assert "Description" in result.stdout and "Performer" in result.stdout
    assert "kinematic facts" in result.stdout and "{" not in result.stdout, "a table unless --json"
    data = json.loads(runner.invoke(app, [*args, "--action", "squat", "--json"]).stdout)
    assert data["writer"] == "template" and data["facts"]
    for performer in (data["a"], data["b"]):
        assert len(performer["paths"]) == 5 and performer["paths"][0]["nodes"][0] == "body"
        assert [p["q"] for p in performer["paths"]] == sorted(
            (p["q"] for p in performer["paths"]), reverse=True
        )
    # The sample's A squats deeper and slower: the ground-truth function ranks it first, so should KEPT.
    assert data["a"]["score"] > data["b"]["score"]
    gap = data["a"]["score"] - data["b"]["score"]
    assert data["margin"] == pytest.approx(trained_runs[False].val_rmse, abs=1e-3)
    assert data["verdict"] == ("A" if gap > data["margin"] else "no clear difference")
    assert f"verdict: {data['verdict']}" in result.stdout
    for fact in data["facts"]:
        assert {"low_angle", "angle_range", "peak_speed", "asymmetry"} <= set(fact["a"])
        assert f"At the {fact['joint']}s" in data["description"]


def test_score_with_a_chat_model_sends_the_facts_and_prints_its_description(
    shared_cache: Path,
    trained_runs: dict[bool, TrainingSummary],
    squat_pair: Path,
    chat_server: ChatServer,  # noqa: F811 (fixture)
    tmp_path: Path,
) -> None:
    chat_server.rule = lambda request: Scripted(content="Performer A bends the knees far deeper than B.")
    config = tmp_path / "chat.toml"
    config.write_text(f'[backends]\nbase_url = "{chat_server.base_url}"\n')
    result = runner.invoke(
        app,
        [
            *("score", str(squat_pair / "a.mp4"), str(squat_pair / "b.mp4")),
            *("--model", _checkpoint(trained_runs), "--llm", "openai:test-model"),
            *("--config", str(config), "--action", "squat", "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["description"] == "Performer A bends the knees far deeper than B."
    assert data["writer"] == "test-model" or "test-model" in data["writer"]
    request = chat_server.requests[-1]
    facts = json.loads(request["messages"][-1]["content"])
    assert facts["action"] == "squat" and facts["facts"][0]["joint"] in {"elbow", "shoulder", "hip", "knee"}


def test_score_with_a_file_that_is_not_a_checkpoint_exits_with_code_3(
    shared_cache: Path,
    squat_pair: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "model.pt"
    bad.write_bytes(b"not a checkpoint")
    argv = ["actiondiff", "score", str(squat_pair / "a.mp4"), str(squat_pair / "b.mp4"), "--model", str(bad)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()  # the real entry point, which maps errors to exit codes
    assert exit_info.value.code == 3
    assert "model.pt" in capsys.readouterr().err
