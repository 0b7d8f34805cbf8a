"""The page's comparison form as a FastAPI form model, with the web app's own bounds on it.

What a request means (action name, statements or N, "nothing to decide") is decided by
`actiondiff.pipeline.request`, as for the command line; this model only reads the multipart
form, bounds what a network client can send, and says what is wrong in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from fastapi import UploadFile
from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError
from starlette.datastructures import UploadFile as ReceivedFile

from actiondiff.errors import InputError, describe_error
from actiondiff.pipeline.request import CompareRequest, clean_statements, compare_request, parse_point

MAX_STATEMENTS = 50
MAX_STATEMENT_CHARS = 300
MAX_OPEN = 50
HOW = "pick or type at least one statement, or choose open mode"
"""How the page takes statements or N, added to the core's refusals."""
NO_N = f"type how many differences to find, a whole number from 1 to {MAX_OPEN}"
"""The refusal of open mode chosen with its number left empty."""
FIELD_NAMES = {
    "n_open": "Number of differences to find",
    "differences": "Statements",
    "action": "Action",
    "mode": "Mode",
    "sample": "Sample pair",
    "video_a": "Video A",
    "video_b": "Video B",
}
"""The form's fields as the page labels them, for its error messages."""


class JobForm(BaseModel):
    """`POST /api/jobs`: the action, the mode with its statements or N, and a sample or two videos."""

    action: str = Field(default="", description="The action both videos show [default: the sample's].")
    mode: Literal["closed", "open"] = "closed"
    differences: str = Field(default="", description="Closed mode: the statements, one per line.")
    n_open: int | None = Field(default=None, description=f"Open mode: find at most N (1 to {MAX_OPEN}).")
    sample: str = Field(default="", description="A sample pair's name, instead of two uploads.")
    video_a: UploadFile | None = None
    video_b: UploadFile | None = None
    performer_a: str = Field(
        default="",
        description="A's athlete: a point x,y on its first frame (fractions, 0 to 1); empty: chosen.",
    )
    performer_b: str = Field(default="", description="B's athlete, as performer_a.")

    @field_validator("action", "mode", "differences", "sample", "performer_a", "performer_b", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        if isinstance(value, ReceivedFile):
            raise PydanticCustomError("text_field", "expected a text field, got a file")
        return value

    @field_validator("differences")
    @classmethod
    def _bounded(cls, text: str) -> str:
        statements = clean_statements(text.splitlines())
        if len(statements) > MAX_STATEMENTS:
            raise PydanticCustomError(
                "too_many", "at most {limit} statements, got {count}",
                {"limit": MAX_STATEMENTS, "count": len(statements)},
            )  # fmt: skip
        if too_long := [s for s in statements if len(s) > MAX_STATEMENT_CHARS]:
            raise PydanticCustomError(
                "too_long", "a statement is longer than {limit} characters: {start}...",
                {"limit": MAX_STATEMENT_CHARS, "start": too_long[0][:40]},
            )  # fmt: skip
        return text

    @field_validator("performer_a", "performer_b")
    @classmethod
    def _point(cls, text: str) -> str:
        try:
            parse_point(text, "performer")
        except InputError as exc:
            raise PydanticCustomError("point", "{problem}", {"problem": exc.cause}) from exc
        return text

    @property
    def performers(self) -> tuple[tuple[float, float] | None, tuple[float, float] | None]:
        """The points picked on A's and B's first frames (None where none was)."""
        return parse_point(self.performer_a, "performer_a"), parse_point(self.performer_b, "performer_b")

    @field_validator("n_open", mode="before")
    @classmethod
    def _whole_number(cls, value: object) -> object:
        if value is None or value == "":
            return None
        try:
            number = int(str(value))
        except ValueError:
            number = 0
        if not 1 <= number <= MAX_OPEN:
            raise PydanticCustomError(
                "n_open", "type a whole number from 1 to {limit} (got '{value}')",
                {"limit": MAX_OPEN, "value": str(value)},
            )  # fmt: skip
        return number

    def request(self, action: str) -> CompareRequest:
        """What `compare()` gets: the statements in closed mode, N in open mode (the other is ignored)."""
        closed = self.mode == "closed"
        if not closed and self.n_open is None:
            raise InputError("Open mode", NO_N)
        return compare_request(
            action,
            self.differences.splitlines() if closed else None,
            None if closed else self.n_open,
            how=HOW,
        )


def describe_form_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    """The first problem of a form that failed validation, as `<the field's label>: <what is wrong>`
    (`field <name>: ...` for a field the page does not show)."""
    error = errors[0]
    loc = tuple(error.get("loc", ()))
    loc = loc[1:] if loc[:1] == ("body",) else loc
    if len(loc) == 1 and str(loc[0]) in FIELD_NAMES:
        return f"{FIELD_NAMES[str(loc[0])]}: {error['msg']}"
    return describe_error({**error, "loc": loc})
