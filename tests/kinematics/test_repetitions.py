"""Repetitions on real signals that are not two clean reps: the squat sample's real pose played with a
stuck bottom, a failed last rep, a partial rep, irregular tempo, and real cameras cut together."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actiondiff.config import Config
from actiondiff.kinematics import KinematicFeatures, compute_features
from actiondiff.kinematics.align import align
from actiondiff.kinematics.clean import camera_cuts
from actiondiff.kinematics.crossing import matched_readings
from actiondiff.kinematics.measure import measure_quantity
from actiondiff.kinematics.phases import (
    describe_repetitions,
    driver_onset,
    find_repetitions,
    movement_span,
)
from actiondiff.kinematics.quantities import Reading, find_quantity
from actiondiff.kinematics.uncertainty import jitter_replicas
from actiondiff.knowledge import resolve_profile
from actiondiff.models import PoseTrack, Repetitions
from actiondiff.pose import extract_pose
from tests.kinematics.builders import spliced

SQUAT = resolve_profile("squat").driver
TURN = 41
"""A sample row at the bottom of the squat sample A's first repetition (truth: frame 43 of 25 fps)."""


def repetitions(track: PoseTrack) -> Repetitions:
    features = compute_features(track)
    return describe_repetitions(features, find_repetitions(features, SQUAT, movement_span(features)), SQUAT)


@pytest.fixture(scope="module")
def squat_a(sample_tracks: tuple[PoseTrack, PoseTrack]) -> PoseTrack:
    return sample_tracks[0]


def test_the_sample_shows_two_full_repetitions(squat_a: PoseTrack) -> None:
    table = repetitions(squat_a)
    assert [r.number for r in table.repetitions] == [1, 2] and table.signal == "knee_angle"
    assert not any(r.partial for r in table.repetitions) and table.cuts_s == []
    for rep in table.repetitions:
        assert 1.3 <= rep.duration_s <= 1.8 and 0.3 <= rep.hold_s <= 0.9 and rep.excursion is not None
        assert rep.excursion > 60


def test_a_stuck_bottom_is_one_long_hold(squat_a: PoseTrack) -> None:
    """Two seconds frozen at the bottom of the first repetition: its hold grows by two seconds."""
    rows = np.arange(len(squat_a.frames))
    stuck = spliced((squat_a, np.r_[rows[:TURN], np.full(50, TURN), rows[TURN:]]))
    plain, held = repetitions(squat_a).repetitions, repetitions(stuck).repetitions
    assert len(held) == 2
    assert held[0].hold_s - plain[0].hold_s == pytest.approx(2.0, abs=0.1)
    assert held[1].hold_s == pytest.approx(plain[1].hold_s, abs=0.05)


def test_a_failed_repetition_stuck_at_the_end_is_still_a_repetition(squat_a: PoseTrack) -> None:
    """The video ends two seconds into a stuck bottom: one repetition, from the driver, held to the end."""
    rows = np.arange(len(squat_a.frames))
    (failed,) = repetitions(spliced((squat_a, np.r_[rows[:TURN], np.full(50, TURN)]))).repetitions
    assert failed.source == "driver" and failed.hold_s >= 2.0


def test_a_partial_repetition_is_found_and_marked(squat_a: PoseTrack) -> None:
    """The second repetition turns back two thirds of the way down."""
    rows = np.arange(len(squat_a.frames))
    down = np.arange(91, 100)
    table = repetitions(spliced((squat_a, np.r_[rows[:91], down, down[::-1], rows[129:]])))
    full, partial = table.repetitions
    assert not full.partial and partial.partial
    assert full.excursion is not None and partial.excursion is not None
    assert 0.5 * full.excursion < partial.excursion < 0.75 * full.excursion


def test_irregular_tempo_keeps_each_repetition_s_own_duration(squat_a: PoseTrack) -> None:
    """Rep 1 as filmed, rep 2 at half speed, rep 1 again at double speed."""
    rows = np.arange(len(squat_a.frames))
    table = repetitions(spliced((squat_a, np.r_[rows[:75], np.repeat(rows[75:], 2), rows[75::2]])))
    first, slow, fast = (r.duration_s for r in table.repetitions)
    assert slow == pytest.approx(2 * first, rel=0.15) and fast == pytest.approx(first / 2, rel=0.2)


@pytest.mark.real
def test_a_cut_between_two_real_cameras_is_found_and_no_repetition_spans_it(
    real_clips: list[Path], pose_cache: Path
) -> None:
    config = Config(cache_dir=pose_cache)
    one, other = (extract_pose(clip, config) for clip in real_clips[:2])
    assert camera_cuts(one) == [] and camera_cuts(other) == []
    cut = spliced((one, range(len(one.frames))), (other, range(len(other.frames))))
    assert camera_cuts(cut) == [len(one.frames)]
    table = repetitions(cut)
    assert table.cuts_s == [pytest.approx(cut.frames[len(one.frames)].timestamp)]
    assert all(r.end_s < table.cuts_s[0] or r.start_s >= table.cuts_s[0] for r in table.repetitions)


def test_the_first_repetition_starts_where_its_driver_leaves_its_start_not_where_the_body_first_stirs() -> (
    None
):
    """Knees straight for 6 s while the body shifts (a bar settled, feet moved), then a squat: the start
    is the knees' 6 s, read the same at 10 and 30 fps."""
    for fps in (10.0, 30.0):
        times = np.arange(round(9 * fps)) / fps
        knee = np.full(len(times), 175.0) + 0.5 * np.sin(7.0 * times)  # pose jitter
        squat = (times >= 6.0) & (times <= 8.0)
        knee[squat] -= 90.0 * np.sin(np.pi * (times[squat] - 6.0) / 2.0)
        features = KinematicFeatures(
            times, np.arange(len(times)), {"knee_angle": knee}, {"knee_angle": "deg"}, fps
        )
        onset = driver_onset(features, "knee_angle", turn=int(np.argmin(knee)))
        assert onset == pytest.approx(6.0, abs=0.2)


STAND = 70
"""Sample row of squat A standing between its repetitions (knee 166 deg)."""


def test_a_rest_between_repetitions_lengthens_the_time_per_repetition_not_their_spans(
    squat_a: PoseTrack,
) -> None:
    """One second more standing between the two squats: each repetition's own span is unchanged, the
    time per repetition (the cycle, `rep_duration`) one second longer."""
    rows = np.arange(len(squat_a.frames))
    rested = spliced((squat_a, np.r_[rows[:STAND], np.full(25, STAND), rows[STAND:]]))
    plain, longer = (
        Reading.of(compute_features(t), resolve_profile("squat").movement) for t in (squat_a, rested)
    )
    cycle = find_quantity("rep_duration").compute
    assert [r.end - r.start for r in longer.repetitions] == [r.end - r.start for r in plain.repetitions]
    measured, before = cycle(longer), cycle(plain)
    assert measured is not None and before is not None
    assert measured.value - before.value == pytest.approx(1.0, abs=0.05)
    assert 2.4 <= before.value <= 3.0  # 2.7 s from middle to middle; the spans are 1.5 s each


def test_two_slow_repetitions_against_three_quick_ones_read_each_video_s_own_tempo(
    squat_a: PoseTrack,
) -> None:
    """The sample's two squats at half speed against three at its own speed: the time per repetition
    is read in each video's own repetitions (matched windows would map two onto three) and is twice as
    long in the slow one; so is the depth, the same in both (mapped, a window reads standing)."""
    rows = np.arange(len(squat_a.frames))
    slow = spliced((squat_a, np.repeat(rows, 2)))
    quick = spliced((squat_a, np.r_[rows[:STAND], rows[20:STAND], rows[STAND:]]))
    features = [compute_features(t) for t in (slow, quick)]
    movement = resolve_profile("squat").movement
    readings = [Reading.of(f, movement) for f in features]
    assert [len(r.repetitions) for r in readings] == [2, 3]
    matched = matched_readings(*readings, align(*features))
    replicas = jitter_replicas(readings[0], 8), jitter_replicas(readings[1], 8)  # a few keep it quick
    tempo = measure_quantity("rep_duration", *readings, matched=matched, replicas=replicas)
    assert tempo is not None and tempo.value_a is not None and tempo.value_b is not None
    assert "matched windows" not in tempo.detail and tempo.label == "A"
    assert tempo.value_a == pytest.approx(2 * tempo.value_b, rel=0.15)
    depth = measure_quantity("depth", *readings, matched=matched, replicas=replicas)
    assert depth is not None and "matched windows" not in depth.detail and depth.label == "C", depth.detail
