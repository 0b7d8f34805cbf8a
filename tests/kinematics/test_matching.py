"""Statement matching: each rule names the quantity it measures, and nothing it does not."""

from __future__ import annotations

import numpy as np
import pytest

from actiondiff.kinematics import KinematicFeatures, Reading, match_quantity, measure_quantity
from actiondiff.knowledge import resolve_profile


@pytest.mark.parametrize(
    ("text", "key", "polarity"),
    [
        ("the balance is less steady", "sway", 1.0),
        ("the body stays more stable", "sway", -1.0),
        ("the legs stay together more", "stance_width", -1.0),
        ("the hands are placed wider", "grip_width", 1.0),
        ("the knees bend more unevenly between left and right", "knee_asymmetry", 1.0),
        ("the left and right knees bend more evenly", "knee_asymmetry", -1.0),
        ("the arms lock out more fully at the top", "elbow_extension", 1.0),
        ("the knees bend more to drive the weight", "depth", 1.0),
        ("the lunge is faster", "rep_duration", -1.0),
        ("each repetition takes longer", "rep_duration", 1.0),
        ("who moves faster?", "rep_duration", -1.0),
        ("the lift off the floor is faster", "ascent_duration", -1.0),
        ("the bar is lowered more under control", "descent_duration", 1.0),
        ("the jumps are higher off the ground", "jump_height", 1.0),
        ("the tuck or pike is tighter", "hip_flexion", 1.0),
        ("the arms are spread wider for balance", "shoulder_flexion", 1.0),
        ("the ball is released higher above the head", "press_height", 1.0),
        ("more repetitions are performed", "rep_count", 1.0),
        ("the front knee travels further past the toes", "front_shin_tilt", 1.0),  # one limb: the front leg
        ("the front shin stays more vertical", "front_shin_tilt", -1.0),
        ("the front knee bends more", "front_knee_depth", 1.0),
        ("the step is longer", "step_length", 1.0),
        ("each lunge takes longer", "rep_duration", 1.0),
        ("the hand moves more evenly across the keys", "tap_unevenness", -1.0),  # the keystroke tempo
        ("the fingers are more curved", "finger_curl", 1.0),
        ("the wrist stays lower", "wrist_rise", -1.0),
        ("the instrument motion is more economical", "hand_path", -1.0),
        ("the notes are played more slowly", "tap_rate", -1.0),
        ("the index finger is more bent", "index_flexion", 1.0),
        ("the knot is tied faster", "task_time", -1.0),  # the time to complete the task
    ],
)
def test_statements_resolve_to_the_quantity_that_measures_them(text: str, key: str, polarity: float) -> None:
    matched = match_quantity(text)
    assert matched is not None and (matched[0].key, matched[1]) == (key, polarity), text


@pytest.mark.parametrize(
    "text",
    [
        "the stitches are more evenly spaced",  # "even" is not left/right leg symmetry
        "the tension on the thread is more even",
        "the movement is more symmetric between left and right",  # not only the legs
        "the hips are more fully extended at lockout",  # "extended" names the hips, not the elbows
        "the needle is regrasped fewer times",  # not repetitions of the action
        "the approach is faster",  # a run-up is not a repetition
        "the chest goes lower",  # a push-up's depth is not knee flexion
        "the push-up is deeper",
        "the range of motion is larger",  # which joint?
        "the front knee caves inward more",  # one limb; valgus averages both sides
        "the shooting arm is more fully extended at release",
        "the knee of the non-jumping leg drives up higher",
    ],
)
def test_statements_no_quantity_measures_are_not_matched(text: str) -> None:
    assert match_quantity(text) is None, match_quantity(text)


def _elbow_features(top: float, n_reps: int = 2, fps: float = 10.0) -> KinematicFeatures:
    """A push-up or press as elbow angles only: `top` at rest, 90 degrees at each turn."""
    one = np.concatenate([np.full(5, top), np.linspace(top, 90.0, 8), np.linspace(90.0, top, 8)])
    elbow = np.concatenate([*([one] * n_reps), np.full(5, top)])
    times = np.arange(len(elbow)) / fps
    return KinematicFeatures(
        timestamps=times,
        frames=np.arange(len(elbow)),
        columns={"elbow_angle": elbow},
        units={"elbow_angle": "deg"},
        fps=fps,
    )


def test_elbow_extension_is_read_at_the_top_whichever_phase_that_is() -> None:
    straight, short = _elbow_features(178.0), _elbow_features(160.0)
    # Push-up: the elbow bends at the extreme (the bottom), so the top is the rest between repetitions.
    evidence = measure_quantity(
        "elbow_extension",
        Reading.of(straight, resolve_profile("push-up").movement),
        Reading.of(short, resolve_profile("push-up").movement),
    )
    assert evidence is not None and evidence.label == "A"
    assert (evidence.value_a, evidence.value_b) == (178.0, 160.0)
    # Press: the top is the extreme itself (the lockout, hands highest).
    push_up = Reading.of(straight, resolve_profile("push-up").movement)
    assert [w.tolist() for w in push_up.windows("top")] == [w.tolist() for w in push_up.windows("rest")]
    assert [w.tolist() for w in push_up.windows("bottom")] == [w.tolist() for w in push_up.windows("extreme")]
    lifted = KinematicFeatures(
        timestamps=straight.timestamps,
        frames=straight.frames,
        columns={"wrist_height": (178.0 - straight["elbow_angle"]) / 88.0},  # hands highest at the turn
        units={"wrist_height": "torso"},
        fps=straight.fps,
    )
    reading = Reading.of(lifted, resolve_profile("overhead press").movement)
    assert len(reading.repetitions) == 2
    assert [w.tolist() for w in reading.windows("top")] == [w.tolist() for w in reading.windows("extreme")]
