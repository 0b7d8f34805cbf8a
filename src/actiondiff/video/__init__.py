"""Stage 1 of the data flow: decode videos and sample the frames later stages look at."""

from actiondiff.video.reader import (
    Frame,
    Sampling,
    check_performance,
    decode_pass,
    probe,
    read_frames,
    sample_frames,
)
from actiondiff.video.writer import file_digest, write_video

__all__ = [
    "Frame",
    "Sampling",
    "check_performance",
    "decode_pass",
    "file_digest",
    "probe",
    "read_frames",
    "sample_frames",
    "write_video",
]
