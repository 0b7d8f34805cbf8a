"""The locks the set-up installs from: fresh against pyproject.toml, and a stale one stops CI in one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def lock_check(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(repo / "scripts/lock.py"), "check"], capture_output=True, text=True, check=False
    )


def copy_of_the_lock_inputs(target: Path) -> Path:
    for part in ("pyproject.toml", "scripts/lock.py", "requirements/dev.lock", "requirements/runtime.lock"):
        (target / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / part, target / part)
    return target


def test_the_committed_locks_match_pyproject() -> None:
    checked = lock_check(REPO)
    assert checked.returncode == 0, checked.stderr


def test_a_dependency_added_without_a_new_lock_fails_with_the_refresh_command(tmp_path: Path) -> None:
    repo = copy_of_the_lock_inputs(tmp_path)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"numpy>=1.26",', '"numpy>=1.26",\n    "tqdm>=4",'))
    checked = lock_check(repo)
    assert checked.returncode == 1
    (line,) = checked.stderr.splitlines()
    assert "requirements/dev.lock, requirements/runtime.lock" in line and "`make lock`" in line


def test_comments_and_layout_do_not_make_a_lock_stale(tmp_path: Path) -> None:
    repo = copy_of_the_lock_inputs(tmp_path)
    pyproject = repo / "pyproject.toml"
    commented = pyproject.read_text().replace('"numpy>=1.26",', '"numpy>=1.26",  # arrays')
    pyproject.write_text("# a comment\n" + commented)
    assert lock_check(repo).returncode == 0


def test_every_locked_requirement_is_pinned_with_hashes() -> None:
    for lock in ("dev", "runtime"):
        lines = (REPO / f"requirements/{lock}.lock").read_text().splitlines()
        entries = [line for line in lines if line and not line.startswith((" ", "#"))]
        assert entries and all("==" in entry and entry.endswith("\\") for entry in entries), lock
