"""Batch comparison: many pairs from a manifest or a folder against a reference, posed once per video,
compared on all cores or a Ray cluster, resumable, summarised as a table, an index and statement counts."""

from actiondiff.batch.manifest import Defaults, PairSpec, read_manifest, reference_pairs
from actiondiff.batch.run import BatchOutcome, run_batch

__all__ = ["BatchOutcome", "Defaults", "PairSpec", "read_manifest", "reference_pairs", "run_batch"]
