"""Keypoint-guided tree of KEPT (ActDR paper, section 3.2): joint nodes, reasoning paths, path features.

The tree has a fixed root (the whole body: the mean of all joint nodes) and K - 1 further levels,
each a choice among the joints not yet on the path, so it has J! / (J - K + 1)! leaves; each
root-to-leaf path of K nodes is one reasoning path l, an ordered sequence of distinct joints a referee
fixates on (looking at the same joint twice adds nothing the path does not already hold).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import torch

JOINT_SETS: dict[str, tuple[str, ...]] = {
    "sports": ("elbow", "shoulder", "hip", "knee"),
    "surgery": ("tip", "body", "tail"),
}
"""Tree nodes per domain (section 3.2): four major joints for sports, three instrument parts for surgery."""

SIDES: tuple[str, str] = ("left", "right")
ROOT = "body"


def side_names(joints: Sequence[str]) -> list[str]:
    """Track names of the tree joints, left before right: ``left_elbow, right_elbow, left_shoulder, ...``."""
    return [f"{side}_{joint}" for joint in joints for side in SIDES]


def enumerate_paths(n_joints: int, depth: int) -> torch.Tensor:
    """All root-to-leaf paths as node indices, shape (n_joints! / (n_joints - depth + 1)!, depth).

    Index 0 is the root; index j + 1 is joint j; no joint appears twice on a path. Paths are in
    lexicographic order, so path i is the same reasoning path in every model with the same joints and
    depth.
    """
    if depth < 2 or not 1 <= depth - 1 <= n_joints:
        raise ValueError(
            f"a tree of depth {depth} needs at least {depth - 1} distinct joints and depth >= 2 "
            f"(got {n_joints} joints)"
        )
    steps = itertools.permutations(range(1, n_joints + 1), depth - 1)
    return torch.tensor([(0, *step) for step in steps], dtype=torch.long)


def path_names(paths: torch.Tensor, joints: Sequence[str]) -> list[tuple[str, ...]]:
    """Human-readable node names of each path (``("body", "knee", "hip", "knee")``)."""
    names = (ROOT, *joints)
    return [tuple(names[i] for i in row) for row in paths.tolist()]


def path_features(nodes: torch.Tensor, paths: torch.Tensor) -> torch.Tensor:
    """f_M of Eq. 2 for every path: the K nodes' statistics concatenated per keyframe.

    nodes: (B, N, J, F) per-keyframe node features (angle, speed, position of each joint).
    Returns (B, L, N, K * F) with L = number of paths.
    """
    root = nodes.mean(dim=2, keepdim=True)
    with_root = torch.cat([root, nodes], dim=2)  # (B, N, J + 1, F)
    gathered = with_root[:, :, paths]  # (B, N, L, K, F)
    batch, frames, n_paths, depth, width = gathered.shape
    return gathered.permute(0, 2, 1, 3, 4).reshape(batch, n_paths, frames, depth * width)
