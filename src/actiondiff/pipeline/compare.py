"""`compare()`: the VidDiff method end to end, with kinematics as evidence.

propose (plan) -> pose + kinematic features of both videos -> localize sub-actions in A and B
-> time-align A to B -> per difference: measure and/or ask the VLM on the localized frames ->
a `ComparisonResult` holding plan, spans, frames used, verdicts with evidence, backends, usage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from actiondiff.backends import (
    ChatModel,
    UsageMeter,
    resolve_chat,
    resolve_frame_embedder,
    resolve_sentence_embedder,
)
from actiondiff.config import Config
from actiondiff.errors import InputError
from actiondiff.kinematics import KinematicFeatures, compute_features
from actiondiff.kinematics.align import align
from actiondiff.kinematics.measure import measure_statement
from actiondiff.kinematics.phases import phase_spans
from actiondiff.knowledge import find_action
from actiondiff.models import (
    ComparisonResult,
    Difference,
    Evidence,
    PoseTrack,
    SubAction,
    TimeAlignment,
    VideoPair,
)
from actiondiff.pipeline.differ import VideoFrames, ask_vlm, decide
from actiondiff.pipeline.localize import (
    Localization,
    localization_from_spans,
    localize_with_embedder,
    uniform_localization,
)
from actiondiff.pipeline.propose import propose
from actiondiff.pose import extract_pose
from actiondiff.video import Sampling, probe, read_frames

Progress = Callable[[str], None]
MAX_ACTION_CHARS = 200


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
    sub_actions: list[str],
    plan_sub_actions: Sequence[SubAction],
    action: str,
    config: Config,
    embedder_spec: str,
) -> tuple[Localization, dict[int, np.ndarray] | None]:
    """Sub-action labels of one video's sampled frames, and the decoded pixels when it decoded them."""
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


def _pixels(video: Path, localization: Localization, config: Config) -> dict[int, np.ndarray]:
    """Decoded images of a localization's sampled frames (by row), for the VLM."""
    frames = read_frames(video, Sampling(fps=config.pose.fps, max_side=config.pose.max_side))
    by_index = {f.sample.index: f.image for f in frames}
    return {row: by_index[s.index] for row, s in enumerate(localization.frames) if s.index in by_index}


def _align(
    features_a: KinematicFeatures, features_b: KinematicFeatures, local_a: Localization, local_b: Localization
) -> TimeAlignment:
    """DTW of A to B anchored at the sub-action starts; unanchored when the anchors leave a block
    that no path within the band can cross (e.g. a very short span against a long one)."""
    try:
        return align(features_a, features_b, spans_a=local_a.spans, spans_b=local_b.spans)
    except InputError:
        return align(features_a, features_b)


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
) -> ComparisonResult:
    """Compare two videos of `action`: closed mode with `differences`, open mode with `n_open`.

    Every statement gets a verdict A / B / C with confidence and evidence, or label None with the
    reason it could not be decided (a failed model request included). Backends come from
    `config.compare.backends`. Raises `InputError` for an unusable action name or a video in which
    nobody is visible.
    """
    if not action.strip() or len(action) > MAX_ACTION_CHARS:
        raise InputError(
            "action",
            f"name the action in 1 to {MAX_ACTION_CHARS} characters, e.g. 'squat' (got {len(action)})",
        )
    config = config or Config()
    say = progress or (lambda _step: None)
    a, b = Path(a), Path(b)
    video_a, video_b = probe(a), probe(b)
    settings = config.compare.backends
    meter = UsageMeter()
    llm = resolve_chat(settings.llm, config, meter)
    vlm: ChatModel | None = resolve_chat(settings.vlm, config, meter)
    embedder = resolve_sentence_embedder(settings.sentence, config)

    say("proposing differences")
    plan, proposer = propose(
        action, differences=differences, n_open=n_open, llm=llm, embedder=embedder, description=description
    )
    names = [s.name for s in plan.sub_actions]

    say("pose of video A")
    pose_a = extract_pose(a, config)
    say("pose of video B")
    pose_b = extract_pose(b, config)
    for video, track in ((a, pose_a), (b, pose_b)):
        if not track.detected.any():
            raise InputError(
                video,
                f"nobody was detected in any of its {len(track.frames)} sampled frames: nothing to compare",
            )
    features_a, features_b = compute_features(pose_a), compute_features(pose_b)

    say("localizing sub-actions")
    local_a, pixels_a = _localize(
        a, pose_a, features_a, names, plan.sub_actions, plan.action, config, settings.frame
    )
    local_b, pixels_b = _localize(
        b, pose_b, features_b, names, plan.sub_actions, plan.action, config, settings.frame
    )
    spans_a, spans_b = local_a.spans, local_b.spans
    alignment = _align(features_a, features_b, local_a, local_b)
    if vlm is not None:
        pixels_a = pixels_a or _pixels(a, local_a, config)
        pixels_b = pixels_b or _pixels(b, local_b, config)

    verdicts: list[Difference] = []
    for difference in plan.differences:
        say(f"deciding: {difference.text}")
        evidence: list[Evidence] = []
        measured = measure_statement(
            difference.text, features_a, features_b, spans_a, spans_b, embedder=embedder, action=plan.action
        )
        if measured is not None:
            evidence.append(measured)
        if vlm is not None and pixels_a is not None and pixels_b is not None:
            count = config.compare.frames_per_difference
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
            "localizer": local_a.method,
            "differencer": vlm.name if vlm is not None else "kinematics",
            "sentence_embedder": embedder.name,
            "pose": pose_a.model,
        },
        usage=meter.as_dict(),
    )
