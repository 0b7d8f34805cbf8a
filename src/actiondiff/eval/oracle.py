"""The oracle localizer of VidDiff's table 5: annotated key frames replace the localizer.

The two-video workflow of `pipeline.compare`, with the annotations put in: annotated sub-action
spans replace a video's localization (and are read before the repetitions found), and the vision
model is shown exactly a difference's annotated frames. Parts without annotations are localized
and shown as usual; `backends["localizer"]` is "oracle".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from actiondiff.errors import InputError
from actiondiff.models import (
    ActionPlan,
    ComparisonResult,
    KeyFrames,
    KeyFrameSpan,
    Label,
    SubActionSpan,
    VideoInfo,
)
from actiondiff.pipeline.compare import AlignedPair, Observed, TwoVideoJob
from actiondiff.pipeline.differ import VideoFrames
from actiondiff.pipeline.localize import localization_from_spans
from actiondiff.pipeline.performance import FrameSource, Performance

ORACLE = "oracle"


def compare_with_keyframes(job: TwoVideoJob, keyframes: KeyFrames) -> ComparisonResult:
    """`TwoVideoJob.run` with annotated key frames (see `models.KeyFrames`) in place of the localizer.

    The job comes from `TwoVideoJob.start(a, b, action=..., differences=...)`, as `compare` makes it.
    """
    differences = job.differences
    keys = [str(n) for n in range(len(differences))] if differences is not None else None
    _check_keyframes(keyframes, keys, *job.infos)
    shown_frames = keyframes.differences if job.vlm is not None else {}
    sources = job.frame_sources(
        ([i for p in shown_frames.values() for i in p.a], [i for p in shown_frames.values() for i in p.b])
    )
    plan, proposer, observed = job.plan_and_observe(sources)
    annotated = (keyframes.spans.a, keyframes.spans.b)
    perf_a, perf_b = (
        _performance(job, plan, path, source, seen, _annotated_spans(spans, info))
        for path, source, seen, spans, info in zip(
            job.paths, sources, observed, annotated, job.infos, strict=True
        )
    )
    pair = AlignedPair.of(perf_a, perf_b)
    verdicts = []
    for difference in plan.differences:
        shown = None
        if difference.key in shown_frames:
            wanted = shown_frames[difference.key]
            shown = (*_shown("A", perf_a.frames, wanted.a), *_shown("B", perf_b.frames, wanted.b))
        elif job.vlm is not None:
            shown = job.localized_frames(difference, perf_a, perf_b)
        verdicts.append(job.decide(plan, difference, pair, shown))
    return job.result(plan, proposer, pair, verdicts, ORACLE)


def _performance(
    job: TwoVideoJob, plan: ActionPlan, path: Path, source: FrameSource, observed: Observed,
    annotated: list[SubActionSpan],
) -> Performance:  # fmt: skip
    """One video's performance: annotated spans when it has them, else localized as usual."""
    if not annotated:
        return Performance.of(path, source, observed, job.localize(plan, source, observed), job.profile)
    names = [s.name for s in plan.sub_actions]
    extra = [s.sub_action for s in annotated if s.sub_action not in names]
    local = localization_from_spans(observed[0].frames, annotated, [*names, *dict.fromkeys(extra)], ORACLE)
    return Performance.of(path, source, observed, local, job.profile, spans=annotated)


def _shown(label: Label, source: FrameSource, indices: Sequence[int]) -> tuple[VideoFrames, list[int]]:
    """A difference's annotated frames of one video, as the vision model is shown them."""
    frames = source.frames_at(indices)
    position = {f.sample.index: row for row, f in enumerate(frames)}
    shown = VideoFrames(label, [f.sample for f in frames], {row: f.image for row, f in enumerate(frames)})
    return shown, [position[i] for i in indices]


def _annotated_spans(spans: Sequence[KeyFrameSpan], info: VideoInfo) -> list[SubActionSpan]:
    """Annotated spans in time order, with times, checked against the video's length."""
    last = info.n_frames - 1
    for span in spans:
        if span.end_frame > last:
            raise InputError(
                info.path, f"annotated span {span.sub_action!r} ends at frame {span.end_frame}, after {last}"
            )
    return [
        SubActionSpan(
            sub_action=s.sub_action,
            start_frame=s.start_frame,
            end_frame=s.end_frame,
            start_s=round(s.start_frame / info.fps, 4),
            end_s=round(s.end_frame / info.fps, 4),
        )
        for s in sorted(spans, key=lambda s: s.start_frame)
    ]


def _check_keyframes(keyframes: KeyFrames, keys: Sequence[str] | None, a: VideoInfo, b: VideoInfo) -> None:
    """Per-difference key frames must name given differences and lie inside the videos."""
    for key, pair in keyframes.differences.items():
        if keys is not None and key not in keys:
            raise InputError(
                "key frames", f"difference key {key!r} is not one of the statements {list(keys)}"
            )
        for info, frames in ((a, pair.a), (b, pair.b)):
            if max(frames) >= info.n_frames:
                raise InputError(
                    info.path, f"key frame {max(frames)} of difference {key!r}: the video has {info.n_frames}"
                )
