"""The VidDiff method: propose -> localize (Viterbi) -> differ, orchestrated by `compare`."""

from actiondiff.pipeline.compare import compare

__all__ = ["compare"]
