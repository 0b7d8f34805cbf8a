"""One-off actions on hand-built tracks: the events of a jump and a swing, and what is measured from them."""

from __future__ import annotations

import numpy as np
import pytest

from actiondiff.kinematics import Reading, compute_features, measure_quantity
from actiondiff.kinematics.quantities import EVENT_PHASES, QUANTITIES
from actiondiff.knowledge import resolve_profile
from actiondiff.pose.landmarks import MIRRORED
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


def test_a_swing_shows_its_top_pause_and_tempo() -> None:
    swing = reading(swinging_world(backswing_s=0.9, pause_s=0.5, through_s=0.5), "golf swing")
    measured = values(swing)
    assert swing.events.jump is None and measured["flight_time"] is None
    assert measured["top_pause"] == pytest.approx(0.5, abs=0.15)
    assert measured["downswing_duration"] == pytest.approx(0.25, abs=0.06)  # through impact at mid-way
    assert measured["backswing_length"] > 1.5
    assert reading(swinging_world(pause_s=0.0), "golf swing").events.swing is not None


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
