"""Fixtures of the batch tests: a season of real clips (three of them broken) and a manifest over them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from actiondiff.batch import BatchOutcome, PairSpec, read_manifest, run_batch
from actiondiff.config import Config
from tests.reliability.conftest import person_photo, scenes

__all__ = ["person_photo", "scenes"]

STATEMENTS = ["the squat is deeper", "the stance is wider"]
MANIFEST = """a,b,action,statements,open,name
clips/ref.mp4,clips/b.mp4,squat,statements.txt,,deep
clips/b.mp4,clips/ref-copy.mp4,squat,,3,
clips/ref.mp4,clips/person.mp4,squat,statements.txt,,
clips/ref.mp4,clips/empty.mp4,squat,statements.txt,,
clips/notes.mp4,clips/b.mp4,squat,,2,
clips/person.mp4,clips/nobody.mp4,squat,statements.txt,,
"""
BROKEN = {
    "004-ref-vs-empty": "the file is empty",
    "005-notes-vs-b": "not a readable video",
    "006-person-vs-nobody": "nobody was detected",
}


def timeless(report: str) -> str:
    """A pair's report without the minute it was compared at (a re-run may fall in the next one)."""
    return re.sub(r"<dt>Compared</dt><dd>[^<]*</dd>", "", report)


def write_season(folder: Path, squat_pair: Path, scenes: dict[str, Path]) -> Path:
    """Clips (the bundled squat pair, one of them twice under two names, the photographed person,
    an empty file, a text file named .mp4, a video with nobody in it) and a CSV manifest; its path."""
    clips = folder / "clips"
    clips.mkdir(parents=True)
    shutil.copy(squat_pair / "a.mp4", clips / "ref.mp4")
    shutil.copy(squat_pair / "a.mp4", clips / "ref-copy.mp4")
    shutil.copy(squat_pair / "b.mp4", clips / "b.mp4")
    shutil.copy(scenes["person"], clips / "person.mp4")
    shutil.copy(scenes["nobody"], clips / "nobody.mp4")
    (clips / "empty.mp4").write_bytes(b"")
    (clips / "notes.mp4").write_text("notes from the session, not a video\n", encoding="utf-8")
    (folder / "statements.txt").write_text("\n".join(STATEMENTS) + "\n", encoding="utf-8")
    manifest = folder / "manifest.csv"
    manifest.write_text(MANIFEST, encoding="utf-8")
    return manifest


class Season:
    """The season's manifest, its pairs, and one finished batch of it (fresh cache, one process)."""

    def __init__(self, root: Path, squat_pair: Path, scenes: dict[str, Path]) -> None:
        self.manifest = write_season(root / "season", squat_pair, scenes)
        self.pairs: list[PairSpec] = read_manifest(self.manifest)
        self.config = Config(cache_dir=root / "cache")
        self.output = root / "out"
        self.outcome: BatchOutcome = run_batch(self.pairs, self.output, self.config, workers=1)


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory, squat_pair: Path, scenes: dict[str, Path]) -> Season:
    return Season(tmp_path_factory.mktemp("season"), squat_pair, scenes)
