"""WordNet synonyms for METEOR, read from the Princeton WordNet 3.0 database files on disk.

nltk's METEOR asks its `wordnet` argument only for `synsets(word)` and each synset's
`lemmas()` / `name()`; this module answers those from the plain database files (`index.*`,
`data.*`, `*.exc`) that Debian's `wordnet-base` installs in /usr/share/wordnet, so METEOR
runs with its synonym module and nothing is downloaded. `ACTIONDIFF_WORDNET_DIR` points at
another copy; with none found, METEOR runs its exact and stem modules only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# WordNet's morphological detachment rules (the "morphy" suffix substitutions), per part of speech.
_RULES = {
    "n": [("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y")],
    "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
          ("ing", "")],
    "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "r": [],
}  # fmt: skip
_MARKER = re.compile(r"\(.*\)$")


@dataclass(frozen=True)
class Lemma:
    word: str

    def name(self) -> str:
        return self.word


@dataclass(frozen=True)
class Synset:
    words: tuple[str, ...]

    def lemmas(self) -> list[Lemma]:
        return [Lemma(w) for w in self.words]


class WordNetFiles:
    """Synsets of a word in every part of speech, after WordNet's base-form (morphy) rules."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._index: dict[str, dict[str, list[int]]] = {}
        self._exceptions: dict[str, dict[str, list[str]]] = {}
        for pos, name in _POS.items():
            self._index[pos] = _read_index(root / f"index.{name}")
            self._exceptions[pos] = _read_exceptions(root / f"{name}.exc")

    def synsets(self, word: str) -> list[Synset]:
        word = word.lower().replace(" ", "_")
        found: list[Synset] = []
        for pos in _POS:
            for base in self._base_forms(word, pos):
                found.extend(self._synset(pos, offset) for offset in self._index[pos][base])
        return list(dict.fromkeys(found))

    def _base_forms(self, word: str, pos: str) -> list[str]:
        if word in self._exceptions[pos]:
            forms = [word, *self._exceptions[pos][word]]
        else:
            forms = [word] + [word[: -len(old)] + new for old, new in _RULES[pos] if word.endswith(old)]
        return [f for f in dict.fromkeys(forms) if f in self._index[pos]]

    def _synset(self, pos: str, offset: int) -> Synset:
        return _read_synset(self.root / f"data.{_POS[pos]}", offset)


@cache
def _read_synset(path: Path, offset: int) -> Synset:
    with path.open("rb") as handle:
        handle.seek(offset)
        fields = handle.readline().decode("utf-8").split()
    n_words = int(fields[3], 16)
    return Synset(tuple(_MARKER.sub("", fields[4 + 2 * i]) for i in range(n_words)))


def _read_index(path: Path) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(" "):
            continue  # licence header
        fields = line.split()
        n_synsets, n_pointers = int(fields[2]), int(fields[3])
        start = 4 + n_pointers + 2
        index[fields[0]] = [int(o) for o in fields[start : start + n_synsets]]
    return index


def _read_exceptions(path: Path) -> dict[str, list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return {f[0]: f[1:] for f in (line.split() for line in lines) if len(f) > 1}


class NoSynonyms:
    """Stands in when no WordNet is installed: METEOR's synonym module then matches nothing new."""

    root = None

    def synsets(self, word: str) -> list[Synset]:
        return []


def wordnet_dir() -> Path | None:
    """`$ACTIONDIFF_WORDNET_DIR`, else Debian's /usr/share/wordnet, if it holds the database."""
    for candidate in (os.environ.get("ACTIONDIFF_WORDNET_DIR"), "/usr/share/wordnet"):
        if candidate and (Path(candidate) / "index.noun").exists():
            return Path(candidate)
    return None


@cache
def synonym_source() -> WordNetFiles | NoSynonyms:
    """The process-wide synonym source (the database is read once)."""
    root = wordnet_dir()
    return WordNetFiles(root) if root else NoSynonyms()
