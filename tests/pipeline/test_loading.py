"""Nothing loaded that a job does not need: light imports, the sentence embedder only when a statement
needs it, and one stream of frames fanned out to the pose model's threads."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from actiondiff.knowledge import resolve_profile
from actiondiff.pipeline.compare import embedded_statements
from actiondiff.threads import fan_out

HEAVY = ("scipy", "cv2", "av", "matplotlib", "torch", "mediapipe")


@pytest.mark.parametrize("module", ["actiondiff.kinematics", "actiondiff.cli"])
def test_importing_loads_no_heavy_library(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_pose_model_loads_without_mediapipes_other_solutions_plotting_or_opencv() -> None:
    code = (
        "import sys; from actiondiff.pose.estimator import _load_solution; _load_solution(); "
        "print(sorted(m for m in ('cv2', 'matplotlib', 'sounddevice') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_only_statements_no_rule_or_wording_links_are_embedded() -> None:
    squat = resolve_profile("squat")
    worded = ["the squat is deeper", "the stance is wider"]  # the library's own statements
    ruled = ["A squats deeper"]  # not the library's wording, but a rule finds its quantity
    unmatched = ["the athlete smiles more"]
    assert embedded_statements(squat, worded + ruled, llm=None) == []
    assert embedded_statements(squat, worded + unmatched, llm=None) == unmatched
    assert embedded_statements(squat, None, llm=None) == []  # open mode: every squat candidate is linked


def test_fan_out_gives_every_consumer_every_item_in_order() -> None:
    def total(items: Iterator[int]) -> list[int]:
        return list(items)

    assert fan_out(range(50), [total, total], ahead=2) == [list(range(50))] * 2


def test_fan_out_raises_a_consumers_error_and_a_producers() -> None:
    def fails(items: Iterator[int]) -> int:
        for item in items:
            if item == 3:
                raise ValueError("consumer failed")
        return 0

    with pytest.raises(ValueError, match="consumer failed"):
        fan_out(range(100), [fails, sum], ahead=2)

    def broken() -> Iterator[int]:
        yield 1
        raise OSError("producer failed")

    with pytest.raises(OSError, match="producer failed"):
        fan_out(broken(), [sum])
