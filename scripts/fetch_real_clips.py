"""Fetch the real test footage once and cache it: the clips inside the BSD-3-licensed pose2sim wheel.

The dev set-up runs this; the product never does. The wheel comes from the package registry
(`pip download --no-deps pose2sim==0.10.49`) and only its demo videos and calibrations are kept:
`single/cam01..04.mp4` (one person, four cameras of the same moment, 1088x1920, 60 fps),
`multi/cam01..04.mp4` (two people), and each demo's `Calib.qca.txt` (Qualisys XML: every camera's
pose in the lab, the ground truth the view gate is checked against).
Usage: python scripts/fetch_real_clips.py [CACHE_DIR]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from actiondiff.config import real_clips_dir as default_cache

WHEEL = "pose2sim==0.10.49"
FOLDERS = {"single": "Pose2Sim/Demo_SinglePerson/", "multi": "Pose2Sim/Demo_MultiPerson/"}
"""Cache folder -> the demo's folder in the wheel."""
CAMERAS = [f"cam0{i}.mp4" for i in range(1, 5)]
CALIBRATION = "Calib.qca.txt"
"""Each demo's calibration, beside its `videos/` folder in the wheel."""


def cached_files() -> dict[str, str]:
    """Cache path (relative) -> its member in the wheel: the four videos and the calibration of each demo."""
    files = {}
    for name, demo in FOLDERS.items():
        files.update({f"{name}/{cam}": f"{demo}videos/{cam}" for cam in CAMERAS})
        files[f"{name}/{CALIBRATION}"] = f"{demo}calibration/{CALIBRATION}"
    return files


def missing(cache: Path) -> list[Path]:
    return [cache / path for path in cached_files() if not (cache / path).is_file()]


def fetch(cache: Path) -> None:
    """Download the wheel into a temporary folder and extract the demo files into `cache`."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", WHEEL, "-d", tmp], check=True
        )
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            for path, member in cached_files().items():
                target = cache / path
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".part")
                partial.write_bytes(archive.read(member))
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
