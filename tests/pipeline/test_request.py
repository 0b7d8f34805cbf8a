"""The one rule for what a comparison request means, shared by `actiondiff compare` and the web app."""

from __future__ import annotations

import pytest

from actiondiff.errors import InputError
from actiondiff.pipeline.request import NOTHING_TO_DECIDE, CompareRequest, compare_request

HOW = "give statements or N"


def test_statements_make_a_closed_request_cleaned_in_order() -> None:
    request = compare_request(
        " squat ",
        ["the squat is deeper", "  ", " the stance is wider ", "the squat is deeper"],
        None,
        how=HOW,
    )
    assert request == CompareRequest("squat", ["the squat is deeper", "the stance is wider"], None)
    assert request.mode == "closed"


def test_a_number_makes_an_open_request() -> None:
    request = compare_request("squat", None, 3, how=HOW)
    assert request == CompareRequest("squat", None, 3) and request.mode == "open"


@pytest.mark.parametrize("statements", [None, [], ["", "   "]])
def test_without_statements_or_a_number_there_is_nothing_to_decide(statements: list[str] | None) -> None:
    """Also for an action of the library: its statements are not taken in silently."""
    with pytest.raises(InputError, match=NOTHING_TO_DECIDE) as caught:
        compare_request("squat", statements, None, how=HOW)
    assert caught.value.exit_code == 3 and str(caught.value).endswith(f"; {HOW}")


def test_statements_and_a_number_at_once_are_refused() -> None:
    with pytest.raises(InputError, match=f"{HOW}, not both"):
        compare_request("squat", ["the squat is deeper"], 3, how=HOW)


@pytest.mark.parametrize("n_open", [0, -2])
def test_open_mode_needs_at_least_one_difference(n_open: int) -> None:
    with pytest.raises(InputError, match="at least 1"):
        compare_request("squat", None, n_open, how=HOW)


@pytest.mark.parametrize("action", ["", "   ", "squat " * 100])
def test_the_action_is_named_in_1_to_200_characters(action: str) -> None:
    with pytest.raises(InputError, match="name the action in 1 to 200 characters"):
        compare_request(action, ["the squat is deeper"], None, how=HOW)
