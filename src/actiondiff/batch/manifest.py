"""The pairs of a batch: read from a manifest (CSV or YAML), or every clip of a folder against a reference.

A manifest row names videos `a` and `b` (paths relative to the manifest), the `action`, and what to
decide: `statements` (a differences file, as `compare --differences-file` reads), inline
`differences` (YAML only) or `open` N. What a row leaves out comes from the manifest's top level
(YAML) and then from the command line (`Defaults`). Every error names the manifest, the row and
the field.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from actiondiff.errors import DatasetError, InputError, describe_validation_error
from actiondiff.models import MAX_ACTION_CHARS, VIDEO_SUFFIXES
from actiondiff.pipeline.request import clean_statements, compare_request
from actiondiff.statements import Statement, read_statement_file
from actiondiff.storage import read_user_text

COMMAND_LINE = "give statements (--difference / --differences-file) or --open N"
IN_MANIFEST = "give 'statements' (or 'differences') or 'open' in the manifest, or " + COMMAND_LINE
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
"""A pair's name: its folder under the batch output, so plain file-name characters only."""
MANIFEST_SUFFIXES = (".csv", ".yaml", ".yml", ".json")


class Defaults(BaseModel):
    """What the command line gives once for every pair (a manifest row's own values come first)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: str | None = None
    differences: tuple[str, ...] | None = None
    n_open: int | None = Field(default=None, ge=1)
    description: str = ""
    named: dict[str, tuple[str, str]] = Field(default_factory=dict)
    """Statements -> the quantity (key, direction) their differences file names."""

    @classmethod
    def given(
        cls,
        action: str | None,
        differences: list[str],
        n_open: int | None,
        description: str = "",
        named: Mapping[str, tuple[str, str]] | None = None,
    ) -> Defaults:
        """The command line's options; statements and --open at once are refused (exit 3)."""
        statements = clean_statements(differences)
        if statements and n_open is not None:
            raise InputError("batch", f"closed and open mode at once: {COMMAND_LINE}, not both")
        return cls(
            action=action, differences=tuple(statements) or None, n_open=n_open, description=description,
            named=dict(named or {}),
        )  # fmt: skip


class PairSpec(BaseModel):
    """One comparison of the batch: exactly the arguments of one `actiondiff.compare` call, and a name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=NAME_PATTERN)
    a: Path
    b: Path
    action: str = Field(min_length=1, max_length=MAX_ACTION_CHARS)
    differences: tuple[str, ...] | None = Field(default=None, min_length=1)
    n_open: int | None = Field(default=None, ge=1)
    description: str = ""
    named: dict[str, tuple[str, str]] = Field(default_factory=dict)
    """Of the statements, those whose differences file names their quantity: -> (key, direction)."""

    @model_validator(mode="after")
    def _one_mode(self) -> PairSpec:
        if (self.differences is None) == (self.n_open is None):
            raise ValueError("a pair needs statements or open N (one of the two)")
        return self

    @property
    def mode(self) -> Literal["closed", "open"]:
        return "closed" if self.differences is not None else "open"

    def arguments(self) -> dict[str, Any]:
        """The pair as the arguments of `actiondiff.compare` (all but the configuration)."""
        return {
            "a": self.a,
            "b": self.b,
            "action": self.action,
            "differences": list(self.differences) if self.differences is not None else None,
            "n_open": self.n_open,
            "description": self.description,
            "named": self.named or None,
        }


class _Decide(BaseModel):
    """The fields that say what to decide, in a row or at a YAML manifest's top level."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: str | None = None
    statements: str | None = Field(default=None, description="A differences file, relative to the manifest.")
    differences: list[str] | None = None
    open: int | None = Field(default=None, ge=1)
    description: str | None = None


class ManifestRow(_Decide):
    """One row as written in a manifest."""

    a: str = Field(min_length=1)
    b: str = Field(min_length=1)
    name: str | None = Field(default=None, pattern=NAME_PATTERN)


CSV_COLUMNS = ("a", "b", "action", "statements", "open", "name", "description")
"""A CSV manifest's columns (inline `differences` lists are for YAML)."""
TOP_LEVEL = (*_Decide.model_fields, "pairs")


def read_manifest(path: Path, defaults: Defaults | None = None) -> list[PairSpec]:
    """The pairs of a CSV or YAML manifest, in file order; a clean `DatasetError` on any bad row."""
    defaults = defaults or Defaults()
    if path.suffix.lower() not in MANIFEST_SUFFIXES:
        raise DatasetError(path, f"a manifest is a CSV or YAML file ({', '.join(MANIFEST_SUFFIXES)})")
    text = read_user_text(path, "manifest").removeprefix("\ufeff")  # the byte-order mark spreadsheets write
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(path, text)
        top = _Decide()
    else:
        rows, top = _yaml_rows(path, text)
    reader = _Rows(path, defaults, top)
    pairs = [reader.pair(number, where, raw) for number, where, raw in rows]
    if not pairs:
        raise DatasetError(path, "the manifest holds no pairs")
    return unique_names(path, pairs, [where for _, where, _ in rows])


def reference_pairs(reference: Path, folder: Path, defaults: Defaults) -> list[PairSpec]:
    """Every video file in `folder` (sorted by name, the reference itself left out) as B against A =
    `reference`, with the action and statements given once."""
    if not folder.is_dir():
        raise InputError(folder, "with --reference, give a folder of clips (not a file)")
    if not defaults.action:
        raise InputError("--reference", "give the action once for every clip: --action NAME")
    try:  # the rule `compare` and the web app apply
        request = compare_request(defaults.action, defaults.differences, defaults.n_open, how=COMMAND_LINE)
    except InputError as exc:
        raise InputError("--reference", exc.cause) from exc
    clips = [
        clip
        for clip in sorted(folder.iterdir())
        if clip.suffix.lower() in VIDEO_SUFFIXES
        and not clip.name.startswith(".")
        and not _same_file(clip, reference)
    ]
    if not clips:
        raise InputError(folder, f"holds no videos ({', '.join(VIDEO_SUFFIXES)}) besides the reference")
    pairs = [
        PairSpec(
            name=_slug(clip.name),
            a=_absolute(reference),
            b=_absolute(clip),
            action=request.action,
            differences=tuple(request.differences) if request.differences else None,
            n_open=request.n_open,
            description=defaults.description,
            named=_named_of(defaults.named, request.differences),
        )
        for clip in clips
    ]
    return unique_names(folder, pairs, [clip.name for clip in clips])


def _named_of(
    named: Mapping[str, tuple[str, str]], statements: Iterable[str] | None
) -> dict[str, tuple[str, str]]:
    """The named quantities of the statements a pair decides."""
    return {text: named[text] for text in statements or () if text in named}


def unique_names(source: Path, pairs: list[PairSpec], where: list[str]) -> list[PairSpec]:
    """Refuse two pairs of one name (each name is a folder of the output)."""
    seen: dict[str, str] = {}
    for pair, place in zip(pairs, where, strict=True):
        if pair.name in seen:
            raise DatasetError(
                source, f"{place}, field name: {pair.name!r} is already the name of {seen[pair.name]}"
            )
        seen[pair.name] = place
    return pairs


class _Rows:
    """Turns raw rows into `PairSpec`s: paths against the manifest's folder, statements files read once."""

    def __init__(self, path: Path, defaults: Defaults, top: _Decide) -> None:
        self.path = path
        self.base = path.parent
        self.defaults = defaults
        self.top = top
        self.statement_files: dict[Path, list[Statement]] = {}
        self.top_decision = self._decide("top level", top)

    def pair(self, number: int, where: str, raw: Mapping[str, Any]) -> PairSpec:
        try:
            row = ManifestRow.model_validate(raw)
        except ValidationError as exc:
            raise DatasetError(self.path, f"{where}, {describe_validation_error(exc)}") from exc
        differences, n_open, named = self._decide(where, row)
        if differences is None and n_open is None:
            differences, n_open, named = self.top_decision
        if differences is None and n_open is None:
            differences = list(self.defaults.differences) if self.defaults.differences else None
            n_open, named = self.defaults.n_open, self.defaults.named
        action = row.action or self.top.action or self.defaults.action
        if not action:
            raise DatasetError(
                self.path, f"{where}, field action: missing (give it in the manifest or --action)"
            )
        try:  # the rule `compare` and the web app apply: statements cleaned, one mode
            request = compare_request(action, differences, n_open, how=IN_MANIFEST)
        except InputError as exc:
            raise DatasetError(self.path, f"{where}: {exc.cause}") from exc
        a, b = self._video(row.a), self._video(row.b)
        try:
            return PairSpec(
                name=row.name or _slug(f"{number:03d}-{a.stem}-vs-{b.stem}"),
                a=a,
                b=b,
                action=request.action,
                differences=tuple(request.differences) if request.differences else None,
                n_open=request.n_open,
                description=row.description or self.top.description or self.defaults.description,
                named=_named_of(named, request.differences),
            )
        except ValidationError as exc:
            raise DatasetError(self.path, f"{where}, {describe_validation_error(exc)}") from exc

    def _decide(
        self, where: str, fields: _Decide
    ) -> tuple[list[str] | None, int | None, dict[str, tuple[str, str]]]:
        """The statements (inline ones first, then the file's) or open N that `fields` give, and the
        quantities the file names for its statements."""
        statements = list(fields.differences or [])
        from_file = self._statements_file(where, fields.statements) if fields.statements else []
        statements += [s.text for s in from_file]
        if statements and fields.open is not None:
            raise DatasetError(self.path, f"{where}: closed and open mode at once: {IN_MANIFEST}, not both")
        return statements or None, fields.open, {s.text: s.link for s in from_file if s.link}

    def _statements_file(self, where: str, name: str) -> list[Statement]:
        path = self.base / name
        if path not in self.statement_files:
            try:
                self.statement_files[path] = read_statement_file(path)
            except DatasetError as exc:
                raise DatasetError(self.path, f"{where}, field statements: {exc}") from exc
        return self.statement_files[path]

    def _video(self, name: str) -> Path:
        return _absolute(self.base / Path(name).expanduser())


Row = tuple[int, str, Mapping[str, Any]]
"""A raw row: its number (from 1), where it is (for messages) and its fields."""


def _csv_rows(path: Path, text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if unknown or not {"a", "b"} <= set(columns):
        problem = f"unknown column(s) {unknown}" if unknown else "columns 'a' and 'b' are needed"
        raise DatasetError(path, f"line 1 (header): {problem}; the columns are {', '.join(CSV_COLUMNS)}")
    reader.fieldnames = columns
    rows: list[Row] = []
    for number, record in enumerate(reader, start=1):
        if None in record:
            raise DatasetError(path, f"row {number} (line {reader.line_num}): more cells than columns")
        cells = {k: v.strip() for k, v in record.items() if v is not None and v.strip()}
        if cells:
            rows.append((number, f"row {number} (line {reader.line_num})", cells))
    return rows


def _yaml_rows(path: Path, text: str) -> tuple[list[Row], _Decide]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DatasetError(path, f"not valid YAML/JSON: {exc}") from exc
    top = _Decide()
    if isinstance(data, dict):
        unknown = [k for k in data if k not in TOP_LEVEL]
        if unknown:
            raise DatasetError(
                path, f"unknown top-level key(s) {unknown}; the keys are {', '.join(TOP_LEVEL)}"
            )
        try:
            top = _Decide.model_validate({k: v for k, v in data.items() if k != "pairs"})
        except ValidationError as exc:
            raise DatasetError(path, f"top level, {describe_validation_error(exc)}") from exc
        data = data.get("pairs")
    if not isinstance(data, list):
        raise DatasetError(path, "expected a list of pairs (or a mapping with 'pairs')")
    rows: list[Row] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise DatasetError(
                path, f"row {number}: a pair is a mapping (a, b, action, ...), got {item!r:.60}"
            )
        rows.append((number, f"row {number}", item))
    return rows, top


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-") or "pair"
    return slug[:100]


def _absolute(path: Path) -> Path:
    """An absolute path without resolving links (what every worker, on any node, is given)."""
    return Path(os.path.abspath(path))


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return _absolute(one) == _absolute(other)


def pair_places(pairs: Iterable[PairSpec]) -> list[Path]:
    """The distinct video paths of some pairs, in first-use order."""
    return list(dict.fromkeys(path for pair in pairs for path in (pair.a, pair.b)))
