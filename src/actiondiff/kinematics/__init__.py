"""Stage 3 of the data flow: pose tracks become measurements.

Clean tracks (`clean`), per-frame joint angles, speeds and positions (`features`), repetitions and
phases (`phases`), DTW time alignment of two performances (`align`), the library of measurable
quantities (`quantities`) and the verdicts measured with it (`measure`).
"""

from actiondiff.kinematics.align import align, dtw_path
from actiondiff.kinematics.clean import clean_track
from actiondiff.kinematics.features import NODE_FEATURES, KinematicFeatures, compute_features, joint_angle
from actiondiff.kinematics.measure import (
    match_quantity,
    measure_quantity,
    measure_readings,
    measure_statement,
)
from actiondiff.kinematics.phases import Driver, Movement, Repetition, phase_spans, segment_repetitions
from actiondiff.kinematics.quantities import QUANTITIES, Quantity, Reading, find_quantity

__all__ = [
    "NODE_FEATURES",
    "QUANTITIES",
    "Driver",
    "KinematicFeatures",
    "Movement",
    "Quantity",
    "Reading",
    "Repetition",
    "align",
    "clean_track",
    "compute_features",
    "dtw_path",
    "find_quantity",
    "joint_angle",
    "match_quantity",
    "measure_quantity",
    "measure_readings",
    "measure_statement",
    "phase_spans",
    "segment_repetitions",
]
