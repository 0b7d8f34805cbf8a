"""The KEPT network (ActDR paper, section 3): path score net, knowledge alignment, keypoint graph reasoning.

`KeptModel.perform` runs one performer through Eqs. 1-2 (tree search), section 3.3 (expert knowledge
alignment) and section 3.4 (knowledge-enhanced keypoints, implicit knowledge graph Eq. 5, two-layer
GNN, per-segment score averaged); `KeptModel.forward` runs a pair and adds the residual keypoint graph
tokens and the description head of Eq. 7. Inputs are normalised inside the model with statistics
stored as buffers, so a checkpoint carries everything inference needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from pydantic import BaseModel, Field, model_validator
from torch import nn

from actiondiff.kept.tree import enumerate_paths, path_features

SPORTS_KEYPOINTS: tuple[str, ...] = (
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip
PATH_TEMPERATURE = 0.1
"""T of the softmax through which the path choice passes gradients; below 1 it sharpens each path's
share, so the losses move the Q of the paths near the top apart (measured: benchmarks/bench_kept.py)."""


class KeptSpec(BaseModel):
    """Sizes and choices that fix a KEPT model's shape; stored in every checkpoint."""

    joints: list[str] = Field(description="Tree node joints (section 3.2), e.g. elbow, shoulder, hip, knee.")
    depth: int = Field(default=4, ge=2, le=6, description="Tree depth K: each path has K nodes.")
    keyframes: int = Field(default=16, ge=2, description="N keyframes per video.")
    segments: int = Field(default=4, ge=1, description="Video segments whose scores are averaged (3.4).")
    node_dim: int = Field(description="Statistics per joint node and keyframe (angle, speed, position).")
    visual_dim: int = Field(description="Per-keyframe visual feature size (frame embedder or pose-only).")
    visual: str = Field(default="pose", description="Source of f_V: 'pose', or the frame embedder's name.")
    keypoints: list[str] = Field(default_factory=lambda: list(SPORTS_KEYPOINTS))
    skeleton: list[tuple[int, int]] = Field(description="Keypoint index pairs joined by the skeleton (G).")
    text_dim: int = Field(description="Sentence-embedding size of commentary and descriptions.")
    dim: int = Field(default=32, ge=4, description="Feature size d.")
    token_dim: int = Field(default=32, ge=4, description="Graph token size d'.")
    heads: int = Field(default=4, ge=1)
    tau: float | None = Field(
        default=None, description="IKG threshold on Eq. 5 probabilities; default 1 / number of pairs."
    )

    @model_validator(mode="after")
    def _check(self) -> KeptSpec:
        if self.keyframes % self.segments:
            raise ValueError(f"keyframes ({self.keyframes}) must be a multiple of segments ({self.segments})")
        if self.depth - 1 > len(self.joints):
            raise ValueError(
                f"depth {self.depth} needs {self.depth - 1} distinct joints on a path, "
                f"the tree has {len(self.joints)}"
            )
        if self.dim % self.heads or self.token_dim % self.heads:
            raise ValueError(f"dim and token_dim must be multiples of heads ({self.heads})")
        return self

    @property
    def n_pairs(self) -> int:
        """Keypoint pairs not joined by the skeleton (the candidates of the implicit graph)."""
        p = len(self.keypoints)
        return p * (p - 1) - 2 * len(set(self.skeleton))


@dataclass
class PerformanceBatch:
    """Model inputs for B performances (raw units; the model normalises them)."""

    nodes: torch.Tensor  # (B, N, J, node_dim)
    visual: torch.Tensor  # (B, N, visual_dim)
    keypoints: torch.Tensor  # (B, S, P, 3)


@dataclass
class PerformanceOutput:
    """One performer's pass: path scores, the chosen path, aligned features, graph and score."""

    q: torch.Tensor  # (B, L) Q(l) of Eq. 2
    best_path: torch.Tensor  # (B,) l* of Eq. 1
    f_vm: torch.Tensor  # (B, N, d) visual features attended to the reasoning path (3.3)
    f_cm: torch.Tensor | None  # (B, 1, d) commentary attended to the reasoning path (3.3)
    graph: torch.Tensor  # (B, S, P, d) H of section 3.4
    implicit_graph: torch.Tensor  # (B, S, P, P) G_IKG
    segment_scores: torch.Tensor  # (B, S) FC(H) per segment, normalised units
    score: torch.Tensor  # (B,) s_hat, normalised units


@dataclass
class PairOutput:
    """Both performers plus the residual keypoint graph tokens and the description embedding (Eq. 7)."""

    a: PerformanceOutput
    b: PerformanceOutput
    residual_tokens: torch.Tensor  # (B, S, P, d') T_dKG per segment
    description: torch.Tensor  # (B, text_dim) f_C_hat


def _mlp(inputs: int, outputs: int, hidden: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inputs, hidden), nn.GELU(), nn.Linear(hidden, outputs))


class CrossAttention(nn.Module):
    """MHCA(query, key/value): multi-head cross attention, residual and layer norm (a Transformer block)."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm = nn.LayerNorm(dim)

    def forward(self, query: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        attended, _ = self.attention(query, context, context, need_weights=False)
        return self.norm(query + attended)


class PathScoreNet(nn.Module):
    """R_psi of Eq. 2: Q(l) = Sigmoid(F_R(MHCA(F_M(f_M), F_V(f_V)))), pooled over the N keyframes."""

    def __init__(self, path_dim: int, visual_dim: int, dim: int, heads: int) -> None:
        super().__init__()
        self.f_m = _mlp(path_dim, dim, dim)
        self.f_v = _mlp(visual_dim, dim, dim)
        self.attention = CrossAttention(dim, heads)
        self.f_r = _mlp(dim, 1, dim)

    def forward(
        self, f_m: torch.Tensor, f_v: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """f_m (B, L, N, h), f_v (B, N, Dv) -> Q (B, L), f'_M (B, L, N, d), f'_V (B, N, d)."""
        batch, n_paths, frames, _ = f_m.shape
        path = self.f_m(f_m)
        visual = self.f_v(f_v)
        # Cross attention treats queries independently, so all paths' keyframes form one query sequence.
        attended = self.attention(path.reshape(batch, n_paths * frames, -1), visual)
        q = torch.sigmoid(self.f_r(attended.view(batch, n_paths, frames, -1).mean(dim=2))).squeeze(-1)
        return q, path, visual


class KnowledgeAlignment(nn.Module):
    """Section 3.3: f_CM = MHCA(f_C, f'_M), f_VM = MHCA(f_V, f'_M); Eq. 4 compares their means."""

    def __init__(self, text_dim: int, dim: int, heads: int) -> None:
        super().__init__()
        self.f_c = nn.Linear(text_dim, dim)
        self.commentary = CrossAttention(dim, heads)
        self.visual = CrossAttention(dim, heads)

    def forward(
        self, path: torch.Tensor, visual: torch.Tensor, commentary: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """path f'_M* (B, N, d), visual f'_V (B, N, d), commentary (B, text_dim) -> f_VM, f_CM."""
        f_vm = self.visual(visual, path)
        f_cm = None if commentary is None else self.commentary(self.f_c(commentary).unsqueeze(1), path)
        return f_vm, f_cm


class KeypointGraphReasoner(nn.Module):
    """Section 3.4: knowledge-enhanced keypoints, implicit knowledge graph (Eq. 5), two-layer GNN, score.

    f'_K = MHCA(F_K(K), f_VM) per segment; P(x_i, x_j) = softmax over non-skeleton pairs of -phi(x_i, x_j)
    (Eq. 5), thresholded at tau into G_IKG; H = sigma(G_IKG sigma(G f'_K W) W_IKG); s_hat = mean_k FC(H_k).
    Both graphs get self loops and row normalisation so an isolated keypoint keeps its own embedding.
    The threshold passes gradients straight through to the probabilities, so phi learns although the
    graph it builds is binary.
    """

    skeleton: torch.Tensor
    candidates: torch.Tensor
    skeleton_norm: torch.Tensor

    def __init__(self, spec: KeptSpec) -> None:
        super().__init__()
        n_points = len(spec.keypoints)
        self.f_k = _mlp(3, spec.dim, spec.dim)
        self.enhance = CrossAttention(spec.dim, spec.heads)
        self.phi = _mlp(2 * spec.dim, 1, spec.dim)
        self.w = nn.Linear(spec.dim, spec.dim, bias=False)
        self.w_ikg = nn.Linear(spec.dim, spec.dim, bias=False)
        self.fc = nn.Linear(n_points * spec.dim, 1)
        self.tau = spec.tau if spec.tau is not None else 1.0 / max(spec.n_pairs, 1)
        skeleton = torch.zeros(n_points, n_points)
        for i, j in spec.skeleton:
            skeleton[i, j] = skeleton[j, i] = 1.0
        self.register_buffer("skeleton", skeleton)
        self.register_buffer("candidates", (1.0 - skeleton - torch.eye(n_points)).clamp_min(0.0).bool())
        self.register_buffer("skeleton_norm", _row_normalise(skeleton + torch.eye(n_points)))

    def implicit_graph(self, points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Eq. 5 on (M, P, d) keypoint embeddings -> (probabilities, thresholded G_IKG), each (M, P, P)."""
        count, n_points, dim = points.shape
        pairs = torch.cat(
            [
                points.unsqueeze(2).expand(count, n_points, n_points, dim),
                points.unsqueeze(1).expand(count, n_points, n_points, dim),
            ],
            dim=-1,
        )
        logits = -self.phi(pairs).squeeze(-1)
        logits = logits.masked_fill(~self.candidates, float("-inf"))
        probabilities = torch.softmax(logits.reshape(count, -1), dim=-1).reshape(count, n_points, n_points)
        hard = (probabilities >= self.tau).float()
        return probabilities, (probabilities - probabilities.detach()) + hard

    def forward(
        self, keypoints: torch.Tensor, f_vm: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """keypoints (B, S, P, 3), f_vm (B, N, d) -> H (B, S, P, d), G_IKG (B, S, P, P), FC(H) (B, S)."""
        batch, segments, n_points, _ = keypoints.shape
        context = f_vm.reshape(batch * segments, -1, f_vm.shape[-1])
        enhanced = self.enhance(self.f_k(keypoints).reshape(batch * segments, n_points, -1), context)
        _, ikg = self.implicit_graph(enhanced)
        eye = torch.eye(n_points, device=keypoints.device)
        first = F.relu(self.skeleton_norm @ self.w(enhanced))
        graph = F.relu(_row_normalise(ikg + eye) @ self.w_ikg(first))
        per_segment = self.fc(graph.reshape(batch * segments, -1)).view(batch, segments)
        return (
            graph.view(batch, segments, n_points, -1),
            ikg.view(batch, segments, n_points, n_points),
            per_segment,
        )


class DescriptionHead(nn.Module):
    """Eq. 7's decoder input [T_KG^1; T_KG^2; T_dKG; f_P] -> an embedding f_C_hat of the description.

    T_KG = F_H(H) and T_dKG = F_dH([H1 - H2; H2 - H1]) (the residual needs its own input layer as it
    is twice as wide). A one-layer Transformer reads the tokens and its prompt position is projected
    into sentence-embedding space, where L_comment (Eq. 8) compares it with the reference description;
    the words themselves come from `actiondiff.kept.describe`.
    """

    def __init__(self, spec: KeptSpec) -> None:
        super().__init__()
        self.f_h = _mlp(spec.dim, spec.token_dim, spec.token_dim)
        self.f_dh = _mlp(2 * spec.dim, spec.token_dim, spec.token_dim)
        self.f_p = nn.Linear(spec.text_dim, spec.token_dim)
        self.kinds = nn.Parameter(torch.zeros(4, spec.token_dim))
        self.decoder = nn.TransformerEncoderLayer(
            spec.token_dim, spec.heads, 2 * spec.token_dim, dropout=0.0, batch_first=True
        )
        self.out = nn.Linear(spec.token_dim, spec.text_dim)

    def forward(
        self, graph_a: torch.Tensor, graph_b: torch.Tensor, prompt: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """graphs (B, S, P, d), prompt (text_dim,) -> T_dKG (B, S, P, d'), f_C_hat (B, text_dim)."""
        residual = self.f_dh(torch.cat([graph_a - graph_b, graph_b - graph_a], dim=-1))
        tokens_a = self.f_h(graph_a).mean(dim=1) + self.kinds[0]
        tokens_b = self.f_h(graph_b).mean(dim=1) + self.kinds[1]
        prompt_token = (self.f_p(prompt) + self.kinds[3]).expand(graph_a.shape[0], 1, -1)
        sequence = torch.cat([tokens_a, tokens_b, residual.mean(dim=1) + self.kinds[2], prompt_token], dim=1)
        decoded = self.decoder(sequence)
        return residual, self.out(decoded[:, -1])


class KeptModel(nn.Module):
    """KEPT: scores two performances, picks their reasoning paths and embeds their difference description."""

    paths: torch.Tensor
    node_mean: torch.Tensor
    node_std: torch.Tensor
    visual_mean: torch.Tensor
    visual_std: torch.Tensor
    keypoint_mean: torch.Tensor
    keypoint_std: torch.Tensor
    score_range: torch.Tensor
    prompt: torch.Tensor

    def __init__(self, spec: KeptSpec) -> None:
        super().__init__()
        self.spec = spec
        paths = enumerate_paths(len(spec.joints), spec.depth)
        self.register_buffer("paths", paths)
        self.score_net = PathScoreNet(spec.depth * spec.node_dim, spec.visual_dim, spec.dim, spec.heads)
        self.alignment = KnowledgeAlignment(spec.text_dim, spec.dim, spec.heads)
        self.reasoner = KeypointGraphReasoner(spec)
        self.description = DescriptionHead(spec)
        n_joints = len(spec.joints)
        for name, size in (
            ("node", (n_joints, spec.node_dim)),
            ("visual", (spec.visual_dim,)),
            ("keypoint", (len(spec.keypoints), 3)),
        ):
            self.register_buffer(f"{name}_mean", torch.zeros(size))
            self.register_buffer(f"{name}_std", torch.ones(size))
        self.register_buffer("score_range", torch.tensor([0.0, 1.0]))
        self.register_buffer("prompt", torch.zeros(spec.text_dim))

    def set_normalisation(self, batch: PerformanceBatch, scores: torch.Tensor, prompt: torch.Tensor) -> None:
        """Fix input statistics, the score range and the instruct-prompt embedding f_P from training data."""
        for name, values, dims in (
            ("node", batch.nodes, (0, 1)),
            ("visual", batch.visual, (0, 1)),
            ("keypoint", batch.keypoints, (0, 1)),
        ):
            getattr(self, f"{name}_mean").copy_(values.mean(dim=dims))
            getattr(self, f"{name}_std").copy_(values.std(dim=dims).clamp_min(1e-4))
        low, high = float(scores.min()), float(scores.max())
        self.score_range.copy_(torch.tensor([low, high if high > low else low + 1.0]))
        self.prompt.copy_(prompt)

    def normalise_scores(self, scores: torch.Tensor) -> torch.Tensor:
        low, high = self.score_range
        return (scores - low) / (high - low)

    def denormalise_scores(self, scores: torch.Tensor) -> torch.Tensor:
        low, high = self.score_range
        return scores * (high - low) + low

    def perform(self, batch: PerformanceBatch, commentary: torch.Tensor | None = None) -> PerformanceOutput:
        """One performer: Eq. 2 for every path, l* by Eq. 1, alignment (3.3) and graph score (3.4).

        The chosen path's features are exactly l*'s (argmax selection as in Eq. 1), but gradients pass
        through a softmax over every path's Q (`path_selection`), so the later losses tell each path's
        score whether choosing that path would have lowered them, and Q separates the paths.
        """
        nodes = (batch.nodes - self.node_mean) / self.node_std
        visual = (batch.visual - self.visual_mean) / self.visual_std
        keypoints = (batch.keypoints - self.keypoint_mean) / self.keypoint_std
        q, paths, visual = self.score_net(path_features(nodes, self.paths), visual)
        best = q.argmax(dim=1)
        chosen = torch.einsum("bl,blnd->bnd", path_selection(q), paths)
        f_vm, f_cm = self.alignment(chosen, visual, commentary)
        graph, ikg, per_segment = self.reasoner(keypoints, f_vm)
        return PerformanceOutput(q, best, f_vm, f_cm, graph, ikg, per_segment, per_segment.mean(dim=1))

    def forward(
        self,
        a: PerformanceBatch,
        b: PerformanceBatch,
        commentary_a: torch.Tensor | None = None,
        commentary_b: torch.Tensor | None = None,
    ) -> PairOutput:
        out_a = self.perform(a, commentary_a)
        out_b = self.perform(b, commentary_b)
        residual, description = self.describe(out_a.graph, out_b.graph)
        return PairOutput(out_a, out_b, residual, description)

    def describe(self, graph_a: torch.Tensor, graph_b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Eq. 7's tokens for pairs of keypoint graphs H (B, S, P, d) -> T_dKG and f_C_hat."""
        return self.description(graph_a, graph_b, self.prompt)


def path_selection(q: torch.Tensor) -> torch.Tensor:
    """(B, L) weights of the paths: one-hot at argmax Q in value, softmax of logit Q / T in gradient."""
    soft = torch.softmax(torch.logit(q, eps=1e-6) / PATH_TEMPERATURE, dim=-1)
    hard = F.one_hot(q.argmax(dim=-1), q.shape[-1]).to(q.dtype)
    return hard + soft - soft.detach()


def _row_normalise(adjacency: torch.Tensor) -> torch.Tensor:
    return adjacency / adjacency.sum(dim=-1, keepdim=True).clamp_min(1e-12)
