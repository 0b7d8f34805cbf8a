"""What a person asks a comparison for, checked once for every surface (command line, web app).

A request names the action and either statements to decide (closed mode) or how many
differences to find (open mode). With neither there is nothing to decide, and that is said in
the same words everywhere; each surface only adds how *it* takes statements or N.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from actiondiff.errors import InputError
from actiondiff.models import MAX_ACTION_CHARS

NOTHING_TO_DECIDE = (
    "nothing to decide: closed mode needs statements to check, open mode a number of differences to find"
)
"""The refusal of a request without statements and without N (the surface says how to give them)."""


@dataclass(frozen=True)
class CompareRequest:
    """What `compare()` gets for one request: the action and either statements or N."""

    action: str
    differences: list[str] | None
    n_open: int | None

    @property
    def mode(self) -> Literal["closed", "open"]:
        return "closed" if self.differences is not None else "open"


def check_action(action: str) -> str:
    """The action name if it has 1 to `MAX_ACTION_CHARS` characters (not only spaces)."""
    if not action.strip() or len(action) > MAX_ACTION_CHARS:
        raise InputError(
            "action",
            f"name the action in 1 to {MAX_ACTION_CHARS} characters, e.g. 'squat' (got {len(action)})",
        )
    return action


def clean_statements(statements: Iterable[str]) -> list[str]:
    """The statements stripped, blank ones dropped and exact repeats kept once, in their order."""
    return list(dict.fromkeys(text.strip() for text in statements if text.strip()))


def compare_request(
    action: str, statements: Iterable[str] | None, n_open: int | None, *, how: str
) -> CompareRequest:
    """Turn what a person gave into what `compare()` gets, or raise `InputError` saying why not.

    `statements` (closed mode) are cleaned as `clean_statements` does; none left and no `n_open`
    (open mode) is "nothing to decide", both at once is refused too. `how` is the surface's own
    instruction, e.g. "give statements (--difference) or --open N", added to those refusals.
    """
    action = check_action(action.strip())
    differences = clean_statements(statements or [])
    if differences and n_open is not None:
        raise InputError("compare", f"closed and open mode at once: {how}, not both")
    if not differences and n_open is None:
        raise InputError("compare", f"{NOTHING_TO_DECIDE}; {how}")
    if n_open is not None and n_open < 1:
        raise InputError("compare", f"open mode needs a number of differences of at least 1, got {n_open}")
    return CompareRequest(action=action, differences=differences or None, n_open=n_open)


def parse_point(text: str, source: str) -> tuple[float, float] | None:
    """A point picked on a video's first frame, written "x,y" (fractions of its width and height, 0 to
    1); None for an empty text. `source` names the option or field in the refusal."""
    if not text.strip():
        return None
    parts = text.split(",")
    try:
        x, y = (float(part) for part in parts)
    except ValueError:
        x = y = float("nan")
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise InputError(
            source,
            f"give the performer as x,y with each from 0 to 1 (fractions of the first frame's width and "
            f"height, e.g. 0.4,0.6), got '{text}'",
        )
    return x, y
