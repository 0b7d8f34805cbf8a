"""Identity over time and the main-performer figures, on landmark sets placed by hand."""

from __future__ import annotations

import numpy as np

from actiondiff.pose.estimator import _in_frame, _small_window
from actiondiff.pose.people import (
    SIZE_CHANGE,
    Landmarks,
    chosen,
    distance_to,
    distinct,
    implausible,
    link,
    masked,
    seen,
    size_change,
)


def body(x: float, height: float) -> Landmarks:
    """A standing body centred at image x, `height` of the frame tall, feet near the bottom."""
    image = np.zeros((33, 3), dtype=np.float32)
    image[:, 0] = x + 0.1 * np.sin(np.arange(33))
    image[[23, 24], 0] = x - 0.05, x + 0.05
    image[:, 1] = np.linspace(0.95 - height, 0.95, 33)
    image[[11, 12], 1] = 0.95 - 0.75 * height  # shoulders
    image[[23, 24], 1] = 0.95 - 0.5 * height  # hips
    return image, np.zeros((33, 3), np.float32), np.ones(33, np.float32)


def test_people_keep_their_identity_when_the_model_swaps_slots() -> None:
    near, central = body(0.8, 0.6), body(0.5, 0.4)
    frames = [[near, central]] * 3 + [[central, near]] * 3 + [[central]] * 2
    people = link(frames, aspect=1.0)
    assert len(people) == 2
    assert all(f is None or f is near for f in people[0]) and all(f is central for f in people[1])
    figures = [seen(person, aspect=1.0) for person in people]
    assert figures[0].detection_rate == 0.75 and figures[1].detection_rate == 1.0
    assert figures[1].centrality > figures[0].centrality and figures[1].score > figures[0].score


def test_the_same_body_found_twice_is_one_and_masking_greys_its_box() -> None:
    one = body(0.5, 0.4)
    assert len(distinct([one, body(0.51, 0.4), body(0.9, 0.4)], aspect=1.0)) == 2
    image = np.full((100, 100, 3), 255, np.uint8)
    grey = masked(image, [one])
    assert (grey[60, 50] == 127).all() and (grey[60, 5] == 255).all() and (image == 255).all()


def test_a_picked_point_chooses_the_person_around_it_whatever_the_scores() -> None:
    near, central = body(0.8, 0.6), body(0.5, 0.4)
    people = link([[near, central]] * 4, aspect=1.0)
    figures = [seen(person, aspect=1.0) for person in people]
    assert chosen(figures, people, None, aspect=1.0) == 0, "by score: the taller one"
    assert chosen(figures, people, (0.52, 0.8), aspect=1.0) == 1, "picked: the smaller one"
    assert chosen(figures, people, (0.99, 0.1), aspect=1.0) == 0, "outside both boxes: the nearer box"
    assert distance_to(near, (0.8, 0.7), aspect=1.0) < 0.01 < distance_to(central, (0.8, 0.7), aspect=1.0)
    assert figures[0].box[3] == 0.95 and figures[0].box[1] == round(0.95 - 0.6, 3)


def test_a_pose_that_stands_out_from_the_performers_own_track_is_implausible() -> None:
    """A squat-like sway passes; a few frames with the hips at chest height (the torso halved) or the
    whole body a torso length away (another person's limbs) do not."""
    rows: list[Landmarks | None] = [body(0.5 + 0.01 * np.sin(k / 3), 0.4) for k in range(30)]
    times = [k / 30 for k in range(30)]
    assert not any(implausible(rows, times, aspect=1.0))
    squashed = body(0.5, 0.4)
    squashed[0][[23, 24], 1] = 0.95 - 0.75 * 0.4  # hips drawn at chest height
    elsewhere = body(0.75, 0.4)
    rows[10], rows[11], rows[20] = squashed, squashed, elsewhere
    rows[5] = None
    odd = implausible(rows, times, aspect=1.0)
    assert [k for k, drop in enumerate(odd) if drop] == [10, 11, 20]
    assert size_change(body(0.5, 0.4), squashed, aspect=1.0) > SIZE_CHANGE


def test_a_small_performer_gets_a_window_and_its_landmarks_come_back_into_the_frame() -> None:
    """A body a fifth of a 1000 x 500 frame high is posed again on a square around it; landmarks found on
    the window (mirrored or not) land where they are in the frame."""
    small, large = body(0.3, 0.2), body(0.5, 0.6)
    assert _small_window([large] * 5, (500, 1000, 3)) is None
    window = _small_window([small, None, small], (500, 1000, 3))
    assert window is not None
    left, top, right, bottom = window
    assert right - left == bottom - top == 250 and left <= 0.2 * 1000 and right >= 0.4 * 1000
    xy = small[0][:, :2] * [1000, 500]
    inside = ((xy - [left, top]) / (right - left), small[1], small[2])
    on_window = np.concatenate([inside[0], small[0][:, 2:]], axis=1).astype(np.float32)
    back = _in_frame((on_window, small[1], small[2]), window, (500, 1000, 3), mirrored=False)
    assert back is not None and np.allclose(back[0][:, :2], small[0][:, :2], atol=1e-5)
    flipped = on_window.copy()
    flipped[:, 0] = 1.0 - flipped[:, 0]
    mirrored = _in_frame((flipped, small[1], small[2]), window, (500, 1000, 3), mirrored=True)
    assert mirrored is not None and np.allclose(1.0 - mirrored[0][:, 0], small[0][:, 0], atol=1e-5)
