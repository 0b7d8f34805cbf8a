"""Read a coach's statement before it is matched to a quantity: who it names, whether it is negated.

"B is quicker" says the same as "is quicker", about B; "A does not squat as deep" says less depth,
about A. `read_phrasing` takes the performer out of the words (keeping which one was named), turns a
negation ("not as wide", "doesn't lock out") into the plain claim and a flipped direction, and leaves
the rest to the quantity rows' own patterns (`quantities.match_rules`) and the embedder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Performer = Literal["A", "B"]

_WHO = r"(?:person|video|clip|athlete|performer|lifter|player|jumper|runner|subject|side|skater|diver)"
_VERB = r"(?:is|was|has|had|does|did|doesn't|can|will|\w+(?<!ss)s)\b"
"""A word after a capital A that makes it a performer ("A squats", "A is"), not an article ("A slow pace")."""
_MENTION = re.compile(
    rf"(?i:\b{_WHO})\s+([AB])\b|\b([AB])'s\b|\b(B)\b|\b(A)\b(?=\s+{_VERB})|\b(?:in|for|by)\s+(A)\b|\b(A)\s*$"
)
"""Where a statement names a performer: "person B", "B's", a bare B, an A that acts, "in A", a closing A."""
_THAN = re.compile(r"\bthan\s+(?:the\s+)?(?:" + _WHO + r"\s+)?([AB])\b", re.IGNORECASE)
_CONTRACTIONS = (("can't", "can not"), ("cannot", "can not"), ("won't", "will not"), ("n't", " not"))
_NEGATION = re.compile(r"\b(?:not|never)\b")
"""The word that denies a claim ("is not", "doesn't", "cannot"), taken out to leave the claim."""
_AS_MUCH = re.compile(r"\bas (much|many|often|\w+)(?: as\b.*)?")
_IRREGULAR = {"much": "more", "many": "more", "often": "more", "far": "further", "big": "bigger",
              "good": "better", "bad": "worse", "well": "better", "little": "less"}  # fmt: skip


@dataclass(frozen=True)
class Phrasing:
    """A statement as the quantity rows read it: lower case, no performer named, no negation."""

    text: str
    named: Performer | None = None
    """The performer the statement is about ("B is quicker": B), if it names one."""
    negated: bool = False
    """The statement denies its plain claim ("the squat is not deeper"): read the opposite direction."""

    @property
    def sign(self) -> float:
        return -1.0 if self.negated else 1.0


def read_phrasing(text: str) -> Phrasing:
    """The plain claim of a statement, the performer it names and whether it is negated."""
    named = _named(text)
    plain = _THAN.sub("", text)
    plain = re.sub(rf"\b(?:the\s+)?{_WHO}\s+[AB]'s\b|\b[AB]'s\b", "the", plain, flags=re.IGNORECASE)
    plain = re.sub(rf"\b(?:the\s+)?{_WHO}\s+[AB]\b", "the performer", plain, flags=re.IGNORECASE)
    plain = re.sub(r"\b(?:in|for|by)\s+[AB]\b", "", plain)
    plain = re.sub(r"^\s*[AB]\b(?!\s*(?:'|\w+er\b|more\b|less\b|lower\b))", "the performer", plain)
    plain = re.sub(r"\bB\b", "the performer", plain)
    lowered = plain.lower()
    for contracted, spelled in _CONTRACTIONS:
        lowered = lowered.replace(contracted, spelled)
    negated = bool(_NEGATION.search(lowered))
    if negated:
        lowered = _AS_MUCH.sub(lambda m: _comparative(m.group(1)), _NEGATION.sub("", lowered))
    return Phrasing(" ".join(lowered.split()), named, negated)


def _named(text: str) -> Performer | None:
    """The first performer a statement names; "slower than B" names A, the one compared with B."""
    than = _THAN.search(text)
    for mention in _MENTION.finditer(text):
        if than is None or not than.start() <= mention.start() < than.end():
            return "B" if "B" in mention.groups() else "A"
    if than is not None:
        return "A" if than.group(1) == "B" else "B"
    return None


def _comparative(word: str) -> str:
    """ "as wide" -> "wider", "as many" -> "more", "as explosive" -> "more explosive"."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 6 or word.endswith(("ive", "ble", "ful", "ous", "al", "ed", "ing", "ight", "ent", "ant")):
        return f"more {word}"
    if word.endswith("e"):
        return f"{word}r"
    if word.endswith("y"):
        return f"{word[:-1]}ier"
    return f"{word}er"
