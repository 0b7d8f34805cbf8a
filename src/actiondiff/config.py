"""Run configuration: one explicit object, loadable from TOML or YAML, overridable by CLI flags."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from actiondiff.errors import InputError


def default_cache_dir() -> Path:
    """`$ACTIONDIFF_CACHE_DIR`, else `$XDG_CACHE_HOME/actiondiff`, else `~/.cache/actiondiff`."""
    if explicit := os.environ.get("ACTIONDIFF_CACHE_DIR"):
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "actiondiff"


class PoseConfig(BaseModel):
    fps: float = Field(default=10.0, gt=0, description="Frames per second sampled for pose.")
    max_side: int = Field(default=640, ge=64, description="Longer image side given to the model.")
    model_complexity: int = Field(default=1, ge=0, le=2)


class Config(BaseModel):
    """Everything a run can be told; stages receive the part they need."""

    cache_dir: Path = Field(default_factory=default_cache_dir)
    use_cache: bool = True
    pose: PoseConfig = Field(default_factory=PoseConfig)

    @classmethod
    def load(cls, path: str | Path | None, **overrides: Any) -> Config:
        """Read a TOML/YAML file (if given), then apply non-None overrides at the top level."""
        data: dict[str, Any] = {}
        if path is not None:
            data = _read_mapping(Path(path))
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InputError(path or "configuration", f"invalid configuration: {exc}") from exc


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot read configuration: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise InputError(path, f"cannot parse configuration: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(path, "configuration must be a mapping of settings")
    return data
