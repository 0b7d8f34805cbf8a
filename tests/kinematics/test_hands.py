"""Hand features and quantities on hand tracks built by construction: known finger bends, a mirror
image, taps at known times, a copy played slower, and left/right told by the body's wrists."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actiondiff.kinematics import Reading, compute_features
from actiondiff.kinematics.hand_quantities import (
    PATH_STEP,
    bimanual_lag,
    finger_tempo,
    hand_tempo,
    keystrokes,
    path_length,
    tap_rate,
    task_time,
    travelled,
)
from actiondiff.kinematics.hands import finger_flexion
from actiondiff.kinematics.measure import measure_quantity, measure_readings
from actiondiff.knowledge.profile import resolve_profile
from actiondiff.models import FrameSample, HandTrack, PoseTrack, VideoInfo
from actiondiff.pose.hands import (
    LEAST_LEAN,
    _flip_tested,
    _unmirrored,
    brightness_lean,
    canonical_mirrored,
    pictures_held,
    sides_by_body,
    sides_by_continuity,
)
from actiondiff.pose.landmarks import FINGER_CHAINS, HAND_LANDMARK_NAMES, LANDMARK_NAMES, N_LANDMARKS

FPS = 30.0


def flat_hand(bend_deg: float = 0.0) -> np.ndarray:
    """A right-ish hand in its own metric frame (21, 3): fingers along -y from the knuckles, each of the
    index-to-pinky fingers bent by `bend_deg` at each of its three joints (towards +z)."""
    points = np.zeros((21, 3))
    for k, finger in enumerate(("thumb", "index", "middle", "ring", "pinky")):
        chain = FINGER_CHAINS[finger]
        base = np.array([-0.03 + 0.015 * k, -0.08 if k else -0.03, 0.0])
        points[chain[1]] = base
        direction = np.array([0.0, -1.0, 0.0])
        turns = 0 if finger == "thumb" else bend_deg
        for joint in chain[2:]:
            angle = np.radians(turns)
            direction = np.array([0.0, direction[1] * np.cos(angle) - direction[2] * np.sin(angle),
                                  direction[1] * np.sin(angle) + direction[2] * np.cos(angle)])  # fmt: skip
            points[joint] = points[joint - 1] + 0.025 * direction
    return points


def test_finger_flexion_adds_the_bends_of_a_fingers_joints() -> None:
    straight, bent = flat_hand(0.0)[None], flat_hand(20.0)[None]
    # the middle finger's knuckle lies straight out from the wrist: its knuckle, middle and end joints
    # each add the 20 deg they were bent by
    assert finger_flexion(straight, "middle")[0] == pytest.approx(0.0, abs=1e-4)
    assert finger_flexion(bent, "middle")[0] == pytest.approx(60.0, abs=1e-3)


def track_with_hands(
    palms_x: np.ndarray, bends: np.ndarray, *, width: int = 640, height: int = 360, mirrored: bool = False
) -> PoseTrack:
    """A track of `len(palms_x)` rows, no body, two hands: side s's palm at x = palms_x[:, s] (image
    fraction), its fingers bent by bends[:, s] deg per joint. `mirrored`: the same filmed in a mirror."""
    rows = len(palms_x)
    image = np.full((rows, 2, 21, 3), np.nan, np.float32)
    world = np.full((rows, 2, 21, 3), np.nan, np.float32)
    for t in range(rows):
        for s in range(2):
            hand = flat_hand(float(bends[t, s]))
            x = palms_x[t, s] + hand[:, 0] * 2.0
            y = 0.5 + hand[:, 1] * 2.0 * width / height
            side = 1 - s if mirrored else s
            image[t, side, :, 0] = 1.0 - x if mirrored else x
            image[t, side, :, 1] = y
            image[t, side, :, 2] = 0.0
            world[t, side] = hand * ([-1.0, 1.0, 1.0] if mirrored else 1.0)
    frames = [FrameSample(index=t, timestamp=t / FPS) for t in range(rows)]
    info = VideoInfo(path=Path("hands.mp4"), container="mp4", codec="h264", width=width, height=height,
                     rotation=0, fps=FPS, duration_s=rows / FPS, n_frames=rows)  # fmt: skip
    nothing = np.full((rows, N_LANDMARKS, 3), np.nan, np.float32)
    names = list(HAND_LANDMARK_NAMES)
    hands = HandTrack(frames=frames, landmark_names=names, image_xyz=image, world_xyz=world,
                      confidence=np.ones((rows, 2, 21), np.float32), model="test")  # fmt: skip
    return PoseTrack(video=info, frames=frames, landmark_names=list(LANDMARK_NAMES), image_xyz=nothing,
                     world_xyz=nothing, visibility=nothing[:, :, 0], model="test", hands=hands)  # fmt: skip


def motion(seconds: float = 4.0, slowdown: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Palms swinging sideways (the right hand 0.2 s after the left) and fingers tapping twice a
    second (the left hand's taps, every 0.5 s), played `slowdown` times slower."""
    t = np.arange(round(seconds * slowdown * FPS)) / FPS / slowdown
    palms = np.stack(
        [0.3 + 0.08 * np.sin(2 * np.pi * t / 1.5), 0.7 + 0.04 * np.sin(2 * np.pi * (t - 0.2) / 1.5)], 1
    )
    taps = 30.0 * np.exp(-(((t % 0.5) - 0.25) ** 2) / (2 * 0.04**2))
    return palms, np.stack([5.0 + taps, np.full_like(t, 10.0)], axis=1)


def reading(track: PoseTrack) -> Reading:
    return Reading.of(compute_features(track), resolve_profile("piano scale").movement)


def test_a_mirror_image_swaps_the_hands_and_nothing_else() -> None:
    palms, bends = motion()
    features = compute_features(track_with_hands(palms, bends))
    mirror = compute_features(track_with_hands(palms, bends, mirrored=True))
    for name in ("finger_flexion", "index_flexion", "finger_spread", "wrist_rise", "hand_speed"):
        for side, other in (("left", "right"), ("right", "left")):
            np.testing.assert_allclose(features[f"{side}_{name}"], mirror[f"{other}_{name}"], atol=1e-3)
        np.testing.assert_allclose(features[name], mirror[name], atol=1e-3)
    assert features["left_finger_flexion"].max() > features["right_finger_flexion"].max() + 20


def test_a_slower_copy_taps_at_a_lower_rate_over_the_same_path() -> None:
    palms, bends = motion()
    original = reading(track_with_hands(palms, bends))
    slow = reading(track_with_hands(*motion(slowdown=2.0)))
    assert len(keystrokes(original, np.arange(len(original.features)))) == 8
    rate, slower = tap_rate(original), tap_rate(slow)
    assert rate is not None and slower is not None
    assert rate.value == pytest.approx(2.0, rel=0.1) and slower.value == pytest.approx(1.0, rel=0.1)
    path, same = path_length(original), path_length(slow)
    assert path is not None and same is not None and same.value == pytest.approx(path.value, rel=0.05)
    pace, slower_pace = hand_tempo(original), hand_tempo(slow)
    assert pace is not None and slower_pace is not None
    assert slower_pace.value == pytest.approx(pace.value / 2, rel=0.1)
    fingers, slower_fingers = finger_tempo(original), finger_tempo(slow)
    assert fingers is not None and slower_fingers is not None and fingers.value > 50
    assert 0.45 < slower_fingers.value / fingers.value < 0.8  # taps of 0.1 s: smoothing takes more off
    took, longer_task = task_time(original), task_time(slow)
    assert took is not None and longer_task is not None
    assert took.value == pytest.approx(4.0, abs=0.1)  # the hands move all along
    assert longer_task.value == pytest.approx(2 * took.value, rel=0.05)  # slower: near still a bit longer
    lag, longer = bimanual_lag(original), bimanual_lag(slow)
    assert lag is not None and longer is not None
    assert lag.value == pytest.approx(0.2, abs=1.5 / FPS) and longer.value == pytest.approx(
        0.4, abs=1.5 / FPS
    )


def test_jitter_adds_nothing_to_a_path_sampled_at_any_rate() -> None:
    rng = np.random.default_rng(0)
    for rows in (60, 240):  # one sweep of 3 palm lengths and back, sampled 4x denser
        x = 3.0 * np.sin(np.linspace(0, np.pi, rows))
        shaken = np.stack([x, np.zeros(rows)], axis=1) + rng.uniform(-0.3, 0.3, (rows, 2)) * PATH_STEP
        shaken[rows // 3] = np.nan  # a row the hand was not seen in
        assert travelled(shaken) == pytest.approx(6.0, abs=2 * PATH_STEP)


def test_the_flip_test_reads_a_picture_and_its_mirror_image_as_mirror_images() -> None:
    """The hand model reads a hand (found) and its mirror image (mirrored) differently; the flip test
    of a clip and of its mirror copy (the two passes' roles swapped) give one reading, sides swapped."""
    hand = np.zeros((21, 3), np.float32)
    hand[:, 0], hand[:, 1] = 0.3 + 0.01 * np.arange(21), 0.5 + 0.02 * np.arange(21)
    bent = hand + np.float32(0.005)
    found = [(hand, hand * 0.1, 1, 0.9)]  # the right hand, surely
    mirrored = [(bent * [-1, 1, 1] + [1, 0, 0], bent * [-0.1, 0.1, 0.1], 0, 0.6)]  # read apart, unsurely
    clip = _flip_tested(found, _unmirrored(mirrored))
    copy = _flip_tested(mirrored, _unmirrored(found))
    assert len(clip) == len(copy) == 1 and (clip[0][2], copy[0][2]) == (1, 0)
    (back,) = _unmirrored(copy)
    np.testing.assert_allclose(clip[0][0], back[0], atol=1e-6)
    np.testing.assert_allclose(clip[0][1], back[1], atol=1e-6)
    assert clip[0][3] == pytest.approx(copy[0][3])


def test_the_body_wrists_tell_left_from_right() -> None:
    palms, bends = motion(1.0)
    track = track_with_hands(palms, bends)
    assert track.hands is not None
    body = np.array(track.image_xyz)
    wrists = np.array(track.hands.image_xyz[:, :, 0])
    body[:, LANDMARK_NAMES.index("left_wrist")] = wrists[:, 1]  # the body says the hands are the other way
    body[:, LANDMARK_NAMES.index("right_wrist")] = wrists[:, 0]
    seen = np.ones(np.shape(track.visibility), np.float32)
    told = sides_by_body(track.hands, track.model_copy(update={"image_xyz": body, "visibility": seen}))
    assert told.sides_from == "body"
    np.testing.assert_allclose(told.image_xyz[:, 0], track.hands.image_xyz[:, 1])


@pytest.mark.parametrize(
    ("action", "hands"),
    [("piano scale", True), ("knot tying", True), ("suturing", True), ("squat", False),
     ("finger tapping", True), ("typing on a keyboard", True), ("cartwheel", False)],
)  # fmt: skip
def test_the_profile_reads_hands_for_hand_actions_only(action: str, hands: bool) -> None:
    assert resolve_profile(action).hands is hands


def test_a_hand_whose_label_flips_keeps_one_side_while_it_is_followed() -> None:
    palms, bends = motion(1.0)
    track = track_with_hands(palms, bends)
    assert track.hands is not None
    image, confidence = np.array(track.hands.image_xyz), np.array(track.hands.confidence)
    image[:, 1], confidence[:, 1] = np.nan, np.nan  # one hand only: the left one
    image[1::2] = image[1::2, ::-1]  # the model calls it the right hand every other frame, less surely
    confidence[1::2] = confidence[1::2, ::-1] * 0.6
    flipping = track.hands.model_copy(update={"image_xyz": image, "confidence": confidence})
    followed = sides_by_continuity(flipping)
    assert followed.found[:, 0].all() and not followed.found[:, 1].any()


def test_a_picture_and_its_mirror_image_lean_opposite_ways_and_a_symmetric_one_has_no_orientation() -> None:
    rng = np.random.default_rng(1)
    picture = rng.integers(0, 256, (48, 64, 3)).astype(np.uint8)
    picture[:, 40:] = 255  # a bright right side
    mirror = np.ascontiguousarray(picture[:, ::-1])
    assert brightness_lean(picture) > LEAST_LEAN
    assert brightness_lean(mirror) == pytest.approx(-brightness_lean(picture), abs=1e-6)
    assert canonical_mirrored([picture]) is True and canonical_mirrored([mirror]) is False
    symmetric = np.concatenate([picture[:, :32], picture[:, :32][:, ::-1]], axis=1)
    assert canonical_mirrored([symmetric]) is None  # near a tie: both ways (the flip test)


def test_held_pictures_are_told_from_the_small_changes_of_real_footage() -> None:
    gif = [15.0, 0.01, 0.14, 0.0, 0.006] * 8  # a new picture, then the encoder's touch-ups to it
    footage = list(np.random.default_rng(2).uniform(0.08, 2.9, 40))  # bench_hands' real clips' range
    assert pictures_held(gif) == pytest.approx(0.8)
    assert pictures_held(footage) < 0.1


def test_speeds_and_tempos_are_not_decided_on_a_video_of_five_pictures_a_second() -> None:
    palms, bends = motion()
    track = track_with_hands(palms, bends)
    held = track.model_copy(update={"hands": track.hands.model_copy(update={"pictures_held": 5 / 6})})
    features, sparse = compute_features(track), compute_features(held)
    assert features.picture_rate == FPS and sparse.picture_rate == pytest.approx(5.0)
    original, gif = Reading.of(features, reading(track).movement), Reading.of(sparse, reading(held).movement)
    evidence = measure_readings("tap_rate", original, gif, linked=("tap_rate", 1.0))
    assert evidence is not None and evidence.label is None and evidence.value_a is None
    assert "video B shows 5 pictures per second" in evidence.summary and "film at 25 fps" in evidence.summary
    assert measure_quantity("hand_peak_speed", original, gif) is None
    still = measure_readings("finger_curl", original, gif, linked=("finger_curl", 1.0))
    assert still is not None and still.label == "C"  # a bend is read from any picture


def test_the_fingers_pace_is_the_busiest_fingers_and_an_idle_fingers_bursts_add_nothing() -> None:
    palms, bends = motion()
    track = track_with_hands(palms, bends)
    features = compute_features(track)
    movement = reading(track).movement
    working = finger_tempo(Reading.of(features, movement))
    bursts = np.zeros(len(features))
    for start in (20, 50, 80):  # the idle thumb misread 25 deg bent for a few rows, three times
        bursts[start : start + 4] = 25.0
    features.columns["left_thumb_flexion"] = features["left_thumb_flexion"] + bursts
    misread = finger_tempo(Reading.of(features, movement))
    assert working is not None and misread is not None and working.value > 50
    assert misread.value == pytest.approx(working.value)
