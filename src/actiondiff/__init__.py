"""actiondiff: compare two videos of the same action and say how the performances differ."""

from typing import Any

from actiondiff.errors import ActionDiffError, BackendError, DatasetError, InputError, OutputError, VideoError

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`actiondiff.compare` loads the pipeline (pose, models) only when first used."""
    if name == "compare":
        from actiondiff.pipeline import compare

        return compare
    raise AttributeError(f"module 'actiondiff' has no attribute {name!r}")


__all__ = [
    "ActionDiffError",
    "BackendError",
    "DatasetError",
    "InputError",
    "OutputError",
    "VideoError",
    "__version__",
    "compare",
]
