"""actiondiff: compare two videos of the same action and say how the performances differ."""

from actiondiff.errors import ActionDiffError, BackendError, DatasetError, InputError, OutputError, VideoError

__version__ = "0.1.0"

__all__ = [
    "ActionDiffError",
    "BackendError",
    "DatasetError",
    "InputError",
    "OutputError",
    "VideoError",
    "__version__",
]
