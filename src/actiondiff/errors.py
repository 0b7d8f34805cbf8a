"""One small exception hierarchy; every error names what it concerns and why it failed.

The CLI maps each class to a documented exit code so scripts can branch on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError


class ActionDiffError(Exception):
    """Base class of every error actiondiff raises on purpose."""

    exit_code = 1

    def __init__(self, subject: str | Path, cause: str) -> None:
        self.subject = str(subject)
        self.cause = cause
        super().__init__(f"{self.subject}: {cause}")


class InputError(ActionDiffError):
    """A user-supplied argument or file is unusable (exit code 3)."""

    exit_code = 3


class VideoError(InputError):
    """A video file is missing, unreadable, empty or undecodable (exit code 3)."""


class DatasetError(InputError):
    """A dataset, pair description or difference file is malformed (exit code 3)."""


class BackendError(ActionDiffError):
    """A model backend failed or answered outside its contract (exit code 4)."""

    exit_code = 4


class OutputError(ActionDiffError):
    """A result could not be written (exit code 5)."""

    exit_code = 5


def describe_validation_error(exc: ValidationError, *within: str) -> str:
    """A model validation failure in plain words: the first bad field, dotted, and what is wrong.

    `within` prefixes the field path (e.g. "keyframes"); pydantic's links and input dumps are left out.
    """
    return describe_error(exc.errors()[0], *within)


def describe_error(error: Mapping[str, Any], *within: str) -> str:
    """One entry of a validation error list (pydantic's or FastAPI's) as `field <dotted.path>: <msg>`."""
    field = ".".join([*within, *(str(part) for part in error["loc"])])
    return f"field {field}: {error['msg']}" if field else str(error["msg"])
