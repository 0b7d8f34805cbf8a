"""Difference statements from a file: one per line (text), or a YAML/JSON list of strings or of
{text: ...} items (a pair.yaml's `differences` included). Read by `compare` and by `batch`."""

from __future__ import annotations

from pathlib import Path

import yaml

from actiondiff.errors import DatasetError
from actiondiff.storage import read_user_text


def read_statements(path: Path) -> list[str]:
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
        statements = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not statements:
        raise DatasetError(path, "the differences file holds no statements")
    return statements


def _statement(item: object, path: Path, index: int) -> str:
    text = item.get("text") if isinstance(item, dict) else item
    if not isinstance(text, str | int | float) or not str(text).strip():
        raise DatasetError(path, f"item {index} is not a statement (a string or {{text: ...}}): {item!r:.80}")
    return str(text).strip()
