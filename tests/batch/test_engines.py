"""The local process pool and Ray (a local instance) give the same batch, file for file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq

from actiondiff.batch import read_manifest, run_batch
from actiondiff.config import Config
from tests.batch.conftest import timeless

MANIFEST = """action: squat
pairs:
  - {a: person.mp4, b: two.mp4, differences: [the squat is deeper, the arms are raised higher]}
  - {a: two.mp4, b: person.mp4, open: 2}
  - {a: person.mp4, b: empty.mp4, open: 2}
"""


def test_ray_gives_the_local_pools_outputs(tmp_path: Path, scenes: dict[str, Path]) -> None:
    shutil.copy(scenes["person"], tmp_path / "person.mp4")
    shutil.copy(scenes["two_people"], tmp_path / "two.mp4")
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "manifest.yaml").write_text(MANIFEST)
    pairs = read_manifest(tmp_path / "manifest.yaml")
    # each engine poses afresh in its own cache
    pool = run_batch(pairs, tmp_path / "pool", Config(cache_dir=tmp_path / "pool-cache"), workers=2)
    ray = run_batch(
        pairs, tmp_path / "ray", Config(cache_dir=tmp_path / "ray-cache"), engine="ray", workers=2
    )
    assert [o["status"] for o in pool.outputs] == ["ok", "ok", "failed"]
    assert ray.outputs == pool.outputs and ray.summary == pool.summary
    for name in ("table.csv", "summary.json", "summary.md", "index.html"):
        assert (tmp_path / "ray" / name).read_text() == (tmp_path / "pool" / name).read_text(), name
    assert pq.read_table(tmp_path / "ray" / "table.parquet").equals(
        pq.read_table(tmp_path / "pool" / "table.parquet")
    )
    for pair in pairs[:2]:
        ours, theirs = (tmp_path / engine / "pairs" / pair.name for engine in ("ray", "pool"))
        assert (ours / "thumb.jpg").read_bytes() == (theirs / "thumb.jpg").read_bytes()
        assert timeless((ours / "report.html").read_text()) == timeless((theirs / "report.html").read_text())
