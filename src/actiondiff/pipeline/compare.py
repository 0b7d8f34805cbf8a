"""`compare()`: the VidDiff method end to end, with kinematics as evidence.

The two-video workflow is one `TwoVideoJob`, whose steps `compare()` runs in order:
resolve the action profile and the models -> propose the plan while both videos' pose runs (each
video decoded once, see `performance.FrameSource`) -> localize sub-actions in A and B -> time-align
A to B -> per difference: measure, and ask the vision model on the localized frames -> a
`ComparisonResult`. The evaluation's oracle localizer (`eval/oracle.py`) runs the same steps with
annotated spans and frames.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Required, TypedDict, Unpack

from actiondiff.backends import (
    ChatModel,
    FrameTextEmbedder,
    LazySentenceEmbedder,
    UsageMeter,
    resolve_chat,
    resolve_frame_embedder,
)
from actiondiff.config import Config
from actiondiff.errors import InputError
from actiondiff.kinematics import KinematicFeatures
from actiondiff.kinematics.align import align
from actiondiff.kinematics.crossing import MatchedPair, matched_readings
from actiondiff.kinematics.events import read_events
from actiondiff.kinematics.measure import Replicas, measure_readings
from actiondiff.kinematics.phases import describe_repetitions, find_repetitions, movement_span, phase_spans
from actiondiff.kinematics.quantities import find_quantity, match_rules
from actiondiff.kinematics.uncertainty import jitter_replicas
from actiondiff.knowledge import ActionProfile, resolve_profile
from actiondiff.knowledge.profile import generic
from actiondiff.models import (
    ActionPlan,
    ComparisonResult,
    Difference,
    Evidence,
    Label,
    ModelCalibration,
    PoseTrack,
    QualityCheck,
    TimeAlignment,
    VideoInfo,
    VideoPair,
)
from actiondiff.pipeline.differ import VideoFrames, ask_vlm
from actiondiff.pipeline.fusion import decide, discovered
from actiondiff.pipeline.gate import gate_difference, quality_check, stand_in_wins, stood_in, view_bounded
from actiondiff.pipeline.localize import (
    Localization,
    localization_from_spans,
    localize_with_embedder,
    uniform_localization,
)
from actiondiff.pipeline.model_calibration import load_model_calibration
from actiondiff.pipeline.performance import FrameSource, Performance, frame_source, observe
from actiondiff.pipeline.propose import library_link, propose
from actiondiff.pipeline.request import check_action
from actiondiff.video import check_performance

Progress = Callable[[str], None]
KINEMATIC_PHASES = "kinematic phases"
ONE_OFF_EVENTS = "one-off events"
"""Localization method: the sub-actions placed at the events of a one-off jump or swing."""
"""The localizer's name when sub-actions come from the phases of each video's own pose."""
Observed = tuple[PoseTrack, KinematicFeatures]


def localizer_fps(profile: ActionProfile, config: Config) -> float:
    """4-6 fps for short actions, 2 fps for long ones (music, surgery), as in VidDiff §6.1."""
    return config.compare.fps_long if profile.duration == "long" else config.compare.fps_short


def embedded_statements(
    profile: ActionProfile,
    differences: Sequence[str] | None,
    llm: ChatModel | None,
    named: Mapping[str, tuple[str, str]] | None = None,
) -> list[str] | None:
    """The statements this run matches by sentence embedding (None: not known before an LLM proposes
    them in open mode): those neither linked to a quantity (by the library, a statements file or a
    rule) nor, offline, to the library's sub-actions by wording or rule."""
    entry = profile.entry if llm is None else None
    own = entry.differences if entry is not None else []
    library = {d.text.strip().lower() for d in own if d.quantity}
    if differences is None:
        if llm is not None:
            return None
        texts = [d.text for d in own]
        return [text for text in texts if text.strip().lower() not in library and match_rules(text) is None]
    quantified = library | {text.strip().lower() for text in named or {}}
    return [
        text
        for text in differences
        if (text.strip().lower() not in quantified and match_rules(text) is None)
        or (entry is not None and library_link(entry, text) is None)
    ]


@dataclass(frozen=True)
class AlignedPair:
    """The two performances, A's time alignment to B, their readings in matched windows, each one's
    jittered replicas (the measurements' uncertainty), and whether their views and pose quality allow
    each quantity to be compared (`gate`)."""

    a: Performance
    b: Performance
    alignment: TimeAlignment
    matched: list[MatchedPair]
    replicas: Replicas
    quality: QualityCheck

    @classmethod
    def of(cls, a: Performance, b: Performance) -> AlignedPair:
        """Align the movements (still lead-ins and tails joined straight, see `align`) and map each
        video's repetitions into the other."""
        spans = a.reading.moving, b.reading.moving
        moving = (spans[0], spans[1]) if spans[0] is not None and spans[1] is not None else None
        # Sub-action starts anchor the path only when they come from annotations or frame embeddings:
        # an even split knows nothing, and phases found in each video's own pose on their own would
        # force the segmentations the alignment is there to reconcile.
        independent = all(
            p.localization.method not in ("uniform", KINEMATIC_PHASES, ONE_OFF_EVENTS) for p in (a, b)
        )
        anchors = (a.spans, b.spans) if independent else ((), ())
        alignment = align(a.features, b.features, spans_a=anchors[0], spans_b=anchors[1], moving=moving)
        matched = matched_readings(a.reading, b.reading, alignment)
        replicas = jitter_replicas(a.reading), jitter_replicas(b.reading)
        return cls(a, b, alignment, matched, replicas, quality_check(a.track, b.track))


Point = tuple[float, float]
Performers = tuple[Point | None, Point | None]
"""Per video (A, B), the point the user picked the main performer by, or None (see `pose.performer`)."""


class JobOptions(TypedDict, total=False):
    """What a comparison is asked to do (see `compare`)."""

    action: Required[str]
    differences: Sequence[str] | None
    named: Mapping[str, tuple[str, str]] | None
    n_open: int | None
    config: Config | None
    description: str
    progress: Progress | None
    performers: Performers


@dataclass
class TwoVideoJob:
    """One comparison of two videos: its inputs, action profile, models and frame sources."""

    paths: tuple[Path, Path]
    infos: tuple[VideoInfo, VideoInfo]
    action: str
    description: str
    differences: Sequence[str] | None
    named: Mapping[str, tuple[str, str]] | None
    n_open: int | None
    config: Config
    profile: ActionProfile
    meter: UsageMeter
    llm: ChatModel | None
    vlm: ChatModel | None
    model_calibration: ModelCalibration | None
    """How the vision model's answers count in the fusion (None: no vision model)."""
    embedder: LazySentenceEmbedder
    frame_embedder: FrameTextEmbedder | None
    say: Progress
    performers: Performers = (None, None)

    @classmethod
    def start(cls, a: str | Path, b: str | Path, **asked: Unpack[JobOptions]) -> TwoVideoJob:
        """Check the action name, probe both videos, resolve the profile and the models (the
        options are `compare`'s)."""
        action, differences, n_open = asked["action"], asked.get("differences"), asked.get("n_open")
        description, progress = asked.get("description", ""), asked.get("progress")
        check_action(action)
        config = asked.get("config") or Config()
        profile = resolve_profile(action, config.actions)
        paths = (Path(a), Path(b))
        meter = UsageMeter()
        settings = config.backends
        llm = resolve_chat(settings.llm, config, meter)
        # the embedder loads (seconds) while both videos' pose runs, when this run embeds texts not
        # embedded before
        embedded = embedded_statements(profile, differences, llm, asked.get("named"))
        embedder = LazySentenceEmbedder(settings.sentence, config)
        if embedded is None or (embedded and not embedder.cached(embedded)):
            embedder.prefetch()
        vlm = resolve_chat(settings.vlm, config, meter)
        trust = None if vlm is None else load_model_calibration(config.cache_dir, vlm.name, settings.base_url)
        return cls(
            paths=paths,
            infos=(check_performance(paths[0]), check_performance(paths[1])),
            action=action,
            description=description,
            differences=differences,
            named=asked.get("named"),
            n_open=n_open,
            config=config,
            profile=profile,
            meter=meter,
            llm=llm,
            vlm=vlm,
            model_calibration=trust,
            embedder=embedder,
            frame_embedder=resolve_frame_embedder(settings.frame, config),
            say=progress or (lambda _step: None),
            performers=asked.get("performers") or (None, None),
        )

    def frame_sources(self, key_frames: tuple[Sequence[int], Sequence[int]] = ((), ())) -> list[FrameSource]:
        """Each video's frame source: pose samples, the localizer's frames when a frame embedder is
        configured, pose samples kept for the vision model, and any annotated key frames."""
        embedding = self.frame_embedder is not None
        return [
            frame_source(
                info,
                self.config,
                localizer_fps=localizer_fps(self.profile, self.config) if embedding else None,
                keep_pose_images=self.vlm is not None and not embedding,
                key_frames=frames,
                hands=self.profile.hands,
            )
            for info, frames in zip(self.infos, key_frames, strict=True)
        ]

    def plan_and_observe(self, sources: Sequence[FrameSource]) -> tuple[ActionPlan, str, list[Observed]]:
        """The proposer's plan (and who made it) while the pose of A, then of B, runs in the background.

        One video at a time: each one's pose keeps both cores busy (see `MediaPipePoseEstimator.track`),
        and A and B side by side took as long with a third more memory (two more graphs and decoders).
        """
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pose")
        try:
            poses = [
                pool.submit(observe, path, source, self.config.with_performer(point))
                for path, source, point in zip(self.paths, sources, self.performers, strict=True)
            ]
            self.say("proposing differences")
            plan, proposer = propose(
                self.profile,
                differences=self.differences,
                n_open=self.n_open,
                llm=self.llm,
                embedder=self.embedder,
                description=self.description,
                named=self.named,
            )
            observed = []
            for side, path, pose in zip("AB", self.paths, poses, strict=True):
                self.say(f"pose of video {side}")
                track, features = pose.result()
                if not track.detected.any() and (track.hands is None or not track.hands.found.any()):
                    raise InputError(
                        path,
                        f"nobody was detected in any of its {len(track.frames)} sampled frames: "
                        "nothing to compare",
                    )
                observed.append((track, features))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return plan, proposer, observed

    def localize(self, plan: ActionPlan, source: FrameSource, observed: Observed) -> Localization:
        """Sub-action labels of one video's frames: the frame embedder's Viterbi path when one is
        configured, else the kinematic phases, else the events of a one-off jump or swing, else an even
        split."""
        track, features = observed
        names = [s.name for s in plan.sub_actions]
        if self.frame_embedder is not None:
            frames = source.localizer_frames()
            return localize_with_embedder(
                self.frame_embedder,
                [f.sample for f in frames],
                [f.image for f in frames],
                plan.sub_actions,
                self.config.compare.localizer,
                self.config.compare.seed,
            )
        movement, moving = self.profile.movement, movement_span(features)
        repetitions = find_repetitions(features, movement.driver, moving)
        one_off = read_events(features, moving).as_repetition()
        # where the driver does not repeat, a one-off action's events place the sub-actions, not the
        # movement's extent standing in for a repetition
        if (
            one_off is not None
            and all(r.source == "movement" for r in repetitions)
            and (spans := phase_spans(features, names, movement, [one_off])) is not None
        ):
            return localization_from_spans(track.frames, spans, names, ONE_OFF_EVENTS)
        if (spans := phase_spans(features, names, movement, repetitions)) is not None:
            return localization_from_spans(track.frames, spans, names, KINEMATIC_PHASES)
        return uniform_localization(track.frames, names)

    def performances(
        self, plan: ActionPlan, sources: Sequence[FrameSource], observed: Sequence[Observed]
    ) -> AlignedPair:
        self.say("localizing sub-actions")
        a, b = (
            Performance.of(path, source, seen, self.localize(plan, source, seen), self.profile)
            for path, source, seen in zip(self.paths, sources, observed, strict=True)
        )
        self.say("aligning the two performances")
        return AlignedPair.of(a, b)

    def localized_frames(
        self, difference: Difference, a: Performance, b: Performance
    ) -> tuple[VideoFrames, list[int], VideoFrames, list[int]]:
        """What the vision model is shown for a difference: frames of its sub-actions in each video."""
        count = self.config.compare.frames_per_difference
        shown = []
        sides: tuple[tuple[Label, Performance], ...] = (("A", a), ("B", b))
        for label, performance in sides:
            local = performance.localization
            rows = local.rows_for(difference.sub_actions, count)
            if self.frame_embedder is not None:
                images = {
                    r: f.image for r, f in enumerate(performance.frames.localizer_frames()) if r in rows
                }
            else:
                images = performance.frames.pose_images(set(rows))
            shown.append((VideoFrames(label, local.frames, images), [r for r in rows if r in images]))
        (shown_a, rows_a), (shown_b, rows_b) = shown
        return shown_a, rows_a, shown_b, rows_b

    def decide(
        self,
        plan: ActionPlan,
        difference: Difference,
        pair: AlignedPair,
        shown: tuple[VideoFrames, list[int], VideoFrames, list[int]] | None,
    ) -> Difference:
        """The verdict on one difference: measured on both performances in matched windows, and the
        vision model's answer on the frames `shown` (None: no model, or nothing to show); decided
        again with the view error where the views differ, and withheld by the quality gate where the
        two videos cannot support it. A measurement the gate withholds is measured again by its
        view-robust stand-in (`Quantity.stand_in`), which decides in its place when the gate lets it,
        saying so; across two views the stand-in's A or B also wins over a decided angle, which the
        pose model reads from its guess of depth (arms overhead from the front read 112 deg of
        elevation, under arms held forward from the side at 130)."""
        self.say(f"deciding: {difference.text}")
        polarity = 1.0 if difference.direction == "more" else -1.0
        linked = (difference.quantity, polarity) if difference.quantity else None
        seen: list[Evidence] = []
        if self.vlm is not None and shown is not None:
            seen.append(ask_vlm(self.vlm, plan.action, difference.text, *shown))

        def measured(stand_in: bool) -> Evidence | None:
            return measure_readings(
                difference.text, pair.a.reading, pair.b.reading, self.embedder, linked=linked,
                matched=pair.matched, replicas=pair.replicas, stand_in=stand_in,
            )  # fmt: skip

        def gated(measurement: Evidence | None) -> Difference:
            evidence = [view_bounded(measurement, pair.quality)] if measurement is not None else []
            verdict = decide(difference, [*evidence, *seen], self.model_calibration)
            return gate_difference(verdict, pair.quality, (pair.a.track, pair.b.track))

        first = measured(stand_in=False)
        verdict = gated(first)
        across_views = pair.quality is not None and pair.quality.views_differ
        standing_in = bool(first and first.quantity and find_quantity(first.quantity).stand_in)
        tried = standing_in and (verdict.withheld is not None or across_views)
        if not tried or (other := measured(stand_in=True)) is None:
            return verdict
        instead = gated(other)
        return stood_in(instead, verdict) if stand_in_wins(verdict, instead, across_views) else verdict

    def run(self) -> ComparisonResult:
        """The steps in order: frames, plan and pose, performances, a verdict per difference."""
        sources = self.frame_sources()
        plan, proposer, observed = self.plan_and_observe(sources)
        pair = self.performances(plan, sources, observed)
        shown = self.localized_frames if self.vlm is not None else None
        verdicts = [
            self.decide(plan, d, pair, shown(d, pair.a, pair.b) if shown is not None else None)
            for d in plan.differences
        ]
        if self.n_open is not None:
            verdicts = discovered(verdicts, self.n_open, generic().family)
        return self.result(plan, proposer, pair, verdicts, pair.a.localization.method)

    def notices(
        self, plan: ActionPlan, verdicts: Sequence[Difference], a: Performance, b: Performance
    ) -> list[str]:
        """What stood in for something asked, said to the user (no silent fallback)."""
        said = [self.profile.notice] if self.profile.notice else []
        if self.model_calibration is not None:
            said.append(self.model_calibration.summary)
        if (still := self.profile.still_driver(a.features, b.features)) is not None:
            said.append(still)
        if self.n_open is not None and not verdicts:
            said.append(
                f"open mode checked {len(plan.differences)} candidate differences and found none: "
                "every one measured within its margin (C) or could not be decided"
            )
        for side, performance in (("A", a), ("B", b)):
            if (performer := performance.track.performer) is not None:
                said.append(f"video {side} shows {performer.reason}")
            if (hands := performance.track.hands) is not None and hands.sides_from == "model":
                said.append(
                    f"video {side}: the body's wrists are not seen, so left and right hand are told by the "
                    "hand model's own guess (a per-picture guess that a mirror can swap)"
                )
            repetitions, times = performance.reading.repetitions, performance.features.timestamps
            if repetitions and repetitions[0].source == "movement":
                events = performance.reading.events.describe(times)
                said.append(
                    f"no repetition of {self.profile.driver.column} was found in video {side}: its phases "
                    f"are read from the whole body's movement ({times[repetitions[0].start]:.2f} s to "
                    f"{times[repetitions[0].end]:.2f} s, turning at {times[repetitions[0].turn]:.2f} s); "
                    + (
                        f"read as a one-off action, {events}"
                        if events
                        else "it shows no one-off jump or swing"
                    )
                )
            if cuts := performance.features.cuts:
                said.append(
                    f"video {side} cuts to another camera or framing at "
                    f"{', '.join(f'{times[c]:.2f} s' for c in cuts)}: repetitions are read on each side of a "
                    "cut on their own, and no repetition spans one"
                )
            if performance.localization.method == ONE_OFF_EVENTS:
                said.append(
                    f"the sub-actions of video {side} could not be found from repetitions of "
                    f"{self.profile.driver.column}: they are placed at the events of its one-off action ("
                    f"{performance.reading.events.describe(times)})"
                )
            if performance.localization.method == "uniform":
                said.append(
                    f"the sub-actions of video {side} could not be found from the pose (no repetition of "
                    f"{self.profile.driver.column}): its timeline is split evenly among them"
                )
        return said

    def result(
        self, plan: ActionPlan, proposer: str, pair: AlignedPair, verdicts: list[Difference], localizer: str
    ) -> ComparisonResult:
        a, b = pair.a, pair.b
        return ComparisonResult(
            pair=VideoPair(
                a=self.paths[0],
                b=self.paths[1],
                action=self.action,
                action_description=self.description or plan.description,
            ),
            video_a=a.info,
            video_b=b.info,
            mode="closed" if self.differences is not None else "open",
            plan=plan,
            spans_a=a.spans,
            spans_b=b.spans,
            differences=verdicts,
            alignment=pair.alignment,
            quality=pair.quality,
            curves_a=a.features.curves(),
            curves_b=b.features.curves(),
            repetitions_a=describe_repetitions(a.features, a.reading.repetitions, self.profile.driver),
            repetitions_b=describe_repetitions(b.features, b.reading.repetitions, self.profile.driver),
            pose_a=a.track,
            pose_b=b.track,
            backends={
                "proposer": proposer,
                "localizer": localizer,
                "differencer": self.vlm.name if self.vlm is not None else "kinematics",
                "sentence_embedder": self.embedder.name,
                "pose": a.track.model,
            },
            notices=self.notices(plan, verdicts, a, b),
            usage=self.meter.as_dict(),
            model_calibration=self.model_calibration,
        )


def compare(
    a: str | Path,
    b: str | Path,
    *,
    action: str,
    differences: Sequence[str] | None = None,
    named: Mapping[str, tuple[str, str]] | None = None,
    n_open: int | None = None,
    config: Config | None = None,
    description: str = "",
    progress: Progress | None = None,
    performers: Performers = (None, None),
) -> ComparisonResult:
    """Compare two videos of `action`: closed mode with `differences`, open mode with `n_open`.

    `named` maps statements to the quantity (key, direction) that decides them, as a statements file
    names it; the others are matched to a quantity by rule or sentence embedding.

    Every statement gets a verdict A / B / C with confidence and evidence, or label None with the
    reason it could not be decided (a failed model request included). Backends come from
    `config.backends`. Raises `InputError` for an unusable action name or a video in which nobody
    is visible. `performers` picks the main performer of A and of B by a point on its first frame
    (x, y as fractions of the frame; None: chosen by `pose.people`'s rule).
    """
    return TwoVideoJob.start(
        a, b, action=action, differences=differences, named=named, n_open=n_open, config=config,
        description=description, progress=progress, performers=performers,
    ).run()  # fmt: skip
