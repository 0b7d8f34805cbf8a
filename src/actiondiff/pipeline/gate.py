"""The view and quality gate: measured verdicts the two videos cannot support are left undecided.

Two views of a body read a view-sensitive quantity differently (`Quantity.view_sensitive`: monocular
3D pose reads angles and depths differently from another camera). How differently was measured on
real footage (`kinematics.views`: a view error per degree of camera difference), so a measured
verdict across two views (`view_bounded`, before fusing) must clear the margin plus the view error at
the pair's measured view difference; otherwise it is not decided, and the reason says how large the
view effect could be and which view would settle it. Views that read closer than the azimuths' own
uncertainty count as the same view. After fusing (`gate_difference`), a verdict whose measurement
the views left undecided is withheld (`Difference.withheld`: "view"), as is one where the pose model
read one body turned round, or where a joint the quantity is read from was not visible. A mirrored
video reads as the view from the body's other side; when the performers' own left-right asymmetries
say B is A mirrored, B's view is reflected before the two are compared, since the (flip-tested) pose
model reads a mirrored image as the mirror of its reading.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actiondiff.kinematics.calibration import load_calibration
from actiondiff.kinematics.quantities import Quantity, find_quantity
from actiondiff.kinematics.uncertainty import INTERVAL_Z, interval_verdict
from actiondiff.kinematics.views import FACING, settling_view, view_error
from actiondiff.models import Difference, Evidence, PoseTrack, QualityCheck, VideoQuality
from actiondiff.pose.quality import VISIBLE, video_quality, wrap_deg

FRONT_DEG, SIDE_DEG, BACK_DEG = 20.0, 70.0, 110.0
"""Azimuth bounds of the words for a view: front, front-side, side, back-side (beyond `BACK_DEG`: back)."""
MIRRORED_AGREEMENT = -0.8
"""At or below this cosine between the two performers' left-right asymmetries, B is A mirrored. On the
pose2sim demo each clip against its own mirror reads -0.99 to -1.00, while other cameras of the same
body read +0.73 to +0.94, the two on mirrored sides included (cam03 at -138 deg, cam04 at +139: +0.84):
those are different views, and their trunk lean differs by 5.6 margins."""
SIDEDNESS_FLOOR = 0.2
"""Least size of a left-right asymmetry (leg lengths, over all sided joints) that can say which side is
which; a body as symmetric as that (the real performers here read 0.9 to 2.1) leaves the mirror unknown."""
FACING_UNSURE = 0.3
"""From this share of a video's frames read with left and right swapped, whether the body faced the
camera or turned away is unsure (the frontal pose2sim cam02 reads 0.29 to 0.48 over its edited copies,
and its majority flips between them); B is then also read the other way round."""
LOW_DETECTION = 0.9
"""Below this share of frames with a body, the views line says how many were missed."""


def view_words(azimuth: float | None) -> str:
    """Where the camera stood, in words ("from the front-right"); the side is the body's own."""
    if azimuth is None:
        return "from an unknown view (the hips were never visible)"
    turn, side = abs(azimuth), ("right" if azimuth > 0 else "left")
    if turn < FRONT_DEG:
        return "from the front"
    if turn < SIDE_DEG:
        return f"from the front-{side}"
    if turn <= BACK_DEG:
        return f"from the {side}"
    return f"from the back-{side}" if turn < 180.0 - FRONT_DEG else "from behind"


def _views(a: VideoQuality, b: VideoQuality) -> str:
    """Both views in words: "A from the front-right, B from the front"."""
    return f"A {view_words(a.azimuth_deg)}, B {view_words(b.azimuth_deg)}"


def _least_sure(a: VideoQuality, b: VideoQuality) -> tuple[str, VideoQuality]:
    """The video whose left and right the pose model swapped in more frames, with its name."""
    return max((("A", a), ("B", b)), key=lambda side: side[1].left_right_swaps)


def _feet_turned(a: VideoQuality, b: VideoQuality) -> list[str]:
    """The videos whose azimuth the feet turned round (`VideoQuality.feet_turned`), by name."""
    return [side for side, quality in (("A", a), ("B", b)) if quality.feet_turned]


def _quality_notes(side: str, quality: VideoQuality) -> list[str]:
    notes = []
    if quality.detection_rate < LOW_DETECTION:
        notes.append(f"a body was found in {quality.detection_rate:.0%} of {side}'s frames")
    if quality.variable_frame_rate:
        notes.append(f"{side} has a variable frame rate")
    return notes


@dataclass(frozen=True)
class _BView:
    """One reading of B's view against A's: as compared (deg), reflected for a mirror, relabeled."""

    azimuth: float
    apart: float
    agreement: float | None
    mirrored: bool
    relabeled: bool


def _b_views(a: VideoQuality, b: VideoQuality) -> list[_BView]:
    """B's view as read, and, when either video's facing is unsure, B read with left and right the
    other way round (the body turned half round, its asymmetry reversed); each reflected when the
    performers' asymmetries say B is A mirrored."""
    if a.azimuth_deg is None or b.azimuth_deg is None:
        return []
    agreement = side_agreement(a, b)
    readings = [(b.azimuth_deg, agreement, False)]
    if max(a.left_right_swaps, b.left_right_swaps) >= FACING_UNSURE:
        readings.append((b.azimuth_deg + 180.0, None if agreement is None else -agreement, True))
    views = []
    for azimuth, agrees, relabeled in readings:
        mirrored = agrees is not None and agrees <= MIRRORED_AGREEMENT
        compared = float(wrap_deg(-azimuth if mirrored else azimuth))
        apart = round(abs(float(wrap_deg(compared - a.azimuth_deg))), 1)
        views.append(_BView(compared, apart, agrees, mirrored, relabeled))
    return views


def quality_check(track_a: PoseTrack, track_b: PoseTrack) -> QualityCheck:
    """Both videos' quality and whether their views differ, with the views line said in words."""
    a, b = video_quality(track_a), video_quality(track_b)
    b_view = min(_b_views(a, b), key=lambda view: view.apart, default=None)
    apart = None if b_view is None else b_view.apart
    uncertainty = view_uncertainty(a, b)
    differ = apart is not None and uncertainty is not None and apart > uncertainty
    views = _views(a, b)
    if b_view is not None and b_view.relabeled:
        side, unsure = _least_sure(a, b)
        views += (
            f" (the pose model read {side}'s left and right swapped in {unsure.left_right_swaps:.0%} "
            "of its frames, so whether it faced the camera is unsure: B is read the other way round)"
        )
    if b_view is not None and b_view.mirrored:
        views += " (B shows A's performance mirrored: left and right swap roles, so B's view is reflected)"
    for side in _feet_turned(a, b):
        views += (
            f" ({side}'s feet point the other way from its left and right as the pose model read them, so "
            f"{side}'s body is read turned round: quantities read along its facing are not compared)"
        )
    if apart is None:
        summary = f"{views}: the views could not be compared"
    elif differ:
        summary = (
            f"{views}, about {apart:.0f} deg apart (+-{uncertainty:.0f}): quantities that depend on the view "
            "are decided only where the difference clears what that view difference can change"
        )
    elif b_view is not None and b_view.relabeled:
        summary = (
            f"{views}, about {apart:.0f} deg apart so read: the same view, but quantities that depend on "
            "which way the body faces are not compared"
        )
    else:
        summary = f"{views}, about {apart:.0f} deg apart: the same view (within +-{uncertainty or 0:.0f})"
    if a.fps and b.fps and abs(a.fps - b.fps) > 0.5:
        summary += f"; frame rates {a.fps:.3g} and {b.fps:.3g} fps"
    notes = _quality_notes("A", a) + _quality_notes("B", b)
    summary += "".join(f"; {note}" for note in notes)
    return QualityCheck(
        a=a, b=b, view_difference_deg=apart, view_uncertainty_deg=uncertainty,
        b_view_deg=None if b_view is None else b_view.azimuth,
        side_agreement=None if b_view is None else b_view.agreement,
        mirrored=b_view is not None and b_view.mirrored, relabeled=b_view is not None and b_view.relabeled,
        views_differ=differ, summary=summary,
    )  # fmt: skip


def view_uncertainty(a: VideoQuality, b: VideoQuality) -> float | None:
    """How far the two views' difference may be off: both azimuths' uncertainties added (the demo's
    worst pair, 21.4 deg off, involves the video with most left-right swaps); None when unknown."""
    if a.azimuth_uncertainty_deg is None or b.azimuth_uncertainty_deg is None:
        return None
    return round(a.azimuth_uncertainty_deg + b.azimuth_uncertainty_deg, 1)


def side_agreement(a: VideoQuality, b: VideoQuality) -> float | None:
    """The cosine between the performers' left-right asymmetries; None when either is unknown or too
    small to tell the sides apart (`SIDEDNESS_FLOOR`)."""
    first, second = np.asarray(a.side_asymmetry), np.asarray(b.side_asymmetry)
    sizes = [float(np.linalg.norm(side)) if side.size else 0.0 for side in (first, second)]
    if min(sizes) < SIDEDNESS_FLOOR:
        return None
    return round(float(first @ second) / (sizes[0] * sizes[1]), 3)


def views_apart(check: QualityCheck, quantity: Quantity) -> float | None:
    """The views' difference as the quantity sees it (deg). A quantity read from both sides alike
    (`Quantity.sides_alike`) reads a view and its reflection about the body's midline alike, since a
    mirror only swaps the sides it averages: the nearer of B's view and its reflection counts (the
    pose2sim cam03 and cam04, 138 deg to either side of the back, read hip depth 0.004 thigh apart where
    knee flexion read 20 deg apart)."""
    apart, a, b = check.view_difference_deg, check.a.azimuth_deg, check.b_view_deg
    if apart is None or not quantity.sides_alike or a is None or b is None:
        return apart
    return min(apart, round(abs(float(wrap_deg(-b - a))), 1))


def view_bounded(evidence: Evidence, check: QualityCheck) -> Evidence:
    """Measured evidence decided again where the views differ (`QualityCheck.views_differ`) and its
    quantity depends on them: with the quantity's view error at the views' measured difference
    (`Evidence.view_error`), an A / B verdict must clear the margin plus it and a C lie within the margin
    less it, at the calibrated confidence of what is left over. Other evidence comes back as it is; so
    does a quantity whose view effect the footage did not measure (`gate_difference` withholds it)."""
    interval, margin = evidence.interval_difference, evidence.margin
    a, b = evidence.value_a, evidence.value_b
    if not check.views_differ or evidence.quantity is None:
        return evidence
    quantity = find_quantity(evidence.quantity)
    apart = views_apart(check, quantity)
    if apart is None or interval is None or margin is None or a is None or b is None:
        return evidence
    error = view_error(quantity, apart)
    if not quantity.view_sensitive or error is None:
        return evidence
    label, excess = interval_verdict(a - b, (interval[1] - interval[0]) / (2 * INTERVAL_Z), margin, error)
    if label in ("A", "B"):
        label = evidence.label  # decided without the view error too: the direction as the statement has it
    verdict = {"A": "clears it", "B": "clears it", "C": "lies within it", None: "is not decided"}[label]
    return evidence.model_copy(
        update={
            "view_error": round(error, 4),
            "label": label,
            "confidence": load_calibration().confidence(label, excess) if label is not None else None,
            "summary": f"{evidence.summary}; the views, about {apart:.0f} deg apart, can move it by up to "
            f"{error:.3g} {quantity.unit} (view model): with margin {margin:.3g} the difference {verdict}",
        }
    )


def view_reason(check: QualityCheck, quantity: Quantity, evidence: Evidence | None = None) -> str:
    """Why a view-sensitive quantity was not decided across two views, how large the view effect could
    be and which views would decide it: "B was filmed about 60 deg further to the side than A (...);
    the views can move the ... by up to 22 deg (view model), and the difference ... does not clear the
    margin 8 plus that: film both from the side to decide it"."""
    a, b, apart = check.a.azimuth_deg or 0.0, check.b_view_deg or 0.0, views_apart(check, quantity) or 0.0
    front_half = abs(a) <= BACK_DEG and abs(b) <= BACK_DEG
    same_side = a * b >= 0 or min(abs(a), abs(b)) < FRONT_DEG
    if front_half and same_side:
        further, nearer = ("B", "A") if abs(b) > abs(a) else ("A", "B")
        how = f"{further} was filmed about {apart:.0f} deg further to the side than {nearer}"
    else:
        how = f"A and B were filmed from views about {apart:.0f} deg apart around the body"
    if apart < (check.view_difference_deg or 0.0):
        how += " (B's view reflected about the body's midline, which this reading does not tell apart)"
    settle = f"film both {settling_view(quantity)} (or both from one view) to decide it"
    error = view_error(quantity, apart)
    if error is None:
        effect = (
            f"the {quantity.description} depends on the view, by how much was not measured, so it was not "
            "compared"
        )
    elif evidence is None or evidence.interval_difference is None or evidence.margin is None:
        effect = (
            f"the views can move the {quantity.description} by up to {error:.3g} {quantity.unit} (view model)"
        )
    else:
        low, high = evidence.interval_difference
        effect = (
            f"the views can move the {quantity.description} by up to {error:.3g} {quantity.unit} (view "
            f"model), and the difference A - B, {low:.3g} to {high:.3g}, neither clears the margin "
            f"{evidence.margin:.3g} plus that nor lies within the margin less it"
        )
    return f"{how} ({_views(check.a, check.b)}); {effect}: {settle}"


def facing_reason(check: QualityCheck, quantity: Quantity) -> str:
    """Why a view-sensitive quantity was not compared where the pose model read one body turned round."""
    side, quality = _least_sure(check.a, check.b)
    return (
        f"the pose model read {side}'s left and right swapped in {quality.left_right_swaps:.0%} of its "
        f"frames, and one body turned the other way round from the other in most of them "
        f"({_views(check.a, check.b)}); the "
        f"{quantity.description} depends on which way the body faces and was not compared"
    )


def feet_reason(side: str, quantity: Quantity) -> str:
    """Why a quantity read along the body's facing was not compared where the feet turned a body round."""
    return (
        f"{side}'s feet point the other way from its left and right as the pose model read them (its "
        f"labels are swapped, as when the head is hidden), and the {quantity.description} is read along "
        "the body's facing from those labels; not compared: film it with the face or chest in view to "
        "decide it"
    )


def unseen_joint(track: PoseTrack, frames: list[int], quantity: Quantity) -> tuple[str, float] | None:
    """The least visible landmark among those `quantity` is read from, over these video frames, if
    its mean visibility there is under `VISIBLE`: (name, visibility). A quantity read from one side or
    from both alike (`one_side_enough`) checks each joint's better seen side: golfdb's down-the-line
    swing hides the left wrist behind the body (0.47) while the grip's right hand marks the hands."""
    rows = [row for row, sample in enumerate(track.frames) if sample.index in set(frames)]
    if not rows or not quantity.joints:
        return None
    names = [f"{side}_{joint}" for joint in quantity.joints for side in ("left", "right")]
    seen = np.nan_to_num(track.visibility[np.ix_(rows, [track.landmark(n) for n in names])]).mean(axis=0)
    if quantity.one_side_enough:  # each joint's better seen side: (left, right) pairs in `names`
        better = seen.reshape(-1, 2).argmax(axis=1) + np.arange(0, len(names), 2)
        names, seen = [names[k] for k in better], seen[better]
    worst = int(np.argmin(seen))
    return (names[worst], float(seen[worst])) if seen[worst] < VISIBLE else None


def _visibility_reason(
    side: str, frames: list[int], joint: str, visibility: float, quantity: Quantity
) -> str:
    span = f"frame {frames[0]}" if len(frames) == 1 else f"frames {frames[0]}-{frames[-1]}"
    return (
        f"the {joint.replace('_', ' ')} was not clearly visible in {side} (visibility {visibility:.2f} "
        f"in {span}, where the {quantity.description} was read); not compared"
    )


def _withheld(difference: Difference, reason: str, kind: str) -> Difference:
    return difference.model_copy(
        update={"label": None, "confidence": 0.0, "reason": reason, "withheld": kind}
    )


def gate_difference(
    difference: Difference, check: QualityCheck, tracks: tuple[PoseTrack, PoseTrack]
) -> Difference:
    """The difference, or undecided with the reason when its measured quantity cannot be compared on
    these two videos: views that differ for a view-sensitive quantity whose measurement they left
    undecided or that was not bounded for the view (`view_bounded`; said even where the interval alone
    could not decide, with the view's share and the views that would decide it), a body read turned round
    (`QualityCheck.relabeled`: forward reads as back), or a joint it needs unseen."""
    measured = difference.measured
    if measured is None or measured.quantity is None:
        return difference
    quantity = find_quantity(measured.quantity)
    if (
        check.views_differ
        and quantity.view_sensitive
        and (measured.label is None or measured.view_error is None)
    ):
        return _withheld(difference, view_reason(check, quantity, measured), "view")
    if check.relabeled and quantity.view_sensitive:
        return _withheld(difference, facing_reason(check, quantity), "facing")
    if (turned := _feet_turned(check.a, check.b)) and quantity.key in FACING:
        return _withheld(difference, feet_reason(turned[0], quantity), "facing")
    if difference.label is None:
        return difference
    for side, track, frames in (("A", tracks[0], measured.frames_a), ("B", tracks[1], measured.frames_b)):
        if (unseen := unseen_joint(track, frames, quantity)) is not None:
            return _withheld(difference, _visibility_reason(side, frames, *unseen, quantity), "visibility")
    return difference


def stand_in_wins(verdict: Difference, instead: Difference, views_differ: bool) -> bool:
    """Whether a stand-in's verdict (`instead`) takes the place of the reading it stands in for: where
    the gate withheld that one, when the stand-in decides at all; across two views, when it decides A
    or B (the angle comes from the pose model's guess of depth, the heights from the image itself)."""
    if verdict.withheld is not None:
        return instead.label is not None
    return views_differ and instead.label in ("A", "B")


def stood_in(instead: Difference, replaced_verdict: Difference) -> Difference:
    """The verdict of a quantity's view-robust stand-in, saying which reading it replaces and why: that
    one was withheld, or the views differ and it is read from the pose model's guess of depth (no
    silent fallback)."""
    measured, replaced = instead.measured, replaced_verdict.measured
    if measured is None or replaced is None or replaced.quantity is None:
        return instead
    original = find_quantity(replaced.quantity)
    why = (
        f"which was withheld: {replaced_verdict.reason}"
        if replaced_verdict.withheld is not None
        else f"which reads {replaced.value_a:.3g} vs {replaced.value_b:.3g} {original.unit} from the pose "
        "model's guess of depth, and the views differ"
    )
    note = (
        f"read as the {find_quantity(measured.quantity or '').description} in place of the "
        f"{original.description}, {why}"
    )
    noted = measured.model_copy(update={"summary": f"{measured.summary}; {note}"})
    return instead.model_copy(
        update={
            "evidence": [noted if e is measured else e for e in instead.evidence],
            "reason": note if instead.reason is None else f"{instead.reason}, {note}",
        }
    )
