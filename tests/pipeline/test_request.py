"""The one rule for what a comparison request means, shared by `actiondiff compare` and the web app."""

from __future__ import annotations

import pytest

from actiondiff.errors import InputError
from actiondiff.pipeline.request import NOTHING_TO_DECIDE, CompareRequest, compare_request, parse_point

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


@pytest.mark.parametrize(("text", "point"), [("0.4,0.6", (0.4, 0.6)), (" 1, 0 ", (1.0, 0.0)), ("  ", None)])
def test_a_picked_point_is_two_fractions(text: str, point: tuple[float, float] | None) -> None:
    assert parse_point(text, "--performer") == point


@pytest.mark.parametrize("text", ["0.4", "0.4,0.6,1", "x,y", "1.2,0.5", "-0.1,0.5", "nan,0.5"])
def test_a_point_outside_the_frame_is_refused_naming_the_option(text: str) -> None:
    with pytest.raises(InputError, match=r"--performer-b: give the performer as x,y with each from 0 to 1"):
        parse_point(text, "--performer-b")
