"""Difference statements from a file: one per line (text), or a YAML/JSON list of strings or of
{text: ..., quantity: ..., direction: ...} items (a pair.yaml's `differences` included). Read by
`compare` and by `batch`.

An item's `quantity` names the catalogue quantity (`kinematics.QUANTITIES`) that decides it, so the
statement is measured as that quantity instead of being matched by rule or embedding; `direction`
(more/less) says whether it asserts more or less of it, and is read from the quantity's own
patterns when left out ("the descent is faster" asserts less descent_duration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from actiondiff.errors import DatasetError
from actiondiff.kinematics.quantities import QUANTITIES, unknown_quantity
from actiondiff.storage import read_user_text

Direction = Literal["more", "less"]


@dataclass(frozen=True)
class Statement:
    """A statement to decide and, when its file names one, the quantity that decides it."""

    text: str
    quantity: str | None = None
    direction: Direction = "more"

    @property
    def link(self) -> tuple[str, Direction] | None:
        """(quantity key, direction) when the statement names its quantity."""
        return (self.quantity, self.direction) if self.quantity else None


def read_statements(path: Path) -> list[str]:
    """The texts of a differences file's statements (see `read_statement_file`)."""
    return [s.text for s in read_statement_file(path)]


def read_statement_file(path: Path) -> list[Statement]:
    """The statements of a differences file; a clean `DatasetError` naming the file otherwise."""
    text = read_user_text(path, "differences file")
    if path.suffix in (".yaml", ".yml", ".json"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise DatasetError(path, f"not valid YAML/JSON: {exc}") from exc
        items = data.get("differences") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise DatasetError(path, "expected a list of statements (or a mapping with 'differences')")
        statements = [_statement(item, path, i) for i, item in enumerate(items)]
    else:
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
        statements = [Statement(line) for line in lines]
    if not statements:
        raise DatasetError(path, "the differences file holds no statements")
    return statements


def _statement(item: object, path: Path, index: int) -> Statement:
    text = item.get("text") if isinstance(item, dict) else item
    if not isinstance(text, str | int | float) or not str(text).strip():
        raise DatasetError(path, f"item {index} is not a statement (a string or {{text: ...}}): {item!r:.80}")
    text = str(text).strip()
    if not isinstance(item, dict) or item.get("quantity") is None:
        return Statement(text)
    where = f"statement {index} ({text!r})"
    key = item["quantity"]
    quantity = next((q for q in QUANTITIES if q.key == key), None)
    if quantity is None:
        raise DatasetError(path, f"{where} names {unknown_quantity(key)}")
    direction = item.get("direction")
    if direction is None:
        direction = "less" if quantity.less and re.search(quantity.less, text.lower()) else "more"
    if direction not in ("more", "less"):
        raise DatasetError(path, f"{where}: direction must be 'more' or 'less', got {direction!r}")
    return Statement(text, quantity.key, "less" if direction == "less" else "more")
