"""KEPT (ActDR paper): keypoint-guided tree search, score network, graph reasoning, training, inference.

`model` holds the network, `losses` the loss terms, `tree` the reasoning paths, `features` the inputs
drawn from kinematics, `dataset` the ActDR-style training list, `train` the training loop and
checkpoints, `describe` the facts and writers, `infer` scoring a new pair.
"""

from actiondiff.threads import TORCH_IMPORT

with TORCH_IMPORT:  # the KEPT modules import torch (see `threads`)
    from actiondiff.kept.dataset import ActdrItem, read_list
    from actiondiff.kept.infer import ScoreResult, score_pair
    from actiondiff.kept.model import KeptModel, KeptSpec
    from actiondiff.kept.train import TrainingSummary, load_checkpoint, save_checkpoint, train_scorer
    from actiondiff.kept.tree import enumerate_paths

__all__ = [
    "ActdrItem",
    "KeptModel",
    "KeptSpec",
    "ScoreResult",
    "TrainingSummary",
    "enumerate_paths",
    "load_checkpoint",
    "read_list",
    "save_checkpoint",
    "score_pair",
    "train_scorer",
]
