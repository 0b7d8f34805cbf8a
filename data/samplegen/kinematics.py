"""Skeleton of a 1.75 m adult, forward kinematics, and the motion curves of the sample actions.

World coordinates are metres with y up and the floor at y = 0. The body stands near the origin facing
+z with its left side towards +x. Parameter dataclasses use degrees; the maths uses radians.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# BlazePose / mediapipe landmark order.
LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
SIDES: tuple[tuple[str, float], ...] = (("left", 1.0), ("right", -1.0))

# Face points in the head frame (x = person's left, y = up, z = facing direction), origin at eye level.
HEAD_POINTS: dict[str, tuple[float, float, float]] = {
    "nose": (0.0, -0.032, 0.121),
    "eye_inner": (0.017, 0.008, 0.088),
    "eye": (0.033, 0.008, 0.085),
    "eye_outer": (0.048, 0.008, 0.074),
    "ear": (0.084, 0.0, -0.01),
    "mouth": (0.023, -0.058, 0.088),
}


def rot_x(a: float) -> np.ndarray:
    """Rotation about +x; positive pitches +z downwards (forward lean, looking down)."""
    c, s = math.cos(a), math.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rot_y(a: float) -> np.ndarray:
    """Rotation about +y; positive turns +z towards +x."""
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rot_z(a: float) -> np.ndarray:
    """Rotation about +z; positive tilts +y towards -x."""
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def unit(v: np.ndarray) -> np.ndarray:
    """Normalise a vector."""
    return v / np.linalg.norm(v)


def min_jerk(u: float) -> float:
    """Minimum-jerk easing from 0 to 1 on u in [0, 1]."""
    u = min(max(u, 0.0), 1.0)
    return u * u * u * (10.0 - 15.0 * u + 6.0 * u * u)


def lerp(a: float, b: float, s: float) -> float:
    """Linear interpolation."""
    return a + (b - a) * s


def chain_reach(l1: float, l2: float, angle_deg: float) -> float:
    """Distance between the ends of a two-segment chain whose interior joint angle is ``angle_deg``."""
    return math.sqrt(l1 * l1 + l2 * l2 - 2.0 * l1 * l2 * math.cos(math.radians(angle_deg)))


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Interior angle a-b-c in degrees (works for 2D or 3D points)."""
    u, v = a - b, c - b
    cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    return math.degrees(math.acos(min(max(cos, -1.0), 1.0)))


def two_bone(root: np.ndarray, end: np.ndarray, l1: float, l2: float, pole: np.ndarray) -> np.ndarray:
    """Middle joint of a two-bone chain from ``root`` to ``end``, bending towards ``pole``."""
    d = min(float(np.linalg.norm(end - root)), l1 + l2 - 1e-6)
    axis = unit(end - root)
    along = (l1 * l1 - l2 * l2 + d * d) / (2.0 * d)
    side = pole - np.dot(pole, axis) * axis
    return root + along * axis + math.sqrt(max(l1 * l1 - along * along, 0.0)) * unit(side)


@dataclass(frozen=True)
class Body:
    """Segment dimensions (metres) of the one person in every sample (standing height about 1.75 m)."""

    ankle_height: float = 0.075
    shin: float = 0.43
    thigh: float = 0.44
    hip_half_width: float = 0.09
    torso: float = 0.495  # hip-joint centre to shoulder-joint centre line
    shoulder_half_width: float = 0.18
    neck: float = 0.165  # neck base to head centre (eye level)
    upper_arm: float = 0.29
    forearm: float = 0.25
    # Foot points in the foot frame (x lateral, y up, z along the foot), relative to the ankle centre.
    heel: tuple[float, float, float] = (0.0, -0.05, -0.07)
    ball: tuple[float, float, float] = (0.0, -0.075, 0.14)
    toe: tuple[float, float, float] = (0.0, -0.06, 0.195)

    def ankle_height_on_ball(self, heel_raise: float) -> float:
        """Ankle height with the foot pitched heel-up by ``heel_raise`` (rad) and the ball on the floor."""
        return -float((rot_x(heel_raise) @ np.array(self.ball))[1])

    def hip_height(self, knee_deg: float, lateral: float, forward: float, ankle_y: float) -> float:
        """Hip-joint height giving interior knee angle ``knee_deg`` for a hip offset from its ankle."""
        reach = chain_reach(self.thigh, self.shin, knee_deg)
        rest = reach * reach - lateral * lateral - forward * forward
        if rest <= 0.0:
            raise ValueError("leg cannot reach: reduce the stance or the hip set-back")
        return ankle_y + math.sqrt(rest)


@dataclass
class PoseSpec:
    """What a motion prescribes at one instant, in body coordinates (metres, radians)."""

    pelvis: np.ndarray  # hip-joint centre
    lean: float  # trunk pitch, + forward
    roll: float  # trunk side tilt (sway)
    head_pitch: float  # head pitch from upright, + looking down
    ankles: np.ndarray  # (2, 3) left, right ankle centres
    foot_yaw: np.ndarray  # (2,) toe-out, + outwards
    heel_raise: np.ndarray  # (2,) foot pitch about the ball, + heel up
    knee_pole: np.ndarray  # (2, 3) direction each knee points
    wrist_offset: np.ndarray  # (2, 3) wrist relative to its shoulder joint
    elbow_pole: np.ndarray  # (2, 3) direction each elbow points
    palm_forward: float  # 0: palms face the body's midline, 1: palms face forward
    fist: float  # 0: open hands, 1: gripping
    shrug: float = 0.0  # shoulder elevation (m)


@dataclass
class Skeleton:
    """Solved joint positions and segment frames (world coordinates) of one frame."""

    points: dict[str, np.ndarray]  # the 33 landmarks plus pelvis, neck_base, head_center
    trunk: np.ndarray  # 3x3, columns: left, up, forward
    head: np.ndarray  # 3x3, columns: left, up, facing
    hands: np.ndarray  # (2, 3, 3) left, right; columns: thumb side, palm normal, finger axis
    feet: np.ndarray  # (2, 3, 3) left, right; columns: lateral, up, along the foot

    def landmarks(self) -> np.ndarray:
        """(33, 3) world positions in mediapipe landmark order."""
        return np.stack([self.points[n] for n in LANDMARK_NAMES])


def solve(body: Body, spec: PoseSpec) -> Skeleton:
    """Forward kinematics: place every joint of ``body`` in the pose ``spec``."""
    pts: dict[str, np.ndarray] = {}
    pelvis = np.asarray(spec.pelvis, float)
    trunk = rot_z(spec.roll) @ rot_x(spec.lean)
    head = rot_z(spec.roll) @ rot_x(spec.head_pitch)
    shoulder_mid = pelvis + trunk @ np.array([0.0, body.torso, 0.0])
    neck_base = shoulder_mid + trunk @ np.array([0.0, 0.025, -0.025])
    neck_dir = rot_z(spec.roll) @ rot_x(0.5 * (spec.lean + spec.head_pitch)) @ np.array([0.0, 1.0, 0.12])
    head_center = neck_base + body.neck * unit(neck_dir)
    pts.update(pelvis=pelvis, neck_base=neck_base, head_center=head_center)
    for name, p in HEAD_POINTS.items():
        local = np.array(p)
        if name == "nose":
            pts["nose"] = head_center + head @ local
            continue
        for side_name, side in SIDES:
            key = f"mouth_{side_name}" if name == "mouth" else f"{side_name}_{name}"
            pts[key] = head_center + head @ (local * np.array([side, 1.0, 1.0]))

    hands, feet = np.zeros((2, 3, 3)), np.zeros((2, 3, 3))
    for i, (nm, side) in enumerate(SIDES):
        hip = pelvis + np.array([side * body.hip_half_width, 0.0, 0.0])
        foot = rot_y(side * spec.foot_yaw[i]) @ rot_x(spec.heel_raise[i])
        ankle = np.asarray(spec.ankles[i], float)
        knee = two_bone(hip, ankle, body.thigh, body.shin, spec.knee_pole[i])
        shoulder = shoulder_mid + trunk @ np.array([side * body.shoulder_half_width, spec.shrug, 0.0])
        wrist = shoulder + spec.wrist_offset[i]
        elbow = two_bone(shoulder, wrist, body.upper_arm, body.forearm, spec.elbow_pole[i])
        wrist = elbow + body.forearm * unit(wrist - elbow)  # clamp an over-long reach
        axis = unit(wrist - elbow)
        medial, forward = np.array([-side, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])
        normal = medial + spec.palm_forward * (forward - medial)
        normal = unit(normal - np.dot(normal, axis) * axis)
        thumb = side * np.cross(normal, axis)
        hands[i] = np.column_stack([thumb, normal, axis])
        feet[i] = foot
        pts.update(
            {
                f"{nm}_hip": hip,
                f"{nm}_knee": knee,
                f"{nm}_ankle": ankle,
                f"{nm}_heel": ankle + foot @ np.array(body.heel),
                f"{nm}_foot_index": ankle + foot @ np.array(body.toe),
                f"{nm}_shoulder": shoulder,
                f"{nm}_elbow": elbow,
                f"{nm}_wrist": wrist,
                f"{nm}_index": wrist + 0.085 * axis + 0.025 * thumb,
                f"{nm}_pinky": wrist + 0.075 * axis - 0.03 * thumb,
                f"{nm}_thumb": wrist + 0.05 * axis + 0.045 * thumb + 0.01 * normal,
            }
        )
    return Skeleton(points=pts, trunk=trunk, head=head, hands=hands, feet=feet)


def skeleton_angles(sk: Skeleton) -> dict[str, float]:
    """True interior joint angles (degrees) and trunk lean from vertical."""
    p = sk.points
    out: dict[str, float] = {}
    for nm, _ in SIDES:
        out[f"{nm}_knee"] = joint_angle(p[f"{nm}_hip"], p[f"{nm}_knee"], p[f"{nm}_ankle"])
        out[f"{nm}_hip"] = joint_angle(p[f"{nm}_shoulder"], p[f"{nm}_hip"], p[f"{nm}_knee"])
        out[f"{nm}_elbow"] = joint_angle(p[f"{nm}_shoulder"], p[f"{nm}_elbow"], p[f"{nm}_wrist"])
    shoulder_mid = 0.5 * (p["left_shoulder"] + p["right_shoulder"])
    up = unit(shoulder_mid - p["pelvis"])
    out["trunk_lean"] = math.degrees(math.acos(float(up[1])))
    return out


# --------------------------------------------------------------------------------------------- motion


@dataclass(frozen=True)
class Tempo:
    """Timing (seconds) of a movement repeated out to an extreme and back."""

    lead_in: float  # standing still before the first repetition
    out: float  # start position -> extreme (squat descent, press drive)
    hold: float  # pause at the extreme
    back: float  # extreme -> start position
    pause: float  # pause at the start position between repetitions
    reps: int
    tail: float  # standing still after the last repetition

    @property
    def cycle(self) -> float:
        return self.out + self.hold + self.back + self.pause

    @property
    def duration(self) -> float:
        return self.lead_in + self.reps * self.cycle - self.pause + self.tail

    def progress(self, t: float) -> float:
        """0 at the start position, 1 at the extreme, eased in between."""
        u = t - self.lead_in
        k = math.floor(u / self.cycle) if u >= 0 else -1
        if k < 0 or k >= self.reps:
            return 0.0
        u -= k * self.cycle
        if u < self.out:
            return min_jerk(u / self.out)
        u -= self.out
        if u < self.hold:
            return 1.0
        u -= self.hold
        return 1.0 - min_jerk(u / self.back) if u < self.back else 0.0

    def phases(self, fps: float) -> list[dict[str, int]]:
        """Frame indices of each repetition: start, extreme (middle of the hold) and end."""
        reps = []
        for k in range(self.reps):
            t0 = self.lead_in + k * self.cycle
            reps.append(
                {
                    "start": round(t0 * fps),
                    "extreme": round((t0 + self.out + 0.5 * self.hold) * fps),
                    "end": round((t0 + self.out + self.hold + self.back) * fps),
                }
            )
        return reps


@dataclass(frozen=True)
class Sway:
    """Small deterministic postural sway, so that a standing body is not perfectly frozen."""

    seed: int

    def roll(self, t: float) -> float:
        rng = np.random.default_rng(self.seed)
        f1, f2, p1, p2 = rng.uniform(0.2, 0.35), rng.uniform(0.5, 0.8), *rng.uniform(0, 2 * math.pi, 2)
        return math.radians(
            0.6 * math.sin(2 * math.pi * f1 * t + p1) + 0.25 * math.sin(2 * math.pi * f2 * t + p2)
        )


def _arm_offset(side: float, reach: float, flexion: float, abduction: float) -> np.ndarray:
    """Wrist offset from the shoulder for an arm raised forward by ``flexion`` and out by ``abduction``."""
    return reach * np.array(
        [
            side * math.sin(abduction),
            -math.cos(flexion) * math.cos(abduction),
            math.sin(flexion) * math.cos(abduction),
        ]
    )


def _hanging_arms(body: Body, flexion: float, elbow_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Wrist offsets and elbow poles for both arms raised forward by ``flexion``."""
    reach = chain_reach(body.upper_arm, body.forearm, elbow_deg)
    offsets = np.stack([_arm_offset(side, reach, flexion, math.radians(9.0)) for _, side in SIDES])
    poles = np.stack([np.array([0.4 * side, -math.sin(flexion), -math.cos(flexion)]) for _, side in SIDES])
    return offsets, poles


def _standing_pelvis(body: Body, knee_deg: float, shin_deg: float, half_stance: float) -> np.ndarray:
    """Hip-joint centre over two symmetric planted feet for a given knee angle and shin tilt."""
    shin = math.radians(shin_deg)
    thigh = math.pi - math.radians(knee_deg) - shin
    forward = body.shin * math.sin(shin) - body.thigh * math.sin(thigh)  # sagittal estimate of the set-back
    lateral = half_stance - body.hip_half_width
    return np.array([0.0, body.hip_height(knee_deg, lateral, forward, body.ankle_height), forward])


@dataclass(frozen=True)
class Squat:
    """Bodyweight squat: descend to ``bottom_knee_deg`` and stand up, arms reaching forward for balance."""

    tempo: Tempo
    bottom_knee_deg: float  # interior hip-knee-ankle angle at the bottom
    bottom_lean_deg: float  # trunk lean from vertical at the bottom
    bottom_shin_deg: float  # forward shin tilt at the bottom
    stance_width: float  # ankle centre to ankle centre (m)
    toe_out_deg: float
    arm_raise_deg: float = 80.0  # shoulder flexion at the bottom
    stand_knee_deg: float = 176.0
    stand_lean_deg: float = 3.0

    def pose(self, body: Body, t: float, sway: Sway) -> PoseSpec:
        s = self.tempo.progress(t)
        lean = math.radians(lerp(self.stand_lean_deg, self.bottom_lean_deg, s))
        knee = lerp(self.stand_knee_deg, self.bottom_knee_deg, s)
        pelvis = _standing_pelvis(body, knee, self.bottom_shin_deg * s, 0.5 * self.stance_width)
        toe_out = math.radians(self.toe_out_deg)
        wrists, elbows = _hanging_arms(body, math.radians(self.arm_raise_deg) * s, 165.0)
        return PoseSpec(
            pelvis=pelvis,
            lean=lean,
            roll=sway.roll(t),
            head_pitch=0.3 * lean,
            ankles=np.array([[side * 0.5 * self.stance_width, body.ankle_height, 0.0] for _, side in SIDES]),
            foot_yaw=np.array([toe_out, toe_out]),
            heel_raise=np.zeros(2),
            knee_pole=np.array(
                [[side * math.sin(toe_out + 0.1), 0.0, math.cos(toe_out + 0.1)] for _, side in SIDES]
            ),
            wrist_offset=wrists,
            elbow_pole=elbows,
            palm_forward=0.0,
            fist=0.2,
        )


@dataclass(frozen=True)
class OverheadPress:
    """Standing dumbbell overhead press from the shoulders (the rack) to ``top_elbow_deg`` overhead."""

    tempo: Tempo
    top_elbow_deg: float  # interior shoulder-elbow-wrist angle at the top
    rack_dir: tuple[float, float, float]  # wrist direction from the shoulder at the rack (out, up, forward)
    top_dir: tuple[float, float, float]  # the same at the top
    elbow_pole: tuple[float, float, float]  # where the elbows point (out, up, forward)
    rack_elbow_deg: float = 50.0
    stance_width: float = 0.32

    def pose(self, body: Body, t: float, sway: Sway) -> PoseSpec:
        s = self.tempo.progress(t)
        reach = chain_reach(body.upper_arm, body.forearm, lerp(self.rack_elbow_deg, self.top_elbow_deg, s))
        direction = unit(np.array(self.rack_dir) + s * (np.array(self.top_dir) - np.array(self.rack_dir)))
        mirror = [np.array([side, 1.0, 1.0]) for _, side in SIDES]
        return PoseSpec(
            pelvis=_standing_pelvis(body, 177.0, 2.0, 0.5 * self.stance_width),
            lean=math.radians(lerp(2.0, -3.0, s)),
            roll=sway.roll(t),
            head_pitch=math.radians(lerp(0.0, -4.0, s)),
            ankles=np.array([[side * 0.5 * self.stance_width, body.ankle_height, 0.0] for _, side in SIDES]),
            foot_yaw=np.radians([8.0, 8.0]),
            heel_raise=np.zeros(2),
            knee_pole=np.array([[0.1 * side, 0.0, 1.0] for _, side in SIDES]),
            wrist_offset=np.stack([reach * direction * m for m in mirror]),
            elbow_pole=np.stack([np.array(self.elbow_pole) * m for m in mirror]),
            palm_forward=1.0,
            fist=1.0,
            shrug=0.025 * s,
        )


@dataclass(frozen=True)
class SplitSquat:
    """Static lunge (split squat), left foot forward: lower straight down and stand up."""

    tempo: Tempo
    step_length: float  # front ankle to back ankle along the facing direction (m)
    bottom_knee_deg: float  # front-knee interior angle at the bottom
    bottom_shin_deg: float  # forward tilt of the front shin at the bottom
    foot_gap: float = 0.2  # lateral distance between the ankle centres (m)
    back_heel_deg: float = 50.0
    bottom_lean_deg: float = 10.0

    def _geometry(self, body: Body) -> tuple[np.ndarray, tuple[float, float], float]:
        """Ankles (relative to the bottom pelvis), the standing pelvis (forward offset, height) and the
        bottom hip height.

        Standing, the pelvis sits where both legs come closest to straight (front knee 176 deg, back
        knee 172 deg); at the bottom it is set back over the bent front shin.
        """
        front_z = 0.55 * self.step_length
        back_y = body.ankle_height_on_ball(math.radians(self.back_heel_deg))
        ankles = np.array(
            [
                [0.5 * self.foot_gap, body.ankle_height, front_z],
                [-0.5 * self.foot_gap, back_y, front_z - self.step_length],
            ]
        )
        shin = math.radians(self.bottom_shin_deg)
        thigh = math.pi - math.radians(self.bottom_knee_deg) - shin
        pelvis_z = front_z + body.shin * math.sin(shin) - body.thigh * math.sin(thigh)
        lateral = 0.5 * self.foot_gap - body.hip_half_width
        bottom = body.hip_height(self.bottom_knee_deg, lateral, pelvis_z - front_z, body.ankle_height)

        def standing_height(z: float) -> float:
            try:
                return min(
                    body.hip_height(176.0, lateral, z - front_z, body.ankle_height),
                    body.hip_height(172.0, lateral, z - ankles[1, 2], back_y),
                )
            except ValueError:  # a leg cannot reach from here
                return -math.inf

        top_z = max(np.linspace(ankles[1, 2], front_z, 201), key=standing_height)
        top = (float(top_z - pelvis_z), standing_height(top_z))
        ankles[:, 2] -= pelvis_z
        return ankles, top, bottom

    def pose(self, body: Body, t: float, sway: Sway) -> PoseSpec:
        s = self.tempo.progress(t)
        ankles, (top_z, top), bottom = self._geometry(body)
        lean = math.radians(lerp(2.0, self.bottom_lean_deg, s))
        wrists, elbows = _hanging_arms(body, math.radians(5.0), 170.0)
        return PoseSpec(
            pelvis=np.array([0.0, lerp(top, bottom, s), lerp(top_z, 0.0, s)]),
            lean=lean,
            roll=sway.roll(t),
            head_pitch=0.5 * lean,
            ankles=ankles,
            foot_yaw=np.radians([4.0, 4.0]),
            heel_raise=np.array([0.0, math.radians(self.back_heel_deg)]),
            knee_pole=np.array([[0.05, 0.0, 1.0], [-0.05, -0.3, 1.0]]),
            wrist_offset=wrists,
            elbow_pole=elbows,
            palm_forward=0.0,
            fist=0.3,
        )
