"""Fixtures of the reliability suite: the CLI as a subprocess, real person videos, the chat server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from actiondiff.video import write_video
from tests.support.chat_server import chat_server

__all__ = ["chat_server"]

CLI = Path(sys.executable).with_name("actiondiff")
BACKGROUND = 90
CliRun = Callable[..., subprocess.CompletedProcess[str]]


def run_cli(
    *args: str | Path, unprivileged: bool = False, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`actiondiff ARGS` in a fresh process; `unprivileged` drops root's capabilities (file modes apply)."""
    prefix: list[str] = []
    if unprivileged and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        prefix = [setpriv, "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--"]
    return subprocess.run(
        [*prefix, str(CLI), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "COLUMNS": "400"},  # one unwrapped line per message
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`actiondiff ARGS` through the same entry point, in this process (saves the ~5 s CLI start-up).

    Used for the variants of a failure whose path through `main` a subprocess test already covers.
    """
    from actiondiff.cli import main

    capsys.readouterr()
    argv = sys.argv
    sys.argv = ["actiondiff", *map(str, args)]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def assert_clean_failure(run: subprocess.CompletedProcess[str], exit_code: int, *needles: str) -> None:
    """A user error: the documented exit code, one message naming subject and cause, no traceback."""
    output = run.stdout + run.stderr
    assert run.returncode == exit_code, output
    assert "Traceback" not in output, output
    flat = " ".join(run.stderr.split())  # rich wraps long lines
    for needle in needles:
        assert needle in flat, f"{needle!r} not in {flat!r}"


@pytest.fixture(scope="session")
def person_photo(real_person_photo: Path) -> np.ndarray:
    """The person on the left of the real photo (RGB), cropped to a 320 x 480 portrait."""
    bgr = cv2.imread(str(real_person_photo))
    assert bgr is not None, f"cannot decode {real_person_photo}"
    image = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(image[:, :320])


def scene(person: np.ndarray, width: int, offset: int) -> np.ndarray:
    """A plain frame `width` wide with the person pasted at `offset` (clipped at the right border)."""
    frame = np.full((person.shape[0], width, 3), BACKGROUND, dtype=np.uint8)
    visible = max(0, min(person.shape[1], width - offset))
    frame[:, offset : offset + visible] = person[:, :visible]
    return frame


@pytest.fixture(scope="session")
def scenes(tmp_path_factory: pytest.TempPathFactory, person_photo: np.ndarray) -> dict[str, Path]:
    """Real H.264 videos of the photographed person: alone, long at another fps, absent, twice, leaving."""
    folder = tmp_path_factory.mktemp("scenes")
    alone = scene(person_photo, 640, 160)
    leaving = [scene(person_photo, 640, 160 + 120 * k) for k in range(5)]
    clips = {
        "person": ([alone] * 20, 10),
        "person_long_30fps": ([alone] * 150, 30),
        "nobody": ([scene(person_photo, 640, 640)] * 20, 10),
        "two_people": ([np.concatenate([person_photo, person_photo], axis=1)] * 20, 10),
        "leaving": (
            [alone] * 6 + leaving + [scene(person_photo, 640, 640)] * 4 + leaving[::-1] + [alone] * 6,
            10,
        ),
        "single_frame": ([alone], 10),
    }
    paths = {}
    for name, (frames, fps) in clips.items():
        paths[name] = folder / f"{name}.mp4"
        write_video(paths[name], frames, fps=fps)
    return paths
