#!/usr/bin/env bash
# Install everything actiondiff needs on a fresh Debian machine, idempotently:
# system packages (when root and missing), then a virtual environment in .venv with the package and
# exactly the versions of requirements/<profile>.lock (scripts/lock.py; refresh with `make lock`).
# Usage: scripts/setup.sh [runtime|dev]
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"
python=$(command -v python3.11 || command -v python3)
# The lock of this profile pins every package with its hashes: a new machine installs exactly what CI
# tested. A lock older than pyproject.toml's dependencies stops here, saying how to refresh it.
lock="requirements/$profile.lock"
"$python" scripts/lock.py check

apt_packages=()
# wordnet-base: the WordNet database METEOR's synonym module reads (actiondiff.eval.wordnet).
[[ -e /usr/share/wordnet/index.noun ]] || apt_packages+=(wordnet-base)
if [[ "$profile" == "dev" ]]; then
    # opencv-doc: real photographs of people, used by the pose tests.
    [[ -e /usr/share/doc/opencv-doc/examples/data/basketball1.png ]] || apt_packages+=(opencv-doc)
    # chromium: the browser the web app's end-to-end tests drive (Playwright never downloads one).
    [[ -x /usr/bin/chromium ]] || apt_packages+=(chromium chromium-driver)
fi
if ((${#apt_packages[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        echo "setup: installing Debian packages: ${apt_packages[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
    else
        echo "setup: please install these Debian packages first: ${apt_packages[*]}" >&2
        exit 1
    fi
fi

stamp=".venv/.installed-$profile"
if [[ ! -f "$stamp" || "$lock" -nt "$stamp" ]]; then
    [[ -x .venv/bin/python ]] || "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
    # The project itself: its dependencies and build requirements are all in the lock.
    .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
    touch "$stamp"
fi
if [[ "$profile" == "dev" ]]; then
    # Real footage for the tests (pose2sim's BSD-3 demo clips), fetched once and cached.
    .venv/bin/python scripts/fetch_real_clips.py
fi
