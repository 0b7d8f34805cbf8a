"""Domain knowledge that ships with actiondiff: the action library and the profile of a job's action."""

from actiondiff.knowledge.library import ActionEntry, CandidateDifference, find_action, load_library
from actiondiff.knowledge.profile import ActionProfile, resolve_profile

__all__ = [
    "ActionEntry",
    "ActionProfile",
    "CandidateDifference",
    "find_action",
    "load_library",
    "resolve_profile",
]
