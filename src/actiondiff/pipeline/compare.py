"""`compare()`: the VidDiff method end to end, with kinematics as evidence.

propose (plan) -> pose + kinematic features of both videos -> localize sub-actions in A and B
-> time-align A to B -> per difference: measure and/or ask the VLM on the localized frames ->
a `ComparisonResult` holding plan, spans, frames used, verdicts with evidence, backends, usage.
Annotated `KeyFrames` replace the localizer (the oracle of VidDiff table 5).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from actiondiff.backends import (
    ChatModel,
    LazySentenceEmbedder,
    UsageMeter,
    resolve_chat,
    resolve_frame_embedder,
)
from actiondiff.config import Config
from actiondiff.errors import InputError
from actiondiff.kinematics import KinematicFeatures, compute_features
from actiondiff.kinematics.align import align
from actiondiff.kinematics.measure import measure_readings
from actiondiff.kinematics.phases import phase_spans
from actiondiff.kinematics.quantities import Reading, match_rules
from actiondiff.knowledge import find_action
from actiondiff.models import (
    ComparisonResult,
    Difference,
    Evidence,
    KeyFrames,
    KeyFrameSpan,
    PoseTrack,
    SubAction,
    SubActionSpan,
    VideoInfo,
    VideoPair,
)
from actiondiff.pipeline.differ import VideoFrames, ask_vlm
from actiondiff.pipeline.fusion import decide
from actiondiff.pipeline.localize import (
    Localization,
    localization_from_spans,
    localize_with_embedder,
    uniform_localization,
)
from actiondiff.pipeline.propose import propose
from actiondiff.pipeline.request import check_action
from actiondiff.pose import extract_pose, pose_sampling
from actiondiff.video import Sampling, probe, read_frames, sample_frames

Progress = Callable[[str], None]
ORACLE = "oracle"


def localizer_fps(action: str, config: Config) -> float:
    """4-6 fps for short actions, 2 fps for long ones (music, surgery), as in VidDiff §6.1."""
    entry = find_action(action)
    return (
        config.compare.fps_long
        if entry is not None and entry.duration == "long"
        else config.compare.fps_short
    )


def _localize(
    video: Path,
    track: PoseTrack,
    features: KinematicFeatures,
    plan_sub_actions: Sequence[SubAction],
    action: str,
    config: Config,
    embedder_spec: str,
) -> tuple[Localization, dict[int, np.ndarray] | None]:
    """Sub-action labels of one video's sampled frames, and the decoded pixels when it decoded them."""
    sub_actions = [s.name for s in plan_sub_actions]
    embedder = resolve_frame_embedder(embedder_spec, config)
    if embedder is not None:
        frames = read_frames(
            video, Sampling(fps=localizer_fps(action, config), max_side=config.pose.max_side)
        )
        localization = localize_with_embedder(
            embedder,
            [f.sample for f in frames],
            [f.image for f in frames],
            plan_sub_actions,
            config.compare.localizer,
            config.compare.seed,
        )
        return localization, {row: f.image for row, f in enumerate(frames)}
    spans = phase_spans(features, sub_actions, action)
    if spans is None:
        return uniform_localization(track.frames, sub_actions), None
    return localization_from_spans(track.frames, spans, sub_actions, "kinematic phases"), None


def _pixels(
    video: Path, info: VideoInfo, localization: Localization, rows: set[int], config: Config
) -> dict[int, np.ndarray]:
    """Decoded images of these rows of a localization's (pose-sampled) frames, for the VLM; one pass,
    holding only the rows asked for."""
    wanted = {localization.frames[row].index: row for row in rows}
    return {
        wanted[f.sample.index]: f.image
        for f in sample_frames(video, pose_sampling(config), info)
        if f.sample.index in wanted
    }


def _frames_at(video: Path, info: VideoInfo, indices: Sequence[int], config: Config) -> VideoFrames:
    """The decoded frames with exactly these video frame indices (one decoding pass over their range)."""
    wanted = sorted(set(indices))
    window = Sampling(
        fps=info.fps,
        start_s=max(0.0, (wanted[0] - 0.5) / info.fps),
        end_s=(wanted[-1] + 1.5) / info.fps,
        max_side=config.pose.max_side,
    )
    found = {f.sample.index: f for f in sample_frames(video, window, info) if f.sample.index in wanted}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise InputError(video, f"annotated key frame(s) {missing[:5]} could not be decoded")
    frames = [found[i] for i in wanted]
    return VideoFrames("A", [f.sample for f in frames], {row: f.image for row, f in enumerate(frames)})


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


def _will_embed(action: str, differences: Sequence[str] | None, llm: ChatModel | None) -> bool:
    """Whether this run needs the sentence embedder: open mode dedupes, the library links given
    statements, and statements no rule maps to a quantity are matched by embedding."""
    if differences is None or (llm is None and find_action(action) is not None):
        return True
    return any(match_rules(text) is None for text in differences)


def compare(
    a: str | Path,
    b: str | Path,
    *,
    action: str,
    differences: Sequence[str] | None = None,
    n_open: int | None = None,
    config: Config | None = None,
    description: str = "",
    progress: Progress | None = None,
    keyframes: KeyFrames | None = None,
) -> ComparisonResult:
    """Compare two videos of `action`: closed mode with `differences`, open mode with `n_open`.

    Every statement gets a verdict A / B / C with confidence and evidence, or label None with the
    reason it could not be decided (a failed model request included). Backends come from
    `config.backends`. Raises `InputError` for an unusable action name or a video in which
    nobody is visible.

    `keyframes` (annotated, see `models.KeyFrames`) replace the localizer: the VLM is shown exactly
    a difference's annotated frames, the measurement reads the annotated spans, and
    `backends["localizer"]` is "oracle". Parts without annotations are localized as usual.
    """
    check_action(action)
    config = config or Config()
    say = progress or (lambda _step: None)
    a, b = Path(a), Path(b)
    video_a, video_b = probe(a), probe(b)
    if keyframes is not None:
        keys = [str(n) for n in range(len(differences))] if differences is not None else None
        _check_keyframes(keyframes, keys, video_a, video_b)
    settings = config.backends
    meter = UsageMeter()
    llm = resolve_chat(settings.llm, config, meter)
    vlm: ChatModel | None = resolve_chat(settings.vlm, config, meter)
    # the embedder loads (seconds) and both videos' pose runs while the proposer plans
    embedder = LazySentenceEmbedder(settings.sentence, config, prefetch=_will_embed(action, differences, llm))
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pose")
    try:
        poses = [pool.submit(extract_pose, video, config) for video in (a, b)]
        say("proposing differences")
        plan, proposer = propose(
            action,
            differences=differences,
            n_open=n_open,
            llm=llm,
            embedder=embedder,
            description=description,
        )
        say("pose of video A")
        pose_a = poses[0].result()
        say("pose of video B")
        pose_b = poses[1].result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    names = [s.name for s in plan.sub_actions]
    for video, track in ((a, pose_a), (b, pose_b)):
        if not track.detected.any():
            raise InputError(
                video,
                f"nobody was detected in any of its {len(track.frames)} sampled frames: nothing to compare",
            )
    features_a, features_b = compute_features(pose_a), compute_features(pose_b)

    say("localizing sub-actions")
    localized: list[tuple[Localization, dict[int, np.ndarray] | None, list[SubActionSpan]]] = []
    for video, info, track, features, side in (
        (a, video_a, pose_a, features_a, "a"),
        (b, video_b, pose_b, features_b, "b"),
    ):
        annotated = _annotated_spans(getattr(keyframes.spans, side), info) if keyframes else []
        if annotated:
            extra = [s.sub_action for s in annotated if s.sub_action not in names]
            local = localization_from_spans(track.frames, annotated, [*names, *dict.fromkeys(extra)], ORACLE)
            localized.append((local, None, annotated))
        else:
            local, pixels = _localize(
                video, track, features, plan.sub_actions, plan.action, config, settings.frame
            )
            localized.append((local, pixels, local.spans))
    (local_a, pixels_a, spans_a), (local_b, pixels_b, spans_b) = localized
    alignment = align(features_a, features_b, spans_a=spans_a, spans_b=spans_b)
    oracle_frames = keyframes.differences if keyframes is not None and vlm is not None else {}
    count = config.compare.frames_per_difference
    if vlm is not None:
        asked = [d.sub_actions for d in plan.differences if d.key not in oracle_frames]
        rows_shown_a = {row for wanted in asked for row in local_a.rows_for(wanted, count)}
        rows_shown_b = {row for wanted in asked for row in local_b.rows_for(wanted, count)}
        pixels_a = pixels_a or _pixels(a, video_a, local_a, rows_shown_a, config)
        pixels_b = pixels_b or _pixels(b, video_b, local_b, rows_shown_b, config)
    if oracle_frames:
        key_a = _frames_at(a, video_a, [i for p in oracle_frames.values() for i in p.a], config)
        key_b = _frames_at(b, video_b, [i for p in oracle_frames.values() for i in p.b], config)
    reading_a = Reading.of(features_a, plan.action, spans_a, spans_first=local_a.method == ORACLE)
    reading_b = Reading.of(features_b, plan.action, spans_b, spans_first=local_b.method == ORACLE)

    verdicts: list[Difference] = []
    for difference in plan.differences:
        say(f"deciding: {difference.text}")
        evidence: list[Evidence] = []
        measured = measure_readings(difference.text, reading_a, reading_b, embedder)
        if measured is not None:
            evidence.append(measured)
        if vlm is not None and difference.key in oracle_frames:
            wanted = oracle_frames[difference.key]
            rows_a = [[f.index for f in key_a.frames].index(i) for i in wanted.a]
            rows_b = [[f.index for f in key_b.frames].index(i) for i in wanted.b]
            shown_b = VideoFrames("B", key_b.frames, key_b.images)
            evidence.append(ask_vlm(vlm, plan.action, difference.text, key_a, rows_a, shown_b, rows_b))
        elif vlm is not None and pixels_a is not None and pixels_b is not None:
            rows_a = [r for r in local_a.rows_for(difference.sub_actions, count) if r in pixels_a]
            rows_b = [r for r in local_b.rows_for(difference.sub_actions, count) if r in pixels_b]
            shown_a = VideoFrames("A", local_a.frames, pixels_a)
            shown_b = VideoFrames("B", local_b.frames, pixels_b)
            evidence.append(ask_vlm(vlm, plan.action, difference.text, shown_a, rows_a, shown_b, rows_b))
        verdicts.append(decide(difference, evidence, vlm_configured=vlm is not None))

    return ComparisonResult(
        pair=VideoPair(a=a, b=b, action=action, action_description=description or plan.description),
        video_a=video_a,
        video_b=video_b,
        mode="closed" if differences is not None else "open",
        plan=plan,
        spans_a=spans_a,
        spans_b=spans_b,
        differences=verdicts,
        alignment=alignment,
        curves_a=features_a.curves(),
        curves_b=features_b.curves(),
        pose_a=pose_a,
        pose_b=pose_b,
        backends={
            "proposer": proposer,
            "localizer": ORACLE if keyframes is not None else local_a.method,
            "differencer": vlm.name if vlm is not None else "kinematics",
            "sentence_embedder": embedder.name,
            "pose": pose_a.model,
        },
        usage=meter.as_dict(),
    )
