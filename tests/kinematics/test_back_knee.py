"""The back knee of a lunge is a body role (the leg whose foot is behind), read the same when mirrored."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.kinematics.quantities import match_rules
from actiondiff.video.edits import Edit, apply_edit

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
STATEMENT = "the back knee gets closer to the floor"


def test_back_knee_is_decided_on_the_lunge_pair_and_mirror_safe(
    tmp_path: Path, offline_config: Config
) -> None:
    """The generator lowers A's back knee to 0.50 shoulder widths above the floor (its front knee
    stays near 1.4), B's to 1.31; A mirrored (its left leg now seen as the right) reads the same
    rear leg at the same height and the same verdict: the gate sees B's stance as A's mirrored (the
    front leg on the other side), so the views agree once B's is reflected."""
    pair = SAMPLES / "lunge"
    mirrored = apply_edit(pair / "a.mp4", tmp_path / "a_mirrored.mp4", Edit(mirror=True))
    readings = []
    for a, mirror in ((pair / "a.mp4", False), (mirrored, True)):
        result = compare(a, pair / "b.mp4", action="lunge", differences=[STATEMENT], config=offline_config)
        (verdict,) = result.differences
        evidence = verdict.evidence[0]
        assert evidence.quantity == "back_knee_height", evidence.summary
        assert (verdict.label, verdict.withheld) == ("A", None), verdict.reason
        assert result.quality is not None and result.quality.mirrored == mirror, result.quality
        assert not result.quality.views_differ, result.quality.summary
        readings.append(evidence)
    plain, flipped = readings
    assert plain.value_a is not None and plain.value_b is not None and flipped.value_a is not None
    assert abs(plain.value_a - 0.50) < 0.2 and abs(plain.value_b - 1.31) < 0.35
    # with flip-test pose the mirrored video reads the same rear leg at the same height
    assert abs(flipped.value_a - plain.value_a) < 0.05


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        (STATEMENT, -1.0),
        ("the rear knee drops lower", -1.0),
        ("the trailing knee nearly touches the ground", -1.0),
        ("the back knee stays higher off the floor", 1.0),
    ],
)
def test_back_knee_statements_match_by_rule(text: str, polarity: float) -> None:
    matched = match_rules(text)
    assert matched is not None and (matched[0].key, matched[1]) == ("back_knee_height", polarity)
