"""The loss terms of KEPT (ActDR paper, Eqs. 3, 4, 6, 8 and their sum, Eq. 9), as pure functions."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def score_loss(predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Eq. 6: L_score = ||s_hat - s||_2^2, averaged over the batch."""
    return ((predicted - target) ** 2).mean()


def path_distribution(q: torch.Tensor) -> torch.Tensor:
    """p(l_i) = Q(l_i) / sum_j Q(l_j) over the last axis (the normalised path scores of Eq. 3)."""
    return q / q.sum(dim=-1, keepdim=True).clamp_min(1e-12)


def kl_path_loss(q_1: torch.Tensor, q_2: torch.Tensor) -> torch.Tensor:
    """Eq. 3: L_KL = KL(p_r^1 || p_r^2) between two performers' normalised path scores, batch mean."""
    p_1 = path_distribution(q_1).clamp_min(1e-12)
    p_2 = path_distribution(q_2).clamp_min(1e-12)
    return (p_1 * (p_1.log() - p_2.log())).sum(dim=-1).mean()


def cosine_loss(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """1 - cos_sim(a, b) along the last axis, batch mean; Eq. 8: L_comment = 1 - cos_sim(f_C, f_C_hat)."""
    return (1.0 - F.cosine_similarity(a, b, dim=-1)).mean()


def semantic_loss(f_cm: torch.Tensor, f_vm: torch.Tensor) -> torch.Tensor:
    """Eq. 4: L_semantic = 1 - cos_sim(mean f_CM, mean f_VM), both (B, n, d) average-pooled over n."""
    return cosine_loss(f_cm.mean(dim=1), f_vm.mean(dim=1))


def total_loss(
    l_score: torch.Tensor,
    l_semantic: torch.Tensor,
    l_comment: torch.Tensor,
    l_kl: torch.Tensor,
    alphas: tuple[float, float, float],
) -> torch.Tensor:
    """Eq. 9: L = L_score + a1 L_semantic + a2 L_comment + a3 L_KL."""
    a_1, a_2, a_3 = alphas
    return l_score + a_1 * l_semantic + a_2 * l_comment + a_3 * l_kl
