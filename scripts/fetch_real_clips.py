"""Fetch the real test footage once and cache it: the clips inside two BSD-3-licensed wheels.

The dev set-up runs this; the product never does. Each wheel comes from the package registry
(`pip download --no-deps`) and only its demo files are kept. From pose2sim==0.10.49:
`single/cam01..04.mp4` (one person, four cameras of the same moment, 1088x1920, 60 fps),
`multi/cam01..04.mp4` (two people), and each demo's `Calib.qca.txt` (Qualisys XML: every camera's
pose in the lab, the ground truth the view gate is checked against). From sports2d==0.8.34:
`sports2d/demo.mp4` (1768x994, 30 fps, 7.7 s: a man on a box swings his arms, jumps down and rolls
while a woman walks across; the corpus of other people, data/corpus/manifest.yaml).
Usage: python scripts/fetch_real_clips.py [CACHE_DIR]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from actiondiff.config import real_clips_dir as default_cache

POSE2SIM = "pose2sim==0.10.49"
SPORTS2D = "sports2d==0.8.34"
FOLDERS = {"single": "Pose2Sim/Demo_SinglePerson/", "multi": "Pose2Sim/Demo_MultiPerson/"}
"""Cache folder -> the demo's folder in the wheel."""
CAMERAS = [f"cam0{i}.mp4" for i in range(1, 5)]
CALIBRATION = "Calib.qca.txt"
"""Each demo's calibration, beside its `videos/` folder in the wheel."""


def cached_files() -> dict[str, dict[str, str]]:
    """Wheel -> cache path (relative) -> its member in the wheel: pose2sim's four videos and calibration
    of each demo, sports2d's demo video."""
    pose2sim = {}
    for name, demo in FOLDERS.items():
        pose2sim.update({f"{name}/{cam}": f"{demo}videos/{cam}" for cam in CAMERAS})
        pose2sim[f"{name}/{CALIBRATION}"] = f"{demo}calibration/{CALIBRATION}"
    return {POSE2SIM: pose2sim, SPORTS2D: {"sports2d/demo.mp4": "Sports2D/Demo/demo.mp4"}}


def missing(cache: Path) -> list[Path]:
    """The cached files not in `cache` yet, of every wheel."""
    return [
        cache / path for files in cached_files().values() for path in files if not (cache / path).is_file()
    ]


def fetch(cache: Path, wheel_spec: str, files: dict[str, str]) -> None:
    """Download the wheel into a temporary folder and extract `files` into `cache`."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", wheel_spec, "-d", tmp],
            check=True,
        )
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            for path, member in files.items():
                target = cache / path
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".part")
                partial.write_bytes(archive.read(member))
                partial.replace(target)


def main() -> None:
    cache = Path(sys.argv[1]) if len(sys.argv) > 1 else default_cache()
    absent = set(missing(cache))
    for wheel_spec, files in cached_files().items():
        if any(cache / path in absent for path in files):
            print(f"fetch_real_clips: caching the {wheel_spec} demo clips in {cache}")
            fetch(cache, wheel_spec, files)
    if still := missing(cache):
        sys.exit(f"fetch_real_clips: still missing {', '.join(map(str, still))}")


if __name__ == "__main__":
    main()
