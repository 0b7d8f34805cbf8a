"""The real corpus of other people (data/corpus/): the manifest is whole, its pairs name known clips and
cases, and the one clip CI has (sports2d's BSD-3 demo, cached by the dev set-up) is the one described.
The other clips are not in git; benchmarks/bench_people.py compares them where they have been fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff.eval.invariance import START, case_named
from actiondiff.eval.people import constructed_truth, load_corpus, missing_clips
from actiondiff.video.reader import probe
from tests.conftest import REPO

CORPUS = REPO / "data" / "corpus"


def test_the_manifest_names_where_every_clip_comes_from() -> None:
    corpus = load_corpus(CORPUS)
    ids = [c.id for c in corpus.clips]
    assert len(ids) == len(set(ids))
    for clip in corpus.clips:
        source = clip.source
        assert (source.repository and source.commit and len(source.commit) == 40) or source.package, clip.id
    people = {person.split()[0] for c in corpus.clips for person in c.person.split(" and ")}
    actions = {c.action for c in corpus.clips}
    assert len(corpus.clips) >= 16 and len(people) >= 8 and len(actions) >= 4, (len(people), actions)


def test_a_missing_clip_is_reported_with_its_provenance(tmp_path: Path) -> None:
    corpus = load_corpus(CORPUS)
    clip = next(c for c in corpus.clips if c.source.repository)
    (absent,) = missing_clips(corpus, [clip.id], tmp_path)
    assert clip.source.commit is not None and clip.source.commit in absent.source.describe()


@pytest.mark.parametrize(("lead_in_s", "start"), [(0.0, "C"), (0.2, None), (1.5, "B")])
def test_a_slowed_copy_starts_later_by_its_grown_lead_in(lead_in_s: float, start: str | None) -> None:
    clip = load_corpus(CORPUS).clips[0].model_copy(update={"lead_in_s": lead_in_s})
    truth = constructed_truth(case_named("slowed x2"), clip)
    assert truth.get(START) == start
    assert constructed_truth(case_named("mirror"), clip)[START] == "C"


@pytest.mark.real
def test_the_clip_a_wheel_ships_is_cached_as_described() -> None:
    corpus = load_corpus(CORPUS)
    (clip,) = [c for c in corpus.clips if c.committed_in_ci]
    info = probe(clip.original(Path("unused: a wheel's clip lives in the real-clips cache")))
    assert (info.width, info.height, round(info.fps)) == (1768, 994, 30)
    assert 7.0 < info.duration_s < 8.0
