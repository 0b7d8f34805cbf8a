"""On the real squat sample: repetitions match the generator's truth, measured verdicts match pair.yaml."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import yaml

from actiondiff.kinematics import (
    KinematicFeatures,
    Reading,
    compute_features,
    find_quantity,
    match_quantity,
    measure_quantity,
    measure_readings,
    measure_statement,
    phase_spans,
    segment_repetitions,
)
from actiondiff.kinematics.align import align
from actiondiff.kinematics.clean import resample_track
from actiondiff.kinematics.crossing import matched_readings
from actiondiff.kinematics.phases import Driver, find_repetitions, movement_span
from actiondiff.kinematics.quantities import QUANTITIES
from actiondiff.kinematics.uncertainty import jitter_replicas
from actiondiff.knowledge import resolve_profile
from actiondiff.models import PoseTrack

SUB_ACTIONS = ["setup", "descent", "bottom", "ascent", "finish"]


@pytest.fixture(scope="module")
def features(sample_tracks: tuple[PoseTrack, PoseTrack]) -> tuple[KinematicFeatures, KinematicFeatures]:
    return compute_features(sample_tracks[0]), compute_features(sample_tracks[1])


def test_repetitions_of_the_sample_squat(
    squat_pair: Path, features: tuple[KinematicFeatures, KinematicFeatures]
) -> None:
    truth = json.loads((squat_pair / "truth.json").read_text())
    for name, feats in zip("ab", features, strict=True):
        video = truth["videos"][name]
        found = segment_repetitions(feats, resolve_profile("squat").driver)
        assert len(found) == len(video["reps"]), name
        tolerance = 0.3 * video["fps"]  # seconds -> video frames
        for rep, true in zip(found, video["reps"], strict=True):
            assert abs(feats.frames[rep.turn] - true["bottom"]) <= tolerance
            # Start and end are read where the knee has moved 10 % of the way: inside the true span.
            assert true["start"] <= feats.frames[rep.start] <= true["start"] + 2.5 * tolerance
            assert true["end"] - 2.5 * tolerance <= feats.frames[rep.end] <= true["end"]


def test_phase_spans_follow_every_repetition(
    squat_pair: Path, features: tuple[KinematicFeatures, KinematicFeatures]
) -> None:
    truth = json.loads((squat_pair / "truth.json").read_text())
    spans = phase_spans(features[0], SUB_ACTIONS, resolve_profile("squat").movement)
    assert spans is not None and [s.sub_action for s in spans] == SUB_ACTIONS * 2
    assert all(a.end_frame < b.start_frame for a, b in pairwise(spans))
    assert spans[0].start_frame == features[0].frames[0] and spans[-1].end_frame == features[0].frames[-1]
    bottoms = [s for s in spans if s.sub_action == "bottom"]
    for bottom, rep in zip(bottoms, truth["videos"]["a"]["reps"], strict=True):
        assert bottom.start_frame <= rep["bottom"] <= bottom.end_frame + 3
    assert phase_spans(features[0], ["alpha", "beta"], resolve_profile("squat").movement) is None


def test_measured_differences_agree_with_the_pair(
    squat_pair: Path, features: tuple[KinematicFeatures, KinematicFeatures]
) -> None:
    pair = yaml.safe_load((squat_pair / "pair.yaml").read_text())
    readings = [Reading.of(f, resolve_profile(pair["action"]).movement) for f in features]
    replicas = jitter_replicas(readings[0]), jitter_replicas(readings[1])
    for difference in pair["differences"]:
        evidence = measure_readings(difference["text"], *readings, replicas=replicas)
        assert evidence is not None, difference["text"]
        assert evidence.label == difference["label"], evidence.summary
        assert evidence.value_a is not None and evidence.value_b is not None and evidence.unit
        assert evidence.frames_a and evidence.frames_b
        assert (
            evidence.interval_a is not None
            and evidence.interval_a[0] <= evidence.value_a <= evidence.interval_a[1]
        )
        assert evidence.confidence is not None and evidence.confidence > 0.5
    depth = measure_statement("the squat is deeper", *features, movement=resolve_profile("squat").movement)
    assert depth is not None and depth.value_a is not None and depth.value_b is not None
    assert depth.value_a - depth.value_b > 30  # degrees of knee flexion: full squat vs quarter squat


def test_a_quantity_measured_by_key_is_the_statement_measured(
    features: tuple[KinematicFeatures, KinematicFeatures],
) -> None:
    readings = (
        Reading.of(features[0], resolve_profile("squat").movement),
        Reading.of(features[1], resolve_profile("squat").movement),
    )
    by_key = measure_quantity("descent_duration", *readings)  # replicas drawn by measure_quantity itself
    by_statement = measure_statement(
        "the descent is slower", *features, movement=resolve_profile("squat").movement
    )
    assert by_key is not None and by_statement is not None
    worded = {"summary", "detail"}  # the detail says how the quantity was found (by key, by rule)
    assert by_key.model_dump(exclude=worded) == by_statement.model_dump(exclude=worded)
    assert by_key.value_a == pytest.approx(0.46, abs=0.01) and by_key.value_b == pytest.approx(0.24, abs=0.01)
    assert by_key.label == "A"  # A has more descent time: A descends more slowly
    replicas = jitter_replicas(readings[0]), jitter_replicas(readings[1])
    faster = measure_quantity(find_quantity("descent_duration"), *readings, polarity=-1.0, replicas=replicas)
    assert faster is not None and faster.interval_difference == by_key.interval_difference
    assert faster is not None and faster.label == "B"
    with pytest.raises(KeyError, match="no measurable quantity"):
        measure_quantity("elegance", *readings)


def test_a_quantity_with_nothing_to_read_in_says_so() -> None:
    """Legs never visible: depth is matched but has no knee angle to be read from."""
    still = KinematicFeatures(
        timestamps=np.arange(20) / 10.0,
        frames=np.arange(20),
        columns={"knee_angle": np.full(20, np.nan)},
        units={"knee_angle": "deg"},
        fps=10.0,
    )
    evidence = measure_statement(
        "the squat is deeper", still, still, movement=resolve_profile("squat").movement
    )
    assert evidence is not None and evidence.label is None and evidence.quantity == "depth"
    assert "could not be measured in both videos" in evidence.summary
    assert evidence.detail is not None and "not measurable in both videos" in evidence.detail
    assert (
        measure_statement("the hair is shinier", still, still, movement=resolve_profile("squat").movement)
        is None
    )


def test_library_and_rules() -> None:
    assert len(QUANTITIES) >= 20 and len({q.key for q in QUANTITIES}) == len(QUANTITIES)
    cases = {
        "the squat is shallower": ("depth", -1.0),
        "knees cave inward more": ("knee_valgus", 1.0),
        "the torso stays more upright": ("trunk_lean", -1.0),
        "the bar path is straighter": ("hand_path_deviation", -1.0),
        "the arms are fully extended at the top": ("elbow_extension", 1.0),
        "the heels come off the floor": ("heel_lift", 1.0),
        "the grip is wider": ("grip_width", 1.0),
        "the ascent is faster": ("ascent_duration", -1.0),
    }
    for text, (key, polarity) in cases.items():
        matched = match_quantity(text)
        assert matched is not None and (matched[0].key, matched[1]) == (key, polarity), text
    assert match_quantity("the shirt is a brighter colour") is None


def test_a_still_lead_in_does_not_change_the_repetitions_found(
    sample_tracks: tuple[PoseTrack, PoseTrack],
) -> None:
    track = sample_tracks[0]
    lead_in = 40
    held = resample_track(track, np.concatenate([np.zeros(lead_in), np.arange(len(track.frames))]))
    driver = resolve_profile("squat").driver
    plain, delayed_features = compute_features(track), compute_features(held)
    own = find_repetitions(plain, driver, movement_span(plain))
    delayed = find_repetitions(delayed_features, driver, movement_span(delayed_features))
    assert len(own) == len(delayed) == 2
    for one, other in zip(own, delayed, strict=True):
        assert abs(other.turn - one.turn - lead_in) <= 1 and abs(other.end - one.end - lead_in) <= 1


def test_without_repetitions_of_the_driver_the_whole_movement_is_one(
    features: tuple[KinematicFeatures, KinematicFeatures],
) -> None:
    still_arms = Driver("elbow_angle", -1.0, extreme_is_low=False, min_amplitude=20.0)  # arms held straight
    assert segment_repetitions(features[0], still_arms) == []
    (movement,) = find_repetitions(features[0], still_arms, movement_span(features[0]))
    assert movement.source == "movement"
    assert movement.start < movement.hold_start <= movement.turn <= movement.hold_end <= movement.end
    knee = features[0]["knee_angle"]
    assert knee[movement.turn] < np.nanpercentile(knee, 25)  # the farthest posture is a squat bottom


def test_verdicts_in_matched_windows_swap_with_a_and_b(
    features: tuple[KinematicFeatures, KinematicFeatures],
) -> None:
    movement = resolve_profile("squat").movement
    a, b = (Reading.of(f, movement) for f in features)
    forward = matched_readings(a, b, align(*features))
    backward = matched_readings(b, a, align(features[1], features[0]))
    assert len(forward) == len(backward) == 2
    replicas_a, replicas_b = jitter_replicas(a), jitter_replicas(b)
    swapped = {"A": "B", "B": "A", "C": "C", None: None}
    for quantity in QUANTITIES:
        one = measure_quantity(quantity, a, b, matched=forward, replicas=(replicas_a, replicas_b))
        other = measure_quantity(quantity, b, a, matched=backward, replicas=(replicas_b, replicas_a))
        assert (one is None) == (other is None), quantity.key
        if one is not None and other is not None:
            assert (one.value_a, one.value_b) == (other.value_b, other.value_a), quantity.key
            assert (one.interval_a, one.interval_b) == (other.interval_b, other.interval_a), quantity.key
            assert swapped[one.label] == other.label and one.confidence == other.confidence, quantity.key
