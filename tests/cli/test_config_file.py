"""The configuration file: backends at the top level, settings at their former places still read."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actiondiff.config import Config
from actiondiff.errors import InputError


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "actiondiff.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_backends_serve_every_stage_from_the_top_level(tmp_path: Path) -> None:
    config = Config.load(
        write(tmp_path, {"backends": {"vlm": "openai:gpt-4o"}}), {"backends.llm": "openai:x"}
    )
    assert (config.backends.vlm, config.backends.llm) == ("openai:gpt-4o", "openai:x")


def test_former_places_are_read_and_a_clash_is_refused(tmp_path: Path) -> None:
    legacy = {"compare": {"backends": {"vlm": "openai:gpt-4o"}, "n_open": 3}, "scoring": {"depth": 3}}
    config = Config.load(write(tmp_path, legacy))
    assert (config.backends.vlm, config.compare.n_open, config.kept.depth) == ("openai:gpt-4o", 3, 3)
    clash = {"backends": {"llm": "openai:a"}, "compare": {"backends": {"llm": "openai:b"}}}
    with pytest.raises(
        InputError, match="both under 'backends' and under its former place 'compare: backends'"
    ):
        Config.load(write(tmp_path, clash))
