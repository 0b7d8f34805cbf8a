"""Sphere-traced signed-distance renderer of a clothed person in a plain room, using numpy only.

The body is a smooth union of round cones and ellipsoids placed on the solved skeleton; the face,
sleeves and shoe soles are coloured procedurally. Lighting is a key light with soft SDF shadows, a
fill light, sky ambient with ambient occlusion, and a little specular. Silhouette pixels are
supersampled 4x. The fixed room (wooden floor, painted wall) is precomputed once per camera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import ArrayLike

from .kinematics import SIDES, Skeleton, unit

SKIN, SHIRT, TROUSERS, SHOE, HAIR, METAL, SOLE = range(7)
ALBEDO_SRGB = np.array(
    [
        (0.80, 0.60, 0.48),  # skin
        (0.72, 0.16, 0.17),  # shirt
        (0.16, 0.20, 0.32),  # trousers (navy)
        (0.22, 0.22, 0.24),  # shoe upper
        (0.20, 0.13, 0.09),  # hair
        (0.18, 0.18, 0.20),  # dumbbell
        (0.88, 0.88, 0.86),  # shoe sole
    ]
)
SPECULAR = np.array([0.12, 0.04, 0.02, 0.10, 0.08, 0.5, 0.03])
SHININESS = np.array([24.0, 8.0, 8.0, 32.0, 16.0, 60.0, 8.0])
NEAR = 0.08  # groups farther than this (m) from a point are represented by their bounding capsule


def srgb_to_linear(c: np.ndarray) -> np.ndarray:
    """sRGB [0, 1] to linear."""
    c = np.asarray(c, np.float32)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(c: np.ndarray) -> np.ndarray:
    """Linear to sRGB [0, 1] with clipping."""
    c = np.clip(c, 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * np.power(c, 1 / 2.4) - 0.055)


def tonemap(c: np.ndarray) -> np.ndarray:
    """Filmic curve (ACES fit) from scene-linear to display-linear."""
    return (c * (2.51 * c + 0.03)) / (c * (2.43 * c + 0.59) + 0.14)


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise dot product of (N, 3) arrays."""
    return np.einsum("ij,ij->i", a, b)


def smin(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Polynomial smooth minimum with blend radius ``k`` (hard minimum for k = 0)."""
    if k <= 0.0:
        return np.minimum(a, b)
    h = np.maximum(k - np.abs(a - b), 0.0) / k
    return np.minimum(a, b) - h * h * (0.25 * k)


def sd_capsule(p: np.ndarray, a: np.ndarray, b: np.ndarray, r: float) -> np.ndarray:
    """Distance to a capsule."""
    ba = b - a
    pa = p - a
    h = np.clip(pa @ (ba / max(float(ba @ ba), 1e-12)), 0.0, 1.0)
    q = pa - h[:, None] * ba
    return np.sqrt(dot(q, q)) - r


def sd_round_cone(p: np.ndarray, a: np.ndarray, b: np.ndarray, r1: float, r2: float) -> np.ndarray:
    """Exact distance to a cone with spherical ends (radius r1 at a, r2 at b); after I. Quilez."""
    ba = b - a
    l2 = float(ba @ ba)
    rr = r1 - r2
    a2 = l2 - rr * rr
    il2 = 1.0 / l2
    pa = p - a
    y = pa @ ba
    z = y - l2
    q = pa * l2 - y[:, None] * ba
    x2 = dot(q, q)
    y2 = y * y * l2
    z2 = z * z * l2
    k = math.copysign(1.0, rr) * rr * rr * x2
    side = np.sqrt(x2 * a2 * il2) + y * rr
    return np.where(
        np.sign(z) * a2 * z2 > k,
        np.sqrt(x2 + z2) * il2 - r2,
        np.where(np.sign(y) * a2 * y2 < k, np.sqrt(x2 + y2) * il2 - r1, side * il2 - r1),
    )


def sd_ellipsoid(p: np.ndarray, c: np.ndarray, rot: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """Approximate distance to an oriented ellipsoid (columns of ``rot`` are its axes)."""
    q = (p - c) @ (rot / radii)
    k0 = np.sqrt(dot(q, q))
    q /= radii
    k1 = np.sqrt(dot(q, q))
    return k0 * (k0 - 1.0) / np.maximum(k1, 1e-9)


@dataclass
class Shape:
    """One primitive: a round cone (a -> b, radii r1, r2) or an ellipsoid (centre a, axes rot, radii)."""

    kind: str
    a: np.ndarray
    radii: np.ndarray
    material: int
    blend: float = 0.0  # smooth-union radius with the shapes before it in its group
    b: np.ndarray | None = None
    rot: np.ndarray | None = None
    clip: tuple[np.ndarray, np.ndarray] | None = None  # (point, normal): removes where (p - point).normal > 0
    split: tuple[np.ndarray, np.ndarray, int] | None = None  # recolour where (p - point).normal > 0
    face: bool = False  # receives the face decals

    def distance(self, p: np.ndarray) -> np.ndarray:
        if self.kind == "cone":
            assert self.b is not None
            d = sd_round_cone(p, self.a, self.b, float(self.radii[0]), float(self.radii[1]))
        else:
            assert self.rot is not None
            d = sd_ellipsoid(p, self.a, self.rot, self.radii)
        if self.clip is not None:
            d = np.maximum(d, (p - self.clip[0]) @ self.clip[1])
        return d

    def spheres(self) -> list[tuple[np.ndarray, float]]:
        """Spheres whose convex hull contains the shape."""
        if self.kind == "cone":
            assert self.b is not None
            return [(self.a, float(self.radii[0])), (self.b, float(self.radii[1]))]
        return [(self.a, float(self.radii.max()))]


@dataclass
class Group:
    """Shapes smooth-blended together, bounded by a capsule (a, b, r) for fast culling."""

    shapes: list[Shape]
    a: np.ndarray
    b: np.ndarray
    blend: float  # smooth-union radius with the groups before it
    r: float = field(init=False)

    def __post_init__(self) -> None:
        self.a, self.b = _f32(self.a), _f32(self.b)
        margin = 0.005 + max(s.blend for s in self.shapes)
        self.r = (
            max(
                float(sd_capsule(c[None, :], self.a, self.b, 0.0)[0]) + rad
                for s in self.shapes
                for c, rad in s.spheres()
            )
            + margin
        )

    def distance(self, p: np.ndarray) -> np.ndarray:
        d = self.shapes[0].distance(p)
        for s in self.shapes[1:]:
            d = smin(d, s.distance(p), s.blend)
        return d


def _f32(v: ArrayLike) -> np.ndarray:
    return np.asarray(v, np.float32)


Recolour = tuple[np.ndarray, np.ndarray, int]
FLOOR_CLIP = (np.zeros(3, np.float32), _f32([0, -1, 0]))  # removes everything below the floor


def _cone(
    a: np.ndarray,
    b: np.ndarray,
    r1: float,
    r2: float,
    mat: int,
    blend: float = 0.0,
    *,
    clip: tuple[np.ndarray, np.ndarray] | None = None,
    split: Recolour | None = None,
    face: bool = False,
) -> Shape:
    return Shape("cone", _f32(a), _f32([r1, r2]), mat, blend, b=_f32(b), clip=clip, split=split, face=face)


def _ellipsoid(
    c: np.ndarray,
    rot: np.ndarray,
    radii: tuple[float, float, float],
    mat: int,
    blend: float = 0.0,
    *,
    clip: tuple[np.ndarray, np.ndarray] | None = None,
    split: Recolour | None = None,
    face: bool = False,
) -> Shape:
    return Shape(
        "ellipsoid", _f32(c), _f32(radii), mat, blend, rot=_f32(rot), clip=clip, split=split, face=face
    )


def _torso(sk: Skeleton) -> Group:
    """Pelvis and buttocks (trousers), abdomen, chest and shoulder slopes (T-shirt)."""
    p, T = sk.points, sk.trunk
    sh_mid = 0.5 * (p["left_shoulder"] + p["right_shoulder"])

    def at(x: float, y: float, z: float) -> np.ndarray:
        return p["pelvis"] + T @ np.array([x, y, z])

    shapes = [
        _ellipsoid(at(0, 0.05, -0.015), T, (0.165, 0.115, 0.11), TROUSERS),
        _ellipsoid(at(0.065, -0.01, -0.055), T, (0.085, 0.1, 0.08), TROUSERS, 0.04),
        _ellipsoid(at(-0.065, -0.01, -0.055), T, (0.085, 0.1, 0.08), TROUSERS, 0.04),
        _ellipsoid(at(0, 0.21, 0.005), T, (0.145, 0.13, 0.1), SHIRT, 0.05),
        _ellipsoid(at(0, 0.36, 0.01), T, (0.163, 0.15, 0.108), SHIRT, 0.05),
    ]
    for nm, side in SIDES:
        inner = sh_mid + T @ np.array([side * 0.03, -0.02, -0.015])
        outer = p[f"{nm}_shoulder"] + T @ np.array([side * 0.004, -0.008, 0.0])
        shapes.append(_cone(inner, outer, 0.068, 0.05, SHIRT, 0.05))
    return Group(shapes, at(0, -0.05, 0), sh_mid, 0.0)


def _leg(sk: Skeleton, i: int) -> Group:
    """Thigh, shin and calf (trousers) and a shoe with a light sole."""
    nm = SIDES[i][0]
    hip, knee, ankle = (sk.points[f"{nm}_{j}"] for j in ("hip", "knee", "ankle"))
    F = sk.feet[i]
    axis = unit(ankle - knee)
    back = unit(np.dot(F[:, 2], axis) * axis - F[:, 2])
    calf_rot = np.column_stack([unit(np.cross(axis, back)), axis, back])
    sole = (_f32(ankle + F @ np.array([0, -0.052, 0])), _f32(-F[:, 1]), SOLE)
    heel, toe, instep = (
        ankle + F @ np.array(v) for v in ([0, -0.03, -0.05], [0, -0.043, 0.16], [0, -0.02, 0.035])
    )
    shapes = [
        _cone(hip, knee, 0.088, 0.058, TROUSERS),
        _cone(knee, ankle, 0.054, 0.042, TROUSERS, 0.03),
        _ellipsoid(knee + 0.3 * (ankle - knee) + 0.02 * back, calf_rot, (0.05, 0.12, 0.05), TROUSERS, 0.04),
        _cone(heel, toe, 0.045, 0.036, SHOE, 0.02, clip=FLOOR_CLIP, split=sole),
        _ellipsoid(instep, F, (0.046, 0.045, 0.085), SHOE, 0.02, clip=FLOOR_CLIP, split=sole),
    ]
    return Group(shapes, hip, ankle + F @ np.array([0, -0.04, 0.08]), 0.045)


def _head(sk: Skeleton) -> Group:
    """Neck, skull, jaw, nose and ears (skin, the face painted later) and a cap of hair."""
    H = sk.head

    def at(x: float, y: float, z: float) -> np.ndarray:
        return sk.points["head_center"] + H @ np.array([x, y, z])

    hairline = (_f32(at(0, 0.062, 0.09)), _f32(H @ unit(np.array([0, -0.18, 0.125]))))
    shapes = [
        _cone(
            sk.points["neck_base"] + sk.trunk @ np.array([0, -0.04, 0]),
            at(0, -0.06, -0.025),
            0.058,
            0.05,
            SKIN,
        ),
        _ellipsoid(at(0, 0.02, -0.008), H, (0.078, 0.105, 0.099), SKIN, 0.03, face=True),
        _ellipsoid(at(0, -0.045, 0.02), H, (0.064, 0.066, 0.074), SKIN, 0.035, face=True),
        _cone(at(0, 0.004, 0.088), at(0, -0.03, 0.109), 0.008, 0.012, SKIN, 0.012, face=True),
        _ellipsoid(at(0.076, 0.0, -0.012), H, (0.013, 0.03, 0.02), SKIN, 0.008),
        _ellipsoid(at(-0.076, 0.0, -0.012), H, (0.013, 0.03, 0.02), SKIN, 0.008),
        _ellipsoid(at(0, 0.025, -0.014), H, (0.085, 0.111, 0.107), HAIR, clip=hairline),
    ]
    return Group(shapes, sk.points["neck_base"], at(0, 0.02, 0.0), 0.03)


def _arm(sk: Skeleton, i: int, fist: float) -> Group:
    """Upper arm (short sleeve, then skin), forearm, palm, fingers curled by ``fist`` in [0, 1], thumb."""
    nm = SIDES[i][0]
    sh, el, wr = (sk.points[f"{nm}_{j}"] for j in ("shoulder", "elbow", "wrist"))
    thumb, normal, axis = sk.hands[i].T
    curl = math.radians(110.0 * fist)
    f_dir = math.cos(curl) * axis + math.sin(curl) * normal
    f_rot = np.column_stack([thumb, -math.sin(curl) * axis + math.cos(curl) * normal, f_dir])
    sleeve = (_f32(sh + 0.45 * (el - sh)), _f32(unit(el - sh)), SKIN)
    shapes = [
        _cone(sh, el, 0.052, 0.041, SHIRT, split=sleeve),
        _cone(el, wr, 0.04, 0.027, SKIN, 0.02),
        _ellipsoid(wr + 0.045 * axis, sk.hands[i], (0.042, 0.018, 0.05), SKIN, 0.02),
        _ellipsoid(wr + 0.085 * axis + 0.035 * f_dir, f_rot, (0.04, 0.014, 0.045), SKIN, 0.012),
        _cone(
            wr + 0.025 * axis + 0.03 * thumb,
            wr + 0.065 * axis + 0.06 * thumb + 0.015 * normal,
            0.014,
            0.01,
            SKIN,
            0.01,
        ),
    ]
    return Group(shapes, sh, wr + 0.1 * axis, 0.012)


def _dumbbell(sk: Skeleton, i: int) -> Group:
    """A dumbbell gripped in hand ``i``: a handle across the fist and two weight discs."""
    thumb, normal, axis = sk.hands[i].T
    grip = sk.points[f"{SIDES[i][0]}_wrist"] + 0.05 * axis + 0.02 * normal
    shapes = [_cone(grip - 0.08 * thumb, grip + 0.08 * thumb, 0.017, 0.017, METAL)]
    for s in (-1.0, 1.0):
        shapes.append(_ellipsoid(grip + s * 0.1 * thumb, sk.hands[i], (0.028, 0.06, 0.06), METAL, 0.01))
    return Group(shapes, grip - 0.12 * thumb, grip + 0.12 * thumb, 0.0)


def build_body(sk: Skeleton, dumbbells: bool) -> list[Group]:
    """All primitive groups of the body (and the dumbbells) on a solved skeleton."""
    groups = [_torso(sk), _leg(sk, 0), _leg(sk, 1), _head(sk)]
    for i in range(2):
        groups.append(_arm(sk, i, 1.0 if dumbbells else 0.25))
        if dumbbells:
            groups.append(_dumbbell(sk, i))
    return groups


class BodySDF:
    """Signed distance to the whole body, with bounding-capsule culling per group."""

    def __init__(self, groups: list[Group]) -> None:
        self.groups = groups
        self.shapes = [s for g in groups for s in g.shapes]
        ends = np.array([e for g in groups for e in (g.a, g.b)])
        self.center = ends.mean(axis=0)
        self.radius = max(float(np.linalg.norm(e - self.center)) + g.r for g in groups for e in (g.a, g.b))

    def __call__(self, p: np.ndarray) -> np.ndarray:
        total: np.ndarray | None = None
        for g in self.groups:
            d = sd_capsule(p, g.a, g.b, g.r)
            near = d < NEAR
            if near.all():
                d = g.distance(p)
            elif near.any():
                d[near] = g.distance(p[near])
            total = d if total is None else smin(total, d, g.blend)
        assert total is not None
        return total

    def nearest_shape(self, p: np.ndarray) -> np.ndarray:
        """Index (into ``self.shapes``) of the primitive nearest each surface point."""
        return np.argmin(np.stack([s.distance(p) for s in self.shapes]), axis=0)

    def normal(self, p: np.ndarray) -> np.ndarray:
        """Surface normals by the tetrahedron technique."""
        e = 0.0008
        n = np.zeros_like(p)
        for k in ((1, -1, -1), (-1, -1, 1), (-1, 1, -1), (1, 1, 1)):
            kv = np.array(k, np.float32)
            n += kv * self(p + e * kv)[:, None]
        return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-9)

    def soft_shadow(self, p: np.ndarray, light: np.ndarray, hardness: float = 8.0) -> np.ndarray:
        """Penumbra factor (1 = lit) towards a directional light."""
        res = np.ones(len(p), np.float32)
        # Only rays passing near the body's bounding sphere can be shadowed.
        oc = self.center - p
        tc = oc @ light
        miss = (tc < 0) | (np.linalg.norm(oc - tc[:, None] * light, axis=1) > self.radius)
        idx = np.flatnonzero(~miss)
        t = np.full(len(idx), 0.01, np.float32)
        tmax = tc[idx] + self.radius
        for _ in range(40):
            if len(idx) == 0:
                break
            h = self(p[idx] + t[:, None] * light)
            res[idx] = np.minimum(res[idx], hardness * h / t)
            t += np.clip(h, 0.01, 0.15)
            keep = (res[idx] > 0.002) & (t < tmax)
            idx, t, tmax = idx[keep], t[keep], tmax[keep]
        r = np.clip(res, 0.0, 1.0)
        return r * r * (3.0 - 2.0 * r)

    def occlusion(self, p: np.ndarray, n: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """Ambient occlusion factor (1 = open) from a few distance samples along the normal."""
        occ = np.zeros(len(p), np.float32)
        for i, h in enumerate((0.01, 0.03, 0.06, 0.1)):
            h *= scale
            occ += (h - self(p + h * n)) * (0.7**i)
        return np.clip(1.0 - 4.0 * occ / scale, 0.0, 1.0)

    def march(self, origin: np.ndarray, dirs: np.ndarray, tmax: np.ndarray, pixel_angle: float) -> np.ndarray:
        """Sphere-trace rays; returns the hit distance, or inf for a miss."""
        oc = self.center - origin
        t = np.full(len(dirs), max(float(np.linalg.norm(oc)) - self.radius, 0.05), np.float32)
        tmax = np.minimum(tmax, float(np.linalg.norm(oc)) + self.radius)
        out = np.full(len(dirs), np.inf, np.float32)
        idx = np.arange(len(dirs))
        for _ in range(96):
            if len(idx) == 0:
                break
            d = self(origin + t[idx, None] * dirs[idx])
            hit = d < 0.4 * pixel_angle * t[idx]
            out[idx[hit]] = t[idx[hit]]
            t[idx] += 0.9 * d
            idx = idx[~hit & (t[idx] < tmax[idx])]
        return out


# --------------------------------------------------------------------------------------------- scene


@dataclass(frozen=True)
class Camera:
    """Fixed pinhole camera looking at ``target`` from ``distance`` at ``yaw_deg`` from the body's front."""

    width: int = 480
    height: int = 360
    yaw_deg: float = 30.0
    distance: float = 4.2
    elevation: float = 1.3  # camera height (m)
    target: tuple[float, float, float] = (0.0, 0.95, 0.0)
    vfov_deg: float = 36.0

    @property
    def position(self) -> np.ndarray:
        yaw = math.radians(self.yaw_deg)
        tx, _, tz = self.target
        return np.array(
            [tx + self.distance * math.sin(yaw), self.elevation, tz + self.distance * math.cos(yaw)]
        )

    def basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """Right, up, forward unit vectors and the focal length in pixels."""
        fwd = unit(np.array(self.target) - self.position)
        right = unit(np.cross(fwd, [0.0, 1.0, 0.0]))
        up = np.cross(right, fwd)
        focal = 0.5 * self.height / math.tan(math.radians(0.5 * self.vfov_deg))
        return right, up, fwd, focal

    def rays_at(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """(N, 3) unit ray directions through continuous pixel coordinates (u right, v down)."""
        right, up, fwd, focal = self.basis()
        d = fwd * focal + right * (u - 0.5 * self.width)[:, None] - up * (v - 0.5 * self.height)[:, None]
        return (d / np.linalg.norm(d, axis=1, keepdims=True)).astype(np.float32)

    def pixel_grid(self, offset: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
        """Flattened continuous coordinates of every pixel, shifted by ``offset`` from its corner."""
        v, u = np.mgrid[0 : self.height, 0 : self.width].astype(np.float64)
        return u.ravel() + offset, v.ravel() + offset

    def project(self, pts: np.ndarray) -> np.ndarray:
        """(N, 3) world points to (N, 2) pixel coordinates (x right, y down; pixel centres at +0.5)."""
        right, up, fwd, focal = self.basis()
        rel = np.asarray(pts) - self.position
        z = rel @ fwd
        return np.stack(
            [0.5 * self.width + focal * (rel @ right) / z, 0.5 * self.height - focal * (rel @ up) / z], 1
        )


def _hash01(i: np.ndarray, j: np.ndarray, seed: int) -> np.ndarray:
    h = (i.astype(np.int64) * 374761393 + j.astype(np.int64) * 668265263 + seed * 1442695041) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 1274126177) & 0xFFFFFFFF
    return ((h ^ (h >> 16)) & 0xFFFFFF) / float(0x1000000)


def value_noise(x: np.ndarray, y: np.ndarray, seed: int, octaves: int = 4) -> np.ndarray:
    """Fractal value noise in [0, 1] on a 2D domain."""
    total, amp, norm = np.zeros_like(x), 1.0, 0.0
    for o in range(octaves):
        xi, yi = np.floor(x), np.floor(y)
        fx, fy = x - xi, y - yi
        fx, fy = fx * fx * (3 - 2 * fx), fy * fy * (3 - 2 * fy)
        c = [_hash01(xi + dx, yi + dy, seed + o) for dy in (0, 1) for dx in (0, 1)]
        total += amp * ((c[0] * (1 - fx) + c[1] * fx) * (1 - fy) + (c[2] * (1 - fx) + c[3] * fx) * fy)
        norm += amp
        amp *= 0.5
        x, y = 2.03 * x, 2.03 * y
    return total / norm


@dataclass(frozen=True)
class Lights:
    """Directional key and fill lights (unit vectors towards the lights) and ambient terms, linear RGB."""

    key_dir: np.ndarray
    fill_dir: np.ndarray
    key: np.ndarray = field(default_factory=lambda: np.array([2.1, 2.0, 1.85], np.float32))
    fill: np.ndarray = field(default_factory=lambda: np.array([0.30, 0.32, 0.36], np.float32))
    sky: np.ndarray = field(default_factory=lambda: np.array([0.42, 0.44, 0.48], np.float32))
    bounce: np.ndarray = field(default_factory=lambda: np.array([0.16, 0.13, 0.10], np.float32))

    @staticmethod
    def for_camera(cam: Camera) -> Lights:
        """Key light 40 degrees to the camera's left and 50 degrees up; fill from the camera's right."""

        def direction(yaw_deg: float, elev_deg: float) -> np.ndarray:
            y, e = math.radians(yaw_deg), math.radians(elev_deg)
            return np.array([math.cos(e) * math.sin(y), math.sin(e), math.cos(e) * math.cos(y)], np.float32)

        return Lights(direction(cam.yaw_deg - 40.0, 50.0), direction(cam.yaw_deg + 60.0, 15.0))


WALL_Z = -2.3  # the back wall plane (world z); the floor is y = 0


class Renderer:
    """Renders bodies in front of a fixed camera; the static room is precomputed."""

    def __init__(self, cam: Camera, seed: int = 7) -> None:
        self.cam = cam
        self.lights = Lights.for_camera(cam)
        self.origin = cam.position.astype(np.float32)
        self.dirs = cam.rays_at(*cam.pixel_grid())
        _, _, _, focal = cam.basis()
        self.pixel_angle = 1.0 / focal
        self._build_room(seed)

    def _build_room(self, seed: int) -> None:
        """Per-pixel room geometry (pixel centres) and its static lighting (3x3 supersampled)."""
        u, v = self.cam.pixel_grid()
        self.bg_t, self.bg_p, self.bg_n, _, _ = self._room(self.dirs, seed)
        key = np.zeros((len(u), 3), np.float32)
        ambient = np.zeros((len(u), 3), np.float32)
        for du in (-1 / 3, 0.0, 1 / 3):
            for dv in (-1 / 3, 0.0, 1 / 3):
                *_, k, a = self._room(self.cam.rays_at(u + du, v + dv), seed)
                key += k / 9.0
                ambient += a / 9.0
        self.bg_key, self.bg_ambient = key, ambient

    def _room(self, d: np.ndarray, seed: int) -> tuple[np.ndarray, ...]:
        """Hit distance, point, normal, and albedo-weighted key and ambient light of room rays ``d``."""
        o = self.origin
        with np.errstate(divide="ignore"):
            t_floor = np.where(d[:, 1] < 0, -o[1] / d[:, 1], np.inf)
            t_wall = np.where(d[:, 2] < 0, (WALL_Z - o[2]) / d[:, 2], np.inf)
        floor = t_floor < t_wall
        t = np.where(floor, t_floor, t_wall).astype(np.float32)
        p = (o + t[:, None] * d).astype(np.float32)
        n = np.where(floor[:, None], np.array([0, 1, 0], np.float32), np.array([0, 0, 1], np.float32))
        # Floor: light oak planks running towards the camera; wall: warm off-white paint and a skirting board.
        plank = np.floor(p[:, 0] / 0.145)
        stagger = np.floor(p[:, 2] / 1.2 + _hash01(plank, plank * 0, seed))
        tone = _hash01(plank, stagger, seed + 1)
        grain = value_noise(p[:, 0] * 40.0, p[:, 2] * 3.0, seed + 2, 3)
        seam = np.minimum(np.abs(p[:, 0] / 0.145 - np.round(p[:, 0] / 0.145)) * 0.145, 0.008) / 0.008
        wood_tone = (0.85 + 0.2 * tone) * (0.9 + 0.2 * grain) * (0.6 + 0.4 * seam)
        wood = np.array([0.60, 0.45, 0.31]) * wood_tone[:, None]
        paint = (
            np.array([0.83, 0.81, 0.76])
            * (0.96 + 0.06 * value_noise(p[:, 0] * 3, p[:, 1] * 3, seed + 3))[:, None]
        )
        wall = np.where((p[:, 1] < 0.1)[:, None], np.array([0.9, 0.9, 0.88]), paint)
        albedo = srgb_to_linear(np.where(floor[:, None], wood, wall))
        corner = np.where(floor, np.abs(p[:, 2] - WALL_Z), p[:, 1])
        ao = 1.0 - 0.35 * np.exp(-corner / 0.12)
        L = self.lights
        key = np.clip(n @ L.key_dir, 0, 1)[:, None] * L.key
        ambient = (np.clip(n @ L.fill_dir, 0, 1)[:, None] * L.fill + L.sky * (0.6 + 0.4 * n[:, 1:2])) * ao[
            :, None
        ]
        return t, p, n, (albedo * key).astype(np.float32), (albedo * ambient).astype(np.float32)

    # ----------------------------------------------------------------------------------- frame

    def render(self, sk: Skeleton, dumbbells: bool = False) -> np.ndarray:
        """One RGB uint8 frame of the body in pose ``sk``."""
        cam, W, Hh = self.cam, self.cam.width, self.cam.height
        sdf = BodySDF(build_body(sk, dumbbells))
        x0, y0, x1, y1 = self._body_box(sdf)
        img = self._background(sdf).reshape(Hh, W, 3)

        ys, xs = np.mgrid[y0:y1, x0:x1]
        pix = (ys * W + xs).ravel()
        t = sdf.march(self.origin, self.dirs[pix], self.bg_t[pix], self.pixel_angle)
        hit = np.isfinite(t)
        box = img[y0:y1, x0:x1].reshape(-1, 3)
        box[hit] = self._shade(sdf, sk, self.dirs[pix[hit]], t[hit])
        mask = hit.reshape(y1 - y0, x1 - x0)

        # Supersample the silhouette: pixels whose hit/miss differs from a neighbour.
        edge = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) != cv2.erode(
            mask.astype(np.uint8), np.ones((3, 3), np.uint8)
        )
        ey, ex = np.nonzero(edge)
        if len(ey):
            acc = np.zeros((len(ey), 3), np.float32)
            bg = img[y0 + ey, x0 + ex].copy()
            tmax = self.bg_t[(y0 + ey) * W + x0 + ex]
            for du, dv in ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)):
                d = cam.rays_at(x0 + ex + du, y0 + ey + dv)
                ts = sdf.march(self.origin, d, tmax, self.pixel_angle)
                h = np.isfinite(ts)
                sub = bg.copy()
                sub[h] = self._shade(sdf, sk, d[h], ts[h])
                acc += sub
            box.reshape(y1 - y0, x1 - x0, 3)[ey, ex] = acc / 4.0
        img[y0:y1, x0:x1] = box.reshape(y1 - y0, x1 - x0, 3)
        out = linear_to_srgb(tonemap(img))
        return (out * 255.0 + 0.5).astype(np.uint8)

    def _body_box(self, sdf: BodySDF) -> tuple[int, int, int, int]:
        """Pixel box containing every group's bounding capsule."""
        pts, rads = [], []
        for g in sdf.groups:
            pts += [g.a, g.b]
            rads += [g.r, g.r]
        uv = self.cam.project(np.array(pts))
        depth = (np.array(pts) - self.origin) @ self.cam.basis()[2]
        rpx = self.cam.basis()[3] * np.array(rads) / depth + 2
        x0 = int(max(np.floor((uv[:, 0] - rpx).min()), 0))
        y0 = int(max(np.floor((uv[:, 1] - rpx).min()), 0))
        x1 = int(min(np.ceil((uv[:, 0] + rpx).max()), self.cam.width))
        y1 = int(min(np.ceil((uv[:, 1] + rpx).max()), self.cam.height))
        return x0, y0, x1, y1

    def _background(self, sdf: BodySDF) -> np.ndarray:
        """Room colours with the body's soft shadow and contact occlusion (computed at half resolution)."""
        W, Hh = self.cam.width, self.cam.height
        L = self.lights
        # Region of the floor/wall that the body can shadow: its bounding sphere cast along the light.
        c, r = sdf.center, sdf.radius
        ground = c - L.key_dir * (c[1] / L.key_dir[1])
        pts = np.array(
            [c + dx * r for dx in np.eye(3)]
            + [c - dx * r for dx in np.eye(3)]
            + [ground + dx * r for dx in np.eye(3)]
            + [ground - dx * r for dx in np.eye(3)]
        )
        uv = self.cam.project(pts)
        x0, y0 = (np.clip(np.floor(uv.min(0)), 0, [W, Hh]).astype(int) // 2) * 2
        x1, y1 = np.clip(np.ceil(uv.max(0)) + 2, 0, [W, Hh]).astype(int)
        shade = np.ones((Hh, W), np.float32)
        ambient = np.ones((Hh, W), np.float32)
        if x1 - x0 >= 4 and y1 - y0 >= 4:
            ys, xs = np.mgrid[y0:y1:2, x0:x1:2]
            pix = (ys * W + xs).ravel()
            p, n = self.bg_p[pix] + 0.002 * self.bg_n[pix], self.bg_n[pix]
            lit = (n @ L.key_dir > 0).astype(np.float32)
            sh = sdf.soft_shadow(p, L.key_dir, hardness=6.0) * lit
            ao = sdf.occlusion(p, n, scale=2.5)
            size = (x1 - x0, y1 - y0)
            shade[y0:y1, x0:x1] = cv2.resize(sh.reshape(ys.shape), size, interpolation=cv2.INTER_LINEAR)
            ambient[y0:y1, x0:x1] = cv2.resize(ao.reshape(ys.shape), size, interpolation=cv2.INTER_LINEAR)
        return self.bg_key * shade.reshape(-1, 1) + self.bg_ambient * ambient.reshape(-1, 1)

    def _shade(self, sdf: BodySDF, sk: Skeleton, dirs: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Linear RGB of body surface points hit by rays ``dirs`` at distances ``t``."""
        p = self.origin + t[:, None] * dirs
        n = sdf.normal(p)
        nearest = sdf.nearest_shape(p)
        mat = np.array([s.material for s in sdf.shapes])[nearest]
        for k, s in enumerate(sdf.shapes):
            if s.split is not None:
                sel = (nearest == k) & ((p - s.split[0]) @ s.split[1] > 0)
                mat[sel] = s.split[2]
        albedo = ALBEDO_SRGB[mat].astype(np.float32)
        face = np.isin(nearest, [k for k, s in enumerate(sdf.shapes) if s.face])
        if face.any():
            local = (p[face] - sk.points["head_center"]) @ sk.head
            albedo[face] = face_colour(local, albedo[face])
        hair = mat == HAIR
        if hair.any():
            local = (p[hair] - sk.points["head_center"]) @ sk.head
            strands = value_noise(np.arctan2(local[:, 0], local[:, 2]) * 40.0, local[:, 1] * 10.0, 5, 2)
            albedo[hair] *= (0.7 + 0.6 * strands)[:, None]
        albedo = srgb_to_linear(albedo)

        L = self.lights
        ndl = n @ L.key_dir
        wrap = np.where(mat == SKIN, 0.3, 0.1)
        diffuse = np.clip((ndl + wrap) / (1.0 + wrap), 0.0, 1.0)
        shadow = sdf.soft_shadow(p + 0.004 * n, L.key_dir)
        ao = sdf.occlusion(p, n)
        light = (
            L.key * (diffuse * shadow)[:, None]
            + L.fill * np.clip(n @ L.fill_dir, 0, 1)[:, None]
            + (L.sky * (0.6 + 0.4 * n[:, 1:2]) + L.bounce * np.clip(-n[:, 1:2], 0, 1)) * ao[:, None]
        )
        half = L.key_dir - dirs
        half /= np.linalg.norm(half, axis=1, keepdims=True)
        spec = SPECULAR[mat] * np.clip(dot(n, half), 0, 1) ** SHININESS[mat] * shadow * (ndl > 0)
        return albedo * light + (spec[:, None] * L.key)


def face_colour(q: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Paint eyes, eyebrows, lips and cheeks on head-frame surface points ``q`` (sRGB albedo)."""
    col = base.copy()
    front = q[:, 2] > 0.03
    x, y = q[:, 0], q[:, 1]
    cheek = np.exp(-(((np.abs(x) - 0.042) / 0.018) ** 2 + ((y + 0.03) / 0.016) ** 2))
    col = col * (1 - 0.25 * cheek[:, None]) + np.array([0.80, 0.45, 0.42]) * (0.25 * cheek[:, None])
    brow_c = ALBEDO_SRGB[HAIR] * 0.8
    for side in (1.0, -1.0):
        ex, ey = side * 0.033, 0.008
        r2 = ((x - ex) / 0.0125) ** 2 + ((y - ey) / 0.0062) ** 2
        socket = front & (r2 < 2.6) & (r2 >= 1.0)
        col[socket] *= 0.86
        eye = front & (r2 < 1.0)
        col[eye] = (0.88, 0.86, 0.83)
        rr = np.hypot(x - ex, y - ey)
        col[eye & (rr < 0.0058)] = (0.30, 0.19, 0.11)
        col[eye & (rr < 0.0025)] = (0.04, 0.03, 0.03)
        col[eye & (y - ey > 0.0036)] = (0.16, 0.10, 0.08)
        bx = (x - side * 0.036) / 0.022
        brow_y = 0.031 + 0.004 * (1 - bx * bx) - 0.002 * side * bx
        col[front & (np.abs(bx) < 1) & (np.abs(y - brow_y) < 0.0035 * (1.1 - 0.5 * np.abs(bx)))] = brow_c
    mx = x / 0.024
    w = np.clip(1 - mx * mx, 0, 1)
    lips = front & (np.abs(mx) < 1) & (y - (-0.058) < 0.0065 * w) & ((-0.058) - y < 0.008 * w)
    col[lips] = (0.70, 0.38, 0.36)
    col[front & (np.abs(mx) < 1.02) & (np.abs(y + 0.058) < 0.0012)] = (0.32, 0.14, 0.13)
    return col
