"""Fixtures of the pipeline tests: the shared chat server, and one pose cache for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff.config import Config
from tests.support.chat_server import chat_server

__all__ = ["chat_server"]


@pytest.fixture(scope="session")
def pose_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder shared by this folder's tests, so each sample video's pose runs once."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def offline_config(pose_cache: Path) -> Config:
    return Config(cache_dir=pose_cache)
