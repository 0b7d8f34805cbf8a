"""Identity over time and the main-performer figures, on landmark sets placed by hand."""

from __future__ import annotations

import numpy as np

from actiondiff.pose.people import Landmarks, distinct, link, masked, seen


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
