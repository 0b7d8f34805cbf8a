"""The locked environments that `scripts/setup.sh` installs: every package pinned, with its hashes.

`requirements/runtime.lock` serves `make demo`, `requirements/dev.lock` serves `make test` (and CI).
Both are resolved from pyproject.toml by `uv pip compile`; the runtime lock is constrained by the dev
lock, so the two never pin a package differently. Each lock's first line records a digest of the
declarations it was resolved from (dependencies, the dev extra, the Python range, the build system),
so that a change to pyproject.toml without a new lock stops the set-up with one line saying what to do.

Usage (run with any Python >= 3.11; `write` needs uv, which `make lock` provides):
    python3 scripts/lock.py check              # exit 1 with one line when a lock is stale or missing
    python3 scripts/lock.py write [--upgrade]  # resolve again; keeps today's pins unless --upgrade
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = REPO / "pyproject.toml"
LOCKS = {"dev": REPO / "requirements/dev.lock", "runtime": REPO / "requirements/runtime.lock"}
"""Profile of scripts/setup.sh -> its lock. The dev lock is written first: it constrains the runtime one."""
INSTALLER = ["pip"]
"""Locked beside the build requirements: the set-up installs the project with them, without isolation."""
DIGEST_PREFIX = "# pyproject.toml digest: "
REFRESH = "make lock"


def declarations_digest(pyproject: Path = PYPROJECT) -> str:
    """sha256 of what the locks are resolved from, independent of the file's layout and comments."""
    document = tomllib.loads(pyproject.read_text())
    project = document["project"]
    declared = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "dev": project.get("optional-dependencies", {}).get("dev", []),
        "build": document.get("build-system", {}).get("requires", []),
    }
    return hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path) -> str | None:
    if not lock.is_file():
        return None
    first = lock.read_text().partition("\n")[0]
    return first.removeprefix(DIGEST_PREFIX) if first.startswith(DIGEST_PREFIX) else None


def stale_locks() -> list[Path]:
    expected = declarations_digest()
    return [lock for lock in LOCKS.values() if recorded_digest(lock) != expected]


def check() -> int:
    if stale := stale_locks():
        names = ", ".join(str(lock.relative_to(REPO)) for lock in stale)
        print(
            f"lock: {names} no longer matches pyproject.toml's dependencies: "
            f"run `{REFRESH}` and commit the new lock with pyproject.toml",
            file=sys.stderr,
        )
        return 1
    return 0


def pip_find_links() -> list[str]:
    """The wheel folders pip is configured with (a machine's local wheels, such as a CPU-only torch).

    uv does not read pip's configuration; passing them on keeps the lock equal to what pip installs.
    """
    answer = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.find-links"],
        capture_output=True,
        text=True,
        check=False,
    )
    return answer.stdout.split() if answer.returncode == 0 else []


def write(upgrade: bool) -> None:
    uv = os.environ.get("UV", "uv")
    build = tomllib.loads(PYPROJECT.read_text()).get("build-system", {}).get("requires", [])
    digest = declarations_digest()
    with tempfile.TemporaryDirectory() as tmp:
        extra_inputs = Path(tmp) / "build-and-installer.in"
        extra_inputs.write_text("\n".join([*build, *INSTALLER]) + "\n")
        for profile, lock in LOCKS.items():
            command = [
                uv, "pip", "compile", str(PYPROJECT.relative_to(REPO)), str(extra_inputs),
                "--generate-hashes", "--python-version", "3.11", "--quiet",
                "--custom-compile-command", REFRESH, "--output-file", str(lock),
            ]  # fmt: skip
            for folder in pip_find_links():
                command += ["--find-links", folder]
            if profile == "dev":
                command += ["--extra", "dev"]
            else:
                command += ["--constraint", str(LOCKS["dev"])]
            if upgrade:
                command.append("--upgrade")
            lock.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(command, cwd=REPO, check=True)
            body = lock.read_text().replace(str(extra_inputs), "the build requirements and pip")
            lock.write_text(f"{DIGEST_PREFIX}{digest}\n{body}")
            print(f"lock: wrote {lock.relative_to(REPO)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="exit 1 with one line when a lock is stale against pyproject.toml")
    writing = commands.add_parser("write", help="resolve the locks again from pyproject.toml")
    writing.add_argument("--upgrade", action="store_true", help="take the newest releases the ranges allow")
    arguments = parser.parse_args()
    if arguments.command == "check":
        sys.exit(check())
    write(arguments.upgrade)


if __name__ == "__main__":
    main()
