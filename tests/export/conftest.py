from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff.models import ComparisonResult
from tests.conftest import shared_cache
from tests.report.support import squat_comparison


@pytest.fixture(scope="session")
def squat_result(squat_pair: Path, tmp_path_factory: pytest.TempPathFactory) -> ComparisonResult:
    """The real comparison of the squat pair that the report tests use (computed once per session)."""
    return squat_comparison(squat_pair, shared_cache(tmp_path_factory.getbasetemp()))
