"""A vision model's calibration: the fusion rules with and without one, and a fit of a fake oracle's
answers on the squat sample pair (ten statements), asked through the real client against the real
local chat server."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.errors import ActionDiffError
from actiondiff.eval.calibration_set import judged, sample_pairs, scored_answers
from actiondiff.models import Difference, Evidence, Label, ModelCalibration
from actiondiff.pipeline.fusion import decide, fuse
from actiondiff.pipeline.model_calibration import (
    UNCALIBRATED_CAP,
    calibration_file,
    fit_model_calibration,
    fit_temperature,
    load_model_calibration,
    save_model_calibration,
    temper,
    uncalibrated,
)
from tests.conftest import SAMPLES
from tests.support.chat_server import ChatServer, Scripted

MEASURED = Evidence(source="kinematics", summary="m", label="A", confidence=0.9)
STATED = 0.97
"""The oracle's stated confidence on every answer (from its logprobs)."""


def _answer(label: Label, confidence: float = STATED) -> Evidence:
    return Evidence(source="vlm", summary="v", label=label, confidence=confidence)


def test_an_uncalibrated_model_never_flips_or_inflates_a_measured_verdict() -> None:
    for model in (None, uncalibrated("openai:x", None)):
        assert fuse([MEASURED, _answer("B")], model) == ("A", 0.9, "kinematics")
        assert fuse([MEASURED, _answer("A")], model) == ("A", 0.9, "kinematics")
        assert fuse([_answer("B")], model) == ("B", UNCALIBRATED_CAP, "vlm")
        assert fuse([Evidence(source="vlm", summary="none")], model) == (None, 0.0, "")
    held = decide(Difference(key="0", text="the squat is deeper"), [MEASURED, _answer("B")], None)
    assert held.label == "A" and held.reason is not None and "not calibrated" in held.reason


def test_a_fitted_model_counts_tempered_and_at_its_weight() -> None:
    fitted = ModelCalibration(backend="openai:x", fitted=True, temperature=2.0, weight=0.5, answers=50)
    label, confidence, source = fuse([_answer("B")], fitted)
    assert (label, source) == ("B", "vlm") and confidence == pytest.approx(temper(STATED, 2.0), abs=1e-4)
    label, confidence, _ = fuse([MEASURED, _answer("A")], fitted)
    assert label == "A" and 0.9 < confidence < 1.0, "an agreeing answer at weight 0.5 raises the confidence"
    deaf = fitted.model_copy(update={"weight": 0.0})
    assert fuse([MEASURED, _answer("B")], deaf) == ("A", 0.9, "kinematics")


def test_an_overconfident_source_gets_a_temperature_above_one() -> None:
    stated = np.full(400, 0.9)
    right = list(np.arange(400) % 10 < 6)  # says 90 %, right 60 % of the time
    assert fit_temperature(stated, right) > 1.5
    assert fit_temperature(stated, list(np.arange(400) % 10 < 9)) == pytest.approx(1.0, abs=0.15)


def test_calibration_files_are_per_backend_and_a_broken_one_is_named(tmp_path: Path) -> None:
    assert not load_model_calibration(tmp_path, "openai:x", "http://h/v1").fitted
    fitted = ModelCalibration(backend="openai:x", base_url="http://h/v1", fitted=True, temperature=1.5)
    path = save_model_calibration(fitted, tmp_path)
    assert load_model_calibration(tmp_path, "openai:x", "http://h/v1") == fitted
    assert path != calibration_file(tmp_path, "openai:x", "http://other/v1")
    path.write_text('{"backend": 3}')
    with pytest.raises(ActionDiffError, match="not a valid model calibration file"):
        load_model_calibration(tmp_path, "openai:x", "http://h/v1")


def _oracle(truth: dict[str, Label], answered: itertools.count[int]) -> Any:
    """Right four answers in five (every fifth answer names the next label), always at `STATED`."""

    def rule(request: dict[str, Any]) -> Scripted:
        statement = re.search(r"Statement: '([^']*)'", json.dumps(request["messages"]))
        assert statement is not None
        right = truth[statement.group(1)]
        letter = right if next(answered) % 5 != 4 else "ABC"[("ABC".index(right) + 1) % 3]
        top = {other: float(np.log((1 - STATED) / 2)) for other in "ABC"} | {letter: float(np.log(STATED))}
        return Scripted(content=letter, logprobs=[(letter, top[letter], top)])

    return rule


def test_the_fit_recovers_an_oracles_accuracy_and_compare_reports_it(
    pose_cache: Path, chat_server: ChatServer
) -> None:
    config = Config(cache_dir=pose_cache)
    config.backends.vlm, config.backends.base_url = "openai:oracle-80", chat_server.base_url
    config.compare.frames_per_difference = 2
    squat = next(p for p in sample_pairs(SAMPLES) if p.group == "squat-ab")
    unmeasured: dict[str, Label] = {"the hair is shinier": "C", "the athlete smiles more": "C"}
    pair = replace(squat, truth={**squat.truth, **unmeasured})  # ten statements: eight answers right
    chat_server.rule = _oracle(dict(pair.truth), itertools.count())
    verdicts = judged(pair, config)
    answers = scored_answers(verdicts)
    assert len(answers) == 10 and sum(a.answer.label == a.truth for a in answers) == 8
    for difference, truth in verdicts:  # not calibrated yet: a wrong answer never moves a measured verdict,
        if difference.text in unmeasured:  # and decides alone at most at the cap
            assert difference.label is not None and difference.confidence == UNCALIBRATED_CAP
        else:
            assert difference.label in (truth, None), difference.reason

    calibration = fit_model_calibration(answers, "openai:oracle-80", chat_server.base_url)
    assert temper(STATED, calibration.temperature) == pytest.approx(0.8, abs=0.03)
    assert calibration.temperature > 1.5 and 0.0 <= calibration.weight <= 1.0 and calibration.ece is not None
    save_model_calibration(calibration, pose_cache)
    chat_server.rule = _oracle({"the hair is shinier": "A"}, itertools.count())
    result = compare(pair.a, pair.b, action="squat", differences=["the hair is shinier"], config=config)
    assert result.model_calibration == calibration
    assert any("calibrated on 10 answers" in n for n in result.notices)
    shiny = result.differences[0]
    assert shiny.confidence == pytest.approx(temper(STATED, calibration.temperature), abs=1e-3)
