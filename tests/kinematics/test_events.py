"""One-off actions on hand-built tracks: the events of a jump and a swing, and what is measured from them."""

from __future__ import annotations

import numpy as np
import pytest

from actiondiff.kinematics import Reading, compute_features, measure_quantity
from actiondiff.kinematics.phases import phase_spans
from actiondiff.kinematics.quantities import EVENT_PHASES, QUANTITIES
from actiondiff.knowledge import resolve_profile
from actiondiff.pose.landmarks import LANDMARK_NAMES, MIRRORED
from tests.kinematics.builders import jumping_world, make_track, standing_world, swinging_world

EVENT_QUANTITIES = [q for q in QUANTITIES if q.phase in EVENT_PHASES]


def reading(world: np.ndarray, action: str, fps: float = 30.0) -> Reading:
    return Reading.of(compute_features(make_track(world, fps=fps)), resolve_profile(action).movement)


def mirrored(world: np.ndarray) -> np.ndarray:
    return world[:, list(MIRRORED)] * [-1.0, 1.0, 1.0]


def values(read: Reading) -> dict[str, float | None]:
    return {q.key: (m.value if (m := q.compute(read)) is not None else None) for q in EVENT_QUANTITIES}


def test_a_jump_shows_take_off_flight_and_landing_where_they_were_built() -> None:
    jump = reading(jumping_world(flight_s=0.44), "vertical jump")
    events, times = jump.events, jump.features.timestamps
    assert events.swing is None and events.jump is not None
    assert times[events.jump.bottom] == pytest.approx(0.8, abs=0.05)  # 0.5 s still, 0.3 s dip
    assert times[events.jump.takeoff] == pytest.approx(1.0, abs=0.05)
    assert times[events.jump.landing] - times[events.jump.takeoff] == pytest.approx(0.44, abs=0.07)
    measured = values(jump)
    assert measured["flight_time"] == pytest.approx(0.44, abs=0.07)
    assert measured["countermovement_depth"] > 0.1
    assert measured["tempo_ratio"] is None, "a jump is not read as a swing"


def test_jump_height_is_the_hips_rise_in_leg_lengths_past_a_pose_drawn_with_half_legs() -> None:
    """0.25 m over legs of 0.87 m; then with a pose at the top of the flight fitted too high (the hips
    drawn 0.1 m up on the shirt, the knees at the hips, the ankles at the knees), as on a real clip
    whose head left the frame: the arc through the whole-legged rows reads the rise within 0.05 (0.33;
    all rows read 0.38: smoothing spreads the bad poses over their neighbours)."""
    height = next(q for q in QUANTITIES if q.key == "jump_height").compute
    world = jumping_world(height_m=0.25)
    assert height(reading(world, "vertical jump")).value == pytest.approx(0.25 / 0.87, abs=0.02)
    top = slice(34, 38)  # the middle of the flight's rows 30-41
    for side in ("left", "right"):
        hip, knee, ankle = (LANDMARK_NAMES.index(f"{side}_{joint}") for joint in ("hip", "knee", "ankle"))
        world[top, ankle], world[top, knee] = world[top, knee], world[top, hip]
        world[top, hip, 1] -= 0.1
    assert height(reading(world, "vertical jump")).value == pytest.approx(0.25 / 0.87, abs=0.05)


def test_a_swing_shows_its_top_pause_and_tempo() -> None:
    swing = reading(swinging_world(backswing_s=0.9, pause_s=0.5, through_s=0.5), "golf swing")
    measured = values(swing)
    assert swing.events.jump is None and measured["flight_time"] is None
    assert measured["top_pause"] == pytest.approx(0.5, abs=0.15)
    assert measured["downswing_duration"] == pytest.approx(0.25, abs=0.06)  # through impact at mid-way
    assert measured["backswing_length"] > 1.5
    assert reading(swinging_world(pause_s=0.0), "golf swing").events.swing is not None


def test_a_one_off_swing_places_its_sub_actions_at_its_events() -> None:
    swing = reading(swinging_world(backswing_s=0.9, pause_s=0.5, through_s=0.5), "golf swing")
    events, times = swing.events.swing, swing.features.timestamps
    assert events is not None
    profile = resolve_profile("golf swing")
    names = [s.name for s in profile.entry.sub_actions] if profile.entry else []
    spans = phase_spans(swing.features, names, profile.movement, [swing.events.as_repetition()])
    starts = {s.sub_action: s.start_s for s in spans or []}
    assert starts["backswing"] == pytest.approx(times[events.onset])
    assert starts["top of backswing"] == pytest.approx(times[events.top_start])
    assert starts["follow-through"] == pytest.approx(times[events.impact + 1])


def test_standing_still_is_neither_a_jump_nor_a_swing() -> None:
    still = reading(np.repeat(standing_world()[None], 40, axis=0), "zorbling")
    assert (still.events.jump, still.events.swing) == (None, None)
    assert all(value is None for value in values(still).values())


@pytest.mark.parametrize(
    ("world", "action"), [(jumping_world(), "vertical jump"), (swinging_world(pause_s=0.3), "golf swing")]
)
def test_events_are_the_same_in_a_mirrored_copy_and_twice_as_long_in_a_slowed_one(
    world: np.ndarray, action: str
) -> None:
    own, mirror = values(reading(world, action)), values(reading(mirrored(world), action))
    for key, value in own.items():
        assert (value is None) == (mirror[key] is None) and (
            value is None or value == pytest.approx(mirror[key])
        )
    slowed = values(reading(world, action, fps=15.0))  # the same frames, each shown twice as long
    for key in ("flight_time", "jump_duration", "swing_duration", "backswing_duration", "top_pause"):
        if own[key] is not None:
            assert slowed[key] == pytest.approx(2 * own[key], rel=0.25), key


@pytest.mark.parametrize(
    ("world", "action", "key"),
    [
        (jumping_world(), "vertical jump", "jump_duration"),
        (jumping_world(), "vertical jump", "flight_time"),
        (swinging_world(pause_s=0.3), "golf swing", "swing_duration"),
        (swinging_world(pause_s=0.3), "golf swing", "backswing_duration"),
    ],
)
def test_a_slowed_copy_is_decided_slower_and_a_mirrored_one_the_same(
    world: np.ndarray, action: str, key: str
) -> None:
    own, slowed = reading(world, action), reading(world, action, fps=15.0)
    assert measure_quantity(key, own, slowed).label == "B"
    assert measure_quantity(key, own, reading(mirrored(world), action)).label == "C"


def test_a_head_that_drifts_through_the_swing_moves_more_than_one_held_still() -> None:
    still = swinging_world(pause_s=0.3)
    drifting = still.copy()
    nose = LANDMARK_NAMES.index("nose")
    drifting[:, nose, 0] += np.linspace(0.0, 0.15, len(drifting))  # 15 cm sideways over the swing
    steady, moved = reading(still, "golf swing"), reading(drifting, "golf swing")
    assert values(steady)["head_movement"] == pytest.approx(0.0, abs=0.02)
    assert values(moved)["head_movement"] > 0.1
    assert measure_quantity("head_movement", moved, steady).label == "A"
    assert measure_quantity("head_movement", moved, reading(mirrored(drifting), "golf swing")).label == "C"
