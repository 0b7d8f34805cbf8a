"""Stage 3 of the data flow: pose tracks become measurements.

Clean tracks (`clean`), per-frame joint angles, speeds and positions (`features`), repetitions and
phases (`phases`), DTW time alignment of two performances (`align`), the library of measurable
quantities that turns a difference statement into a verdict with numbers (`quantities`, `measure`).
"""

from actiondiff.kinematics.clean import clean_track, select_main_performer
from actiondiff.kinematics.features import NODE_FEATURES, KinematicFeatures, compute_features, joint_angle

__all__ = [
    "NODE_FEATURES",
    "KinematicFeatures",
    "clean_track",
    "compute_features",
    "joint_angle",
    "select_main_performer",
]
