"""The typed currency of actiondiff: every stage takes and returns these models.

`ComparisonResult` is the public, schema-versioned output; `PoseTrack` carries numpy arrays
in memory and serialises them as nested lists (NaN as null) in JSON.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)

SCHEMA_VERSION: Literal["1.0"] = "1.0"

Label = Literal["A", "B", "C"]
"""A: the statement holds more for video A; B: more for video B; C: no clear difference."""


def _as_float_array(value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value.astype(np.float32, copy=False)
    return np.array(_nulls_to_nan(value), dtype=np.float32)


def _nulls_to_nan(value: Any) -> Any:
    if isinstance(value, list):
        return [_nulls_to_nan(v) for v in value]
    return math.nan if value is None else value


def _array_to_json(array: np.ndarray) -> Any:
    rounded = np.round(array.astype(np.float64), 5).astype(object)
    rounded[np.isnan(array)] = None
    return rounded.tolist()


FloatArray = Annotated[
    np.ndarray,
    PlainValidator(_as_float_array),
    PlainSerializer(_array_to_json, when_used="json"),
    WithJsonSchema({"type": "array", "description": "nested arrays of numbers; null where missing"}),
]


class VideoInfo(BaseModel):
    """What a video file holds, as decoded (width and height are after rotation)."""

    path: Path
    container: str
    codec: str
    width: int
    height: int
    rotation: int = Field(description="Clockwise degrees applied to decoded frames for display.")
    fps: float = Field(description="Average frame rate.")
    duration_s: float
    n_frames: int
    variable_frame_rate: bool = False


class FrameSample(BaseModel):
    """One sampled frame: its index in the decoded stream and its presentation time."""

    model_config = ConfigDict(frozen=True)

    index: int
    timestamp: float = Field(description="Seconds from the start of the video.")
    held_from: int | None = Field(
        default=None,
        description="Set on a row that was not posed: the index of the posed frame whose pose it repeats "
        "(a still stretch of an adaptively sampled video, filled onto the movement's dense time grid).",
    )


VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v")
"""File endings taken for videos where a folder is scanned or a file uploaded."""
MAX_ACTION_CHARS = 200
"""Longest accepted action name, everywhere an action is named (API, CLI, web form)."""


class VideoPair(BaseModel):
    """The job's input: two videos of one action."""

    a: Path
    b: Path
    action: str = Field(min_length=1, max_length=MAX_ACTION_CHARS)
    action_description: str = ""


class PersonSeen(BaseModel):
    """One person found in a video's first second, with the figures the main performer is chosen by."""

    centre_x: float
    """Mean hip centre, as fractions of the frame's width and height."""
    centre_y: float
    height: float
    """Mean height of the person's landmark box, as a fraction of the frame's height."""
    detection_rate: float
    """Share of the first second's frames in which the person was found."""
    centrality: float
    """1 at the frame's centre, 0 at a corner."""
    score: float
    """height x detection_rate x centrality: the largest is the main performer (unless one is picked)."""
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """Landmark box in the first frame the person was found in: left, top, right, bottom (fractions)."""


class PerformerChoice(BaseModel):
    """Several people in one video: which one the track follows, and why."""

    people: list[PersonSeen]
    chosen: int
    """Index in `people` of the main performer."""
    lost_frames: int
    """Frames after the first second where the performer was not found near where it last was (NaN)."""
    dropped_frames: int = 0
    """Frames whose pose was found but dropped as implausible against the performer's own track (NaN)."""
    picked: tuple[float, float] | None = None
    """The point (x, y, fractions of the first frame) the user picked the performer by; None: by score."""

    @property
    def reason(self) -> str:
        """The choice in words, for a notice."""
        main = self.people[self.chosen]
        others = ", ".join(f"{p.score:.2f}" for i, p in enumerate(self.people) if i != self.chosen)
        why = (
            f"the person nearest the point picked at x={self.picked[0]:.2f}, y={self.picked[1]:.2f}"
            if self.picked is not None
            else "the largest x most often found x most central"
        )
        return (
            f"{len(self.people)} people in its first second: the one measured stands at "
            f"x={main.centre_x:.2f}, y={main.centre_y:.2f} of the frame, {why} "
            f"(box {main.height:.2f} of the frame high, found in {main.detection_rate:.0%} "
            f"of frames, centrality {main.centrality:.2f}: score {main.score:.2f} against {others})"
            + (f"; it was not found in {self.lost_frames} later frames" if self.lost_frames else "")
            + (
                f"; {self.dropped_frames} frames were dropped as implausible (a body pieced together "
                "from two people, or its hips out of place)"
                if self.dropped_frames
                else ""
            )
        )


HandOrientation = Literal["as filmed", "mirrored", "flip-tested"]


class HandTrack(BaseModel):
    """Both hands' 21 landmarks over the sampled frames of one video (`pose.hands`), beside the body.

    Arrays are indexed (frame, side, landmark, coordinate) with side 0 the performer's left hand and
    1 the right; a hand not found in a frame holds NaN. `image_xyz` is normalised image space like
    `PoseTrack.image_xyz`; `world_xyz` is metric 3D around the hand's own centre (the hand model's
    estimate), which is what finger angles are read from. `confidence` is per landmark: the hand
    model's score of the hand it belongs to (the model scores hands, not single points).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    frames: list[FrameSample]
    landmark_names: list[str]
    image_xyz: FloatArray
    world_xyz: FloatArray
    confidence: FloatArray
    model: str
    sides_from: Literal["model", "body"] = "model"
    """Who told left from right: the hand model's handedness, or the body pose's wrists."""
    orientation: HandOrientation = "as filmed"
    """How the pictures went through the hand model: in the clip's canonical orientation, as filmed or
    mirrored (`pose.hands.canonical_mirrored`), or both ways and averaged (the flip test) where the clip
    had no orientation to tell."""
    pictures_held: float = 0.0
    """Share of the frames that repeat the picture before them (`pose.hands.pictures_held`): a GIF or
    a slide show holds each picture over several frames, so the video shows fewer pictures per second
    than its frame rate (`kinematics.features.picture_rate`)."""

    @property
    def found(self) -> np.ndarray:
        """Boolean (frame, side) mask of the hands found."""
        return ~np.isnan(self.image_xyz[:, :, 0, 0])


class PoseTrack(BaseModel):
    """Body landmarks of one performer over the sampled frames of one video.

    Arrays are indexed (frame, landmark, coordinate); frames where no body was found hold NaN.
    `image_xyz` is MediaPipe's normalised image space (x, y in [0, 1] of the displayed frame,
    z relative depth); `world_xyz` is metric 3D with the origin between the hips.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    video: VideoInfo
    frames: list[FrameSample]
    landmark_names: list[str]
    image_xyz: FloatArray
    world_xyz: FloatArray
    visibility: FloatArray
    model: str
    performer: PerformerChoice | None = None
    """Set when several people were found: the one followed (see `pose.people`)."""
    hands: HandTrack | None = None
    """The hands, on the same rows, when the action's profile reads them (`ActionProfile.hands`)."""

    @property
    def detected(self) -> np.ndarray:
        """Boolean mask of frames with a body."""
        return ~np.isnan(self.image_xyz[:, 0, 0])

    @property
    def detection_rate(self) -> float:
        return float(self.detected.mean()) if len(self.frames) else 0.0

    @property
    def timestamps(self) -> np.ndarray:
        return np.array([f.timestamp for f in self.frames], dtype=np.float64)

    def landmark(self, name: str) -> int:
        """Index of a landmark by its name (e.g. ``"left_knee"``)."""
        return self.landmark_names.index(name)


class Evidence(BaseModel):
    """Why a verdict was reached: a measurement, a model's answer, or a rule."""

    source: Literal["kinematics", "vlm", "llm", "library", "fusion"]
    summary: str
    """What was found, in words for a coach (the body, the direction, what would decide it)."""
    detail: str | None = None
    """The same in technical terms (quantity, how it was matched, intervals, margins), one click away."""
    quantity: str | None = None
    value_a: float | None = None
    value_b: float | None = None
    unit: str | None = None
    interval_a: tuple[float, float] | None = Field(
        default=None, description="90 % interval of value_a (pose jitter, repetitions, matched windows)."
    )
    interval_b: tuple[float, float] | None = Field(default=None, description="90 % interval of value_b.")
    interval_difference: tuple[float, float] | None = Field(
        default=None, description="90 % interval of value_a - value_b."
    )
    margin: float | None = Field(
        default=None, description="The quantity's decision margin: smaller differences count as none."
    )
    frames_a: list[int] = Field(default_factory=list, description="Video frame indices of A used.")
    frames_b: list[int] = Field(default_factory=list, description="Video frame indices of B used.")
    view_error: float | None = Field(
        default=None,
        description="How far the two videos' views could move the difference (the quantity's units; the "
        "view model at the views' measured difference, `kinematics.views`): a verdict clears the margin "
        "plus it. None: the same view, or a quantity that does not depend on the view.",
    )
    label: Label | None = None
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)


class Difference(BaseModel):
    """A difference statement and the verdict on it; label None means not decided (see `reason`)."""

    key: str
    text: str
    label: Label | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list)
    sub_actions: list[str] = Field(default_factory=list)
    reason: str | None = None
    quantity: str | None = None
    """The measured quantity the action library or the statements file links this statement to (None:
    found by matching)."""
    direction: Literal["more", "less"] = "more"
    """With `quantity`: the statement asserts more of it, or less."""
    withheld: Literal["view", "facing", "visibility"] | None = None
    """Why the quality gate (`pipeline.gate`) left a measured verdict undecided: the two views differ and
    the quantity depends on the view, the pose model read one body turned the other way round (its left
    and right swapped in most frames), or a joint it needs was not visible; `reason` says it in words."""

    @property
    def measured(self) -> Evidence | None:
        """The kinematic evidence, with the quantity it was read as, if the statement was measured."""
        return next((e for e in self.evidence if e.source == "kinematics" and e.quantity is not None), None)


class SubAction(BaseModel):
    """One step of an action's fixed sequence, with texts to retrieve its frames by."""

    name: str
    retrieval_texts: list[str] = Field(default_factory=list)


class ActionPlan(BaseModel):
    """The proposer's output: ordered sub-actions and candidate differences linked to them."""

    action: str
    description: str = ""
    sub_actions: list[SubAction]
    differences: list[Difference]


class SubActionSpan(BaseModel):
    """The frames of one video assigned to one sub-action (inclusive video frame indices)."""

    sub_action: str
    start_frame: int
    end_frame: int
    start_s: float
    end_s: float


class RepetitionReading(BaseModel):
    """One repetition of a performance as its driving signal shows it (`kinematics.phases`)."""

    number: int = Field(ge=1, description="1 for the first repetition in time.")
    start_s: float
    turn_s: float = Field(description="The turning point: the driving signal's extreme.")
    end_s: float
    start_frame: int
    end_frame: int
    duration_s: float
    hold_s: float = Field(description="Time near the extreme (beyond 90 % of the way to the turning point).")
    extreme: float | None = Field(default=None, description="The driving signal at the turning point.")
    excursion: float | None = Field(
        default=None,
        description="How far the driving signal moved from the repetition's start to its turning point: "
        "its depth.",
    )
    partial: bool = Field(default=False, description="Its excursion is under half the deepest repetition's.")
    source: Literal["driver", "movement"] = Field(
        default="driver", description="Found in the driving signal, or the whole-body movement standing in."
    )


class Repetitions(BaseModel):
    """Every repetition of one performance, the signal they were read from, and the camera cuts seen."""

    signal: str = Field(description="The driving feature column, e.g. knee_angle.")
    unit: str = ""
    repetitions: list[RepetitionReading] = Field(default_factory=list)
    cuts_s: list[float] = Field(
        default_factory=list,
        description="Times where a new camera shot starts: the body's size or place in the picture jumps.",
    )


class KeyFrameSpan(BaseModel):
    """An annotated sub-action span of one video (inclusive video frame indices)."""

    model_config = ConfigDict(extra="forbid")

    sub_action: str = Field(min_length=1)
    start_frame: int = Field(ge=0)
    end_frame: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> KeyFrameSpan:
        if self.end_frame < self.start_frame:
            raise ValueError(f"end_frame {self.end_frame} is before start_frame {self.start_frame}")
        return self


class KeyFrameSpans(BaseModel):
    """Annotated sub-action spans of video A and of video B; a name may repeat (one span per repetition)."""

    model_config = ConfigDict(extra="forbid")

    a: list[KeyFrameSpan] = Field(default_factory=list)
    b: list[KeyFrameSpan] = Field(default_factory=list)


class KeyFramePair(BaseModel):
    """The video frame indices of A and of B to look at for one difference."""

    model_config = ConfigDict(extra="forbid")

    a: list[Annotated[int, Field(ge=0)]] = Field(min_length=1)
    b: list[Annotated[int, Field(ge=0)]] = Field(min_length=1)


class KeyFrames(BaseModel):
    """Annotated key frames, used instead of the localizer (the oracle of VidDiff table 5).

    `spans`: sub-action spans per video, read by the kinematic measurement and, for differences
    without their own frames, by the VLM frame choice. `differences`: per difference key (in
    `compare`, the statement's position in `differences` as a string, as in the result), the
    frames of A and B the vision-language model is shown, exactly. Frame indices count the
    decoded frames of the video file from 0 (`FrameSample.index`).
    """

    model_config = ConfigDict(extra="forbid")

    spans: KeyFrameSpans = Field(default_factory=KeyFrameSpans)
    differences: dict[str, KeyFramePair] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _not_empty(self) -> KeyFrames:
        if not (self.spans.a or self.spans.b or self.differences):
            raise ValueError("key frames need spans (a/b) or per-difference frames")
        return self


class TimeAlignment(BaseModel):
    """A monotone map between the two performances' sampled frames (A frame i <-> B frame j).

    `path` holds (row in A's samples, row in B's samples) pairs; `tempo` is, for each row of A,
    the local ratio dt_B / dt_A (>1 where A moves faster than B).
    """

    path: list[tuple[int, int]]
    frames_a: list[int] = Field(description="Video frame index of each A sample row.")
    frames_b: list[int] = Field(description="Video frame index of each B sample row.")
    times_a: list[float]
    times_b: list[float]
    tempo: list[float] = Field(default_factory=list)
    cost: float = 0.0


class KinematicCurves(BaseModel):
    """Named per-sample signals of one video (e.g. joint angles in degrees) for plotting."""

    timestamps: list[float]
    frames: list[int]
    units: dict[str, str] = Field(default_factory=dict)
    values: dict[str, list[float | None]] = Field(default_factory=dict)


class VideoQuality(BaseModel):
    """How one video shows its performer: the camera's viewpoint on the body and how well pose was found."""

    azimuth_deg: float | None = Field(
        description="Camera viewpoint around the body, from the left-right axis of hips and shoulders in "
        "the camera-oriented world landmarks: 0 = the body faces the camera, +90 = its right side does "
        "(the camera stands to its right), -90 = its left side does, +-180 = filmed from behind. None when "
        "the hips are never visible."
    )
    azimuth_uncertainty_deg: float | None = Field(
        default=None,
        description="How far the azimuth may be off: the reading's error against calibrated cameras, "
        "widened by the frames' own spread and by left-right swaps (`pose.quality`). None when unknown.",
    )
    feet_azimuth_deg: float | None = Field(
        default=None,
        description="The azimuth the feet point to (heel to toes, both feet): which way the body faces "
        "without the left and right labels, which the pose model can swap when the head is hidden. None "
        "when the feet were not seen.",
    )
    feet_turned: bool = Field(
        default=False,
        description="The feet point clearly against the left-right labels' majority, so the labels are "
        "taken as swapped and the azimuth turned round: what is read along the body's own facing from "
        "those labels (trunk lean, toe-out, the front leg) is read backwards in this video.",
    )
    azimuth_frames: int = Field(description="Frames the azimuth is the median over (hips visible).")
    left_right_swaps: float = Field(
        description="Share of those frames whose left and right sides read swapped against the rest (the "
        "pose model's left/right confusion; the azimuth is the majority's)."
    )
    detection_rate: float = Field(description="Share of sampled frames with a body.")
    joint_visibility: dict[str, float] = Field(
        description="Landmark name -> mean visibility (0..1) over the frames with a body."
    )
    fps: float
    variable_frame_rate: bool
    side_asymmetry: list[float] = Field(
        default_factory=list,
        description="The performer's left-right asymmetry in the body's own frame (per sided joint, the "
        "left joint minus its reflected right twin, x y z in leg lengths): a mirrored video reverses it, "
        "another camera of the same body keeps it. Empty when the hips are never visible.",
    )


class QualityCheck(BaseModel):
    """Whether the two videos can be compared quantity by quantity: their views and pose quality."""

    a: VideoQuality
    b: VideoQuality
    view_difference_deg: float | None = Field(
        description="How far apart the two viewpoints are around the body (0..180); None if one is unknown."
    )
    view_uncertainty_deg: float | None = Field(
        default=None,
        description="How far the view difference may be off (both azimuths' uncertainties combined); "
        "views closer than this read as the same view.",
    )
    b_view_deg: float | None = Field(
        default=None,
        description="B's azimuth as compared with A's: reflected when `mirrored`, turned half round when "
        "`relabeled`.",
    )
    side_agreement: float | None = Field(
        default=None,
        description="Cosine between the two performers' left-right asymmetries "
        "(`VideoQuality.side_asymmetry`): near -1 when B shows A's performance mirrored, near +1 when the "
        "sides keep their roles.",
    )
    mirrored: bool = Field(
        default=False,
        description="B is A's view mirrored (mirrored footage, or a performer of the other hand from the "
        "mirrored side): the view difference is measured with B's view reflected.",
    )
    relabeled: bool = Field(
        default=False,
        description="The pose model swapped left and right in so many frames that whether a body faced "
        "the camera is unsure, and B's view read the other way round is the nearer one.",
    )
    views_differ: bool = Field(
        description="The views are further apart than their uncertainty: a view-sensitive quantity is "
        "decided only where its difference clears the margin plus its view error (`kinematics.views`)."
    )
    summary: str = Field(description="The views in plain words, as the CLI, web page and report show them.")


class ModelCalibration(BaseModel):
    """What a model backend's answers are worth in the fusion (`pipeline.fusion`): fitted on the
    calibration set (`pipeline.model_calibration`), or not fitted and then held back."""

    backend: str = Field(description="The backend spec, e.g. 'openai:gpt-4o'.")
    base_url: str | None = Field(default=None, description="The endpoint it was fitted against.")
    fitted: bool = False
    temperature: float = Field(
        default=1.0, gt=0.0, description="A stated confidence p counts as p^(1/T) renormalised over A/B/C."
    )
    weight: float = Field(
        default=0.0, ge=0.0, description="Exponent of the model's tempered answer next to a measured verdict."
    )
    answers: int = Field(default=0, ge=0, description="Answers of the calibration set the fit used.")
    accuracy: float | None = Field(default=None, description="Share of those answers that were right.")
    ece: float | None = Field(default=None, description="Expected calibration error of the tempered answers.")
    summary: str = Field(default="", description="In words, as the CLI, web page and report say it.")


MAX_ANNOTATIONS = 200
"""Most hand-made measurements one result keeps."""

NormalisedPoint = tuple[
    Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)],
    Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)],
]
"""(x, y) as fractions of the displayed frame's width and height, from its top left."""


class AngleMeasurement(BaseModel):
    """An angle measured by hand on one paused frame (the web app's angle tool: three clicks).

    The middle point is the vertex; the angle is between the rays to the other two, in the frame's
    pixels (the points are stored as fractions, so the video's aspect ratio sets the degrees).
    """

    side: Literal["a", "b"]
    frame: int = Field(ge=0, description="Index of the frame in its video.")
    time_s: float = Field(ge=0.0, allow_inf_nan=False, description="The frame's time in its video.")
    points: tuple[NormalisedPoint, NormalisedPoint, NormalisedPoint]
    degrees: float = Field(ge=0.0, le=180.0, description="The angle at the middle point.")
    label: str = Field(default="", max_length=80, description="What was measured, as the user named it.")


class ComparisonResult(BaseModel):
    """Everything a comparison produced: enough to audit it or render it again."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    pair: VideoPair
    video_a: VideoInfo
    video_b: VideoInfo
    mode: Literal["closed", "open"]
    plan: ActionPlan | None = None
    spans_a: list[SubActionSpan] = Field(default_factory=list)
    spans_b: list[SubActionSpan] = Field(default_factory=list)
    differences: list[Difference]
    alignment: TimeAlignment | None = None
    quality: QualityCheck | None = None
    curves_a: KinematicCurves | None = None
    curves_b: KinematicCurves | None = None
    repetitions_a: Repetitions | None = None
    repetitions_b: Repetitions | None = None
    pose_a: PoseTrack | None = None
    pose_b: PoseTrack | None = None
    backends: dict[str, str] = Field(default_factory=dict, description="Stage -> backend/model name.")
    notices: list[str] = Field(
        default_factory=list,
        description="What stood in for something asked (a generic profile, a near action name, an evenly "
        "split timeline), in words for the user.",
    )
    usage: dict[str, float] = Field(default_factory=dict, description="Token and cost accounting.")
    model_calibration: ModelCalibration | None = Field(
        default=None, description="How the vision model's answers were weighed (None: no model asked)."
    )
    sync_offset_s: float = Field(
        default=0.0,
        description="A hand-set shift of B against the alignment in seconds (+ shows B later), as nudged in "
        "the web app; the report and the export use it.",
    )
    annotations: list[AngleMeasurement] = Field(
        default_factory=list,
        max_length=MAX_ANNOTATIONS,
        description="Angles measured by hand on paused frames in the web app; the report and the "
        "measurements CSV list them.",
    )
