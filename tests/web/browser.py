"""Helpers of the browser tests: `actiondiff serve` in its own process, Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(data_dir: Path, cache_dir: Path, samples_dir: Path | None = None) -> Iterator[str]:
    """`actiondiff serve` on a free loopback port until the block ends; yields its URL."""
    port = free_port()
    env = {**os.environ, "ACTIONDIFF_CACHE_DIR": str(cache_dir)}
    command = [sys.executable, "-m", "actiondiff", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    if samples_dir is not None:
        command += ["--samples-dir", str(samples_dir)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/api/samples", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"actiondiff serve did not start:\n{output}")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def chromium(profile: Path) -> Iterator[BrowserContext]:
    """A headless Chromium profile with a 1280x900 window."""
    assert CHROMIUM.exists(), "install Debian's chromium (scripts/setup.sh dev does)"
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def current_times(page: Page) -> tuple[float, float]:
    a, b = page.evaluate(
        "[document.querySelector('#video-a').currentTime, document.querySelector('#video-b').currentTime]"
    )
    return float(a), float(b)
