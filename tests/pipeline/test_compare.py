"""`compare` and `actiondiff compare` on the squat sample pair: offline, and against a real chat server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from actiondiff import compare
from actiondiff.cli import app
from actiondiff.config import Config
from actiondiff.models import ComparisonResult
from tests.support.chat_server import ChatServer, Scripted


def truth(squat_pair: Path) -> dict[str, Any]:
    return yaml.safe_load((squat_pair / "pair.yaml").read_text())


def test_closed_offline_measures_the_known_differences(squat_pair: Path, offline_config: Config) -> None:
    known = {d["text"]: d["label"] for d in truth(squat_pair)["differences"]}
    result = compare(
        squat_pair / "a.mp4",
        squat_pair / "b.mp4",
        action="squat",
        differences=[*known, "the hair is shinier"],
        config=offline_config,
    )
    verdicts = {d.text: d for d in result.differences}
    for text, label in known.items():
        assert verdicts[text].label == label, verdicts[text].evidence
        evidence = verdicts[text].evidence[0]
        assert evidence.source == "kinematics" and evidence.value_a is not None and evidence.unit
        assert evidence.frames_a and evidence.frames_b
    undecided = verdicts["the hair is shinier"]
    assert undecided.label is None and undecided.reason and "no vision-language model" in undecided.reason
    assert "none of the body measurements fits" in undecided.reason and "closest" in undecided.reason
    assert "cosine" not in undecided.reason, "the technical reason is one click away: the detail"
    assert "no measured quantity matches" in (undecided.evidence[0].detail or "")
    assert [s.sub_action for s in result.spans_a] == [s.name for s in result.plan.sub_actions] * 2  # type: ignore[union-attr]
    for table in (result.repetitions_a, result.repetitions_b):  # the sample's two repetitions each
        assert table is not None and table.signal == "knee_angle" and len(table.repetitions) == 2
    assert result.alignment is not None and result.curves_a is not None and result.pose_b is not None
    assert result.backends["proposer"] == "library:squat" and result.usage["requests"] == 0


def test_open_offline_proposes_from_the_library(squat_pair: Path, offline_config: Config) -> None:
    result = compare(
        squat_pair / "a.mp4", squat_pair / "b.mp4", action="squat", n_open=4, config=offline_config
    )
    assert result.mode == "open" and len(result.differences) == 4
    assert all(d.label in ("A", "B") for d in result.differences), "C and undecided are no differences"
    depth = next(d for d in result.differences if d.text == "the squat is deeper")
    assert depth.label == "A"


def test_open_offline_discovers_by_measuring_any_action(squat_pair: Path, offline_config: Config) -> None:
    """An action outside the library is measured with the body catalogue; a video against itself
    differs in nothing, and that is said."""
    made_up = compare(
        squat_pair / "a.mp4", squat_pair / "b.mp4", action="garden drill", n_open=9, config=offline_config
    )
    found = {d.quantity: d.label for d in made_up.differences}
    assert {"depth": "A", "stance_width": "B", "start_delay": "B"}.items() <= found.items()
    assert any("general movement" in n for n in made_up.notices)
    assert made_up.backends["proposer"] == "measured"
    itself = compare(
        squat_pair / "a.mp4", squat_pair / "a.mp4", action="squat", n_open=5, config=offline_config
    )
    assert itself.differences == [] and any("found none" in n for n in itself.notices)


def _scripted_models(request: dict[str, Any]) -> Scripted:
    """Proposer: a plan; differencer: the letter the statement's truth calls for, with logprobs."""
    text = json.dumps(request["messages"])
    if "Answer with exactly one letter" not in text:
        plan = {
            "sub_actions": [
                {"name": "standing", "retrieval_texts": ["a person standing"]},
                {"name": "descent", "retrieval_texts": ["a person bending the knees"]},
                {"name": "bottom", "retrieval_texts": ["a person in a deep squat"]},
                {"name": "ascent", "retrieval_texts": ["a person standing up"]},
            ],
            "differences": [
                {"text": "the squat is deeper", "sub_actions": ["bottom"]},
                {"text": "the squat goes lower", "sub_actions": ["bottom"]},
                {"text": "the facial expression is more focused", "sub_actions": ["bottom"]},
            ],
        }
        return Scripted(content=json.dumps(plan))
    letter = "A" if re.search(r"deeper|facial expression", text) else "C"
    return Scripted(content=letter, logprobs=[(letter, -0.2, {letter: -0.2, "B": -2.0, "C": -3.0})])


def test_cli_with_an_openai_compatible_server(
    squat_pair: Path, pose_cache: Path, chat_server: ChatServer, tmp_path: Path
) -> None:
    chat_server.rule = _scripted_models
    output = tmp_path / "open.json"
    config_file = tmp_path / "config.yaml"
    config_file.write_text(
        yaml.safe_dump({"cache_dir": str(pose_cache), "compare": {"frames_per_difference": 3}})
    )
    args = [
        "compare",
        str(squat_pair / "a.mp4"),
        str(squat_pair / "b.mp4"),
        "--action",
        "squat",
        "--open",
        "30",
        "--backend",
        "openai:test-vlm",
        "--base-url",
        chat_server.base_url,
        "--config",
        str(config_file),
        "-o",
        str(output),
    ]
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    result = ComparisonResult.model_validate_json(output.read_text())
    assert result.quality is not None and not result.quality.views_differ
    assert (
        "views: A from the front-left, B from the front-left, about 2 deg apart: the same view"
        in " ".join(run.output.split())
    )
    proposed = [d.text for d in result.plan.differences]  # type: ignore[union-attr]
    assert proposed[:2] == ["the squat is deeper", "the facial expression is more focused"], (
        "near-duplicate must be deduped"
    )
    assert "the person bends the knees more" not in proposed, "the LLM's statement stands for its quantity"
    texts = [d.text for d in result.differences]
    assert all(d.label in ("A", "B") for d in result.differences) and "the squat is deeper" in texts
    deeper = result.differences[texts.index("the squat is deeper")]
    arms = result.differences[texts.index("the facial expression is more focused")]
    assert deeper.label == "A" and {e.source for e in deeper.evidence} == {"kinematics", "vlm"}
    unmatched, looked = arms.evidence
    assert unmatched.label is None and "none of the body measurements fits" in unmatched.summary
    assert arms.label == "A" and looked.source == "vlm"
    assert looked.confidence is not None and looked.confidence > 0.8
    assert len(looked.frames_a) == 3 and len(looked.frames_b) == 3
    mcq = chat_server.requests[-1]
    assert len(chat_server.images(-1)) == 6 and mcq["logprobs"] is True
    assert "Video A, frame 1" in chat_server.user_texts(-1) and "Video B, frame 3" in chat_server.user_texts(
        -1
    )
    assert result.backends["differencer"] == "openai:test-vlm"
    assert result.model_calibration is not None and not result.model_calibration.fitted
    assert "model answers from openai:test-vlm are not calibrated" in " ".join(run.output.split())
    assert result.usage["prompt_tokens"] == 100 * len(chat_server.requests)
    assert [s.sub_action for s in result.spans_b] == ["standing", "descent", "bottom", "ascent"] * 2


def test_cli_closed_mode_needs_statements_or_open(squat_pair: Path) -> None:
    run = CliRunner().invoke(
        app, ["compare", str(squat_pair / "a.mp4"), str(squat_pair / "b.mp4"), "--action", "squat"]
    )
    assert run.exit_code == 3 or "give statements" in str(run.exception)
