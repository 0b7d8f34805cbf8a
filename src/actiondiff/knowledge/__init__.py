"""Domain knowledge that ships with actiondiff: the built-in action library."""

from actiondiff.knowledge.library import ActionEntry, CandidateDifference, find_action, load_library

__all__ = ["ActionEntry", "CandidateDifference", "find_action", "load_library"]
