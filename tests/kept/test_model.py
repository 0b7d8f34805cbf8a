"""KEPT network and losses: tree enumeration, shapes through every module, hand-made loss values,
gradient reaching every trainable parameter, and checkpoint round trips."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from actiondiff.config import KeptConfig
from actiondiff.kept.losses import (
    cosine_loss,
    kl_path_loss,
    path_distribution,
    score_loss,
    semantic_loss,
    total_loss,
)
from actiondiff.kept.model import (
    DescriptionHead,
    KeptModel,
    KeptSpec,
    KeypointGraphReasoner,
    KnowledgeAlignment,
    PathScoreNet,
    PerformanceBatch,
)
from actiondiff.kept.train import group_losses, load_checkpoint, model_spec, save_checkpoint
from actiondiff.kept.tree import enumerate_paths, path_features, path_names

B, N, S, J, F, TEXT = 3, 8, 4, 4, 8, 12


@pytest.fixture
def spec() -> KeptSpec:
    scoring = KeptConfig(keyframes=N, segments=S, dim=16, token_dim=8, heads=2)
    return model_spec(scoring, node_dim=F, visual_dim=20, text_dim=TEXT)


def batch(spec: KeptSpec, seed: int) -> PerformanceBatch:
    g = torch.Generator().manual_seed(seed)
    return PerformanceBatch(
        nodes=torch.randn(B, N, J, F, generator=g),
        visual=torch.randn(B, N, spec.visual_dim, generator=g),
        keypoints=torch.randn(B, S, len(spec.keypoints), 3, generator=g),
    )


@pytest.mark.parametrize(("depth", "count"), [(2, 4), (3, 12), (4, 24), (5, 24)])
def test_tree_paths_are_the_orderings_of_distinct_joints(depth: int, count: int) -> None:
    paths = enumerate_paths(4, depth)
    assert paths.shape == (count, depth)
    assert len({tuple(p) for p in paths.tolist()}) == len(paths)
    assert (paths[:, 0] == 0).all() and (paths[:, 1:] >= 1).all()
    assert all(len(set(p)) == depth for p in paths.tolist()), "no joint twice on a path"
    names = path_names(paths, ["elbow", "shoulder", "hip", "knee"])
    assert names[0] == ("body", "elbow", "shoulder", "hip", "knee")[:depth]
    assert names[-1] == ("body", "knee", "hip", "shoulder", "elbow")[:depth]


def test_three_instrument_parts_give_six_paths_of_depth_four() -> None:
    assert len(enumerate_paths(3, 4)) == 6


def test_a_tree_deeper_than_its_joints_is_refused() -> None:
    with pytest.raises(ValueError, match="distinct joints"):
        enumerate_paths(4, 6)
    with pytest.raises(ValueError, match="distinct joints"):
        model_spec(KeptConfig(depth=6), node_dim=F, visual_dim=20, text_dim=TEXT)


def test_path_features_concatenate_the_nodes_of_each_path_per_keyframe() -> None:
    nodes = torch.arange(2 * 3 * 4 * 2, dtype=torch.float32).view(2, 3, 4, 2)
    paths = enumerate_paths(4, 3)
    features = path_features(nodes, paths)
    assert features.shape == (2, 12, 3, 3 * 2)
    # path 4 = (root, joint 2, joint 3) -> nodes[:, :, 1] then nodes[:, :, 2] after the root mean
    assert paths[4].tolist() == [0, 2, 3]
    torch.testing.assert_close(features[:, 4, :, 2:4], nodes[:, :, 1])
    torch.testing.assert_close(features[:, 4, :, 4:6], nodes[:, :, 2])
    torch.testing.assert_close(features[:, 4, :, 0:2], nodes.mean(dim=2))


def test_shapes_through_every_module(spec: KeptSpec) -> None:
    d, p, n_paths = spec.dim, len(spec.keypoints), len(enumerate_paths(J, spec.depth))
    score_net = PathScoreNet(spec.depth * F, spec.visual_dim, d, spec.heads)
    q, path, visual = score_net(
        torch.randn(B, n_paths, N, spec.depth * F), torch.randn(B, N, spec.visual_dim)
    )
    assert q.shape == (B, n_paths) and path.shape == (B, n_paths, N, d) and visual.shape == (B, N, d)
    assert ((q > 0) & (q < 1)).all()
    f_vm, f_cm = KnowledgeAlignment(TEXT, d, spec.heads)(path[:, 0], visual, torch.randn(B, TEXT))
    assert f_vm.shape == (B, N, d) and f_cm is not None and f_cm.shape == (B, 1, d)
    graph, ikg, per_segment = KeypointGraphReasoner(spec)(torch.randn(B, S, p, 3), f_vm)
    assert graph.shape == (B, S, p, d) and ikg.shape == (B, S, p, p) and per_segment.shape == (B, S)
    residual, description = DescriptionHead(spec)(graph, graph.flip(0), torch.randn(TEXT))
    assert residual.shape == (B, S, p, spec.token_dim) and description.shape == (B, TEXT)
    out = KeptModel(spec)(batch(spec, 0), batch(spec, 1), torch.randn(B, TEXT), torch.randn(B, TEXT))
    assert out.a.q.shape == (B, n_paths) and out.a.best_path.shape == (B,)
    assert out.a.score.shape == (B,) and out.b.segment_scores.shape == (B, S)
    torch.testing.assert_close(out.a.score, out.a.segment_scores.mean(dim=1))
    assert torch.equal(out.a.best_path, out.a.q.argmax(dim=1))


def test_implicit_graph_only_links_keypoints_the_skeleton_does_not(spec: KeptSpec) -> None:
    reasoner = KeypointGraphReasoner(spec)
    probabilities, graph = reasoner.implicit_graph(torch.randn(5, len(spec.keypoints), spec.dim))
    torch.testing.assert_close(probabilities.sum(dim=(1, 2)), torch.ones(5))
    assert (probabilities[:, ~reasoner.candidates] == 0).all()
    assert (graph[:, ~reasoner.candidates] == 0).all()
    assert set(graph.detach().unique().tolist()) <= {0.0, 1.0}
    assert math.isclose(reasoner.tau, 1.0 / spec.n_pairs)
    assert torch.equal(graph.detach(), (probabilities >= reasoner.tau).float())


def test_score_loss_on_a_hand_made_case() -> None:
    assert score_loss(torch.tensor([0.5, 1.0]), torch.tensor([0.0, 1.0])).item() == pytest.approx(0.125)


def test_kl_loss_on_a_hand_made_case() -> None:
    q_1, q_2 = torch.tensor([[1.0, 1.0]]), torch.tensor([[1.0, 3.0]])
    torch.testing.assert_close(path_distribution(q_2), torch.tensor([[0.25, 0.75]]))
    expected = 0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.75)
    assert kl_path_loss(q_1, q_2).item() == pytest.approx(expected, abs=1e-6)
    assert kl_path_loss(q_1, 2 * q_1).item() == pytest.approx(0.0, abs=1e-7)


def test_semantic_and_comment_losses_on_hand_made_cases() -> None:
    f_cm = torch.tensor([[[1.0, 0.0]]])
    f_vm = torch.tensor([[[0.0, 2.0], [0.0, 1.0]]])
    assert semantic_loss(f_cm, f_vm).item() == pytest.approx(1.0)
    assert semantic_loss(f_cm, torch.tensor([[[3.0, 1.0], [3.0, -1.0]]])).item() == pytest.approx(
        0.0, abs=1e-6
    )
    assert cosine_loss(torch.tensor([[1.0, 1.0]]), torch.tensor([[-2.0, -2.0]])).item() == pytest.approx(2.0)


def test_total_loss_weights_the_terms_as_eq_9() -> None:
    score, semantic, comment, kl = (torch.tensor(v) for v in (1.0, 2.0, 4.0, 10.0))
    assert total_loss(score, semantic, comment, kl, alphas=(0.5, 0.25, 0.1)).item() == pytest.approx(4.0)


def test_gradient_reaches_every_trainable_parameter(spec: KeptSpec) -> None:
    torch.manual_seed(0)
    model = KeptModel(spec)
    model.set_normalisation(batch(spec, 2), torch.tensor([2.0, 9.0]), torch.randn(TEXT))
    out = model.perform(batch(spec, 0), torch.randn(B, TEXT))
    pairs = torch.tensor([[0, 1], [0, 2], [1, 2]])
    terms = group_losses(model, out, torch.rand(B), pairs, torch.randn(3, TEXT), KeptConfig())
    assert set(terms) == {"score", "semantic", "comment", "kl", "total"}
    terms["total"].backward()
    missing = [
        name
        for name, parameter in model.named_parameters()
        if parameter.grad is None or not parameter.grad.abs().sum() > 0
    ]
    assert not missing, f"no gradient reaches {missing}"


def test_the_losses_reach_the_q_of_every_path_not_only_the_chosen_one(spec: KeptSpec) -> None:
    torch.manual_seed(0)
    model = KeptModel(spec)
    model.set_normalisation(batch(spec, 2), torch.tensor([2.0, 9.0]), torch.randn(TEXT))
    out = model.perform(batch(spec, 0))
    out.q.retain_grad()
    score_loss(out.score, torch.rand(B)).backward()
    assert out.q.grad is not None and (out.q.grad != 0).all()


def test_checkpoint_round_trip_gives_identical_outputs(spec: KeptSpec, tmp_path: Path) -> None:
    torch.manual_seed(1)
    model = KeptModel(spec)
    model.set_normalisation(batch(spec, 2), torch.tensor([2.0, 9.0]), torch.randn(TEXT))
    model.eval()
    path = save_checkpoint(tmp_path / "kept.pt", model, {"note": "test"})
    loaded, extra = load_checkpoint(path)
    assert extra == {"note": "test"} and loaded.spec == spec
    with torch.no_grad():
        before, after = model(batch(spec, 3), batch(spec, 4)), loaded(batch(spec, 3), batch(spec, 4))
    for name in ("q", "score", "segment_scores", "graph", "implicit_graph"):
        assert torch.equal(getattr(before.a, name), getattr(after.a, name)), name
    assert torch.equal(before.residual_tokens, after.residual_tokens)
    assert torch.equal(before.description, after.description)


def test_a_file_that_is_not_a_checkpoint_is_named_in_the_error(tmp_path: Path) -> None:
    from actiondiff.errors import InputError

    bad = tmp_path / "notes.pt"
    bad.write_text("hello")
    with pytest.raises(InputError, match=r"notes\.pt"):
        load_checkpoint(bad)


def test_spec_rejects_keyframes_that_do_not_split_into_segments() -> None:
    with pytest.raises(ValueError, match="multiple of segments"):
        model_spec(KeptConfig(keyframes=10, segments=4), node_dim=F, visual_dim=20, text_dim=TEXT)
