"""End to end in a real browser: Debian's headless Chromium driven by Playwright against `actiondiff serve`.

Set ACTIONDIFF_SCREENSHOT_DIR to also keep the page's screenshot there (docs/screenshot-compare.png).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from actiondiff.pipeline.request import NOTHING_TO_DECIDE
from actiondiff.web.forms import HOW
from tests.conftest import shared_cache
from tests.web.browser import chromium, current_times, serving


@pytest.fixture
def server(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`actiondiff serve` in its own process, on a free loopback port."""
    with serving(tmp_path / "web", shared_cache(tmp_path_factory.getbasetemp())) as url:
        yield url


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    with chromium(tmp_path / "chromium-profile") as context:
        yield context.new_page()


def test_compare_the_sample_pair_in_the_browser(
    server: str, page: Page, squat_pair: Path, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server)
    page.set_input_files("#video-a-file", squat_pair / "a.mp4")
    page.set_input_files("#video-b-file", squat_pair / "b.mp4")
    page.fill("#action", "squat")
    page.wait_for_selector("#library-differences input[type=checkbox]")
    page.click("#run")
    page.wait_for_selector("#differences .difference", timeout=180_000)
    assert page.locator("#progress-text").text_content() == "Done."
    texts = page.locator("#differences .difference .text").all_inner_texts()
    assert "the squat is deeper" in texts
    assert page.locator("#differences .badge").count() == len(texts)
    page.wait_for_function("document.querySelector('#video-b').readyState >= 1")
    job_id = str(page.evaluate("location.hash")).removeprefix("#job=")
    sync = httpx.get(f"{server}/api/jobs/{job_id}/view").json()["sync"]

    # A difference: both videos seek to the frames of its evidence.
    item = page.locator("#differences .difference", has_text="the squat is deeper")
    frame_a, frame_b = (
        int(item.get_attribute("data-frame-a") or -1),
        int(item.get_attribute("data-frame-b") or -1),
    )
    item.click()
    page.wait_for_timeout(300)
    time_a, time_b = current_times(page)
    assert time_a == pytest.approx(frame_a / sync["fps"]["a"], abs=0.5 / sync["fps"]["a"])
    assert time_b == pytest.approx(frame_b / sync["fps"]["b"], abs=0.5 / sync["fps"]["b"])
    assert "active" in (item.get_attribute("class") or "")

    # Frame step moves A by one frame and B along the alignment.
    page.click("#step-forward")
    page.wait_for_timeout(200)
    stepped_a, _ = current_times(page)
    assert stepped_a - time_a == pytest.approx(1 / sync["fps"]["a"], abs=0.25 / sync["fps"]["a"])

    # A sub-action span of the second repetition: both videos jump to that sub-action's start in it.
    assert page.locator('#timeline-a .span[data-name="bottom"]').count() == 2
    span = page.locator('#timeline-a .span[data-name="bottom"][data-occurrence="1"]')
    span.click()
    page.wait_for_timeout(300)
    twin = page.locator('#timeline-b .span[data-name="bottom"][data-occurrence="1"]')
    time_a, time_b = current_times(page)
    assert time_a == pytest.approx(int(span.get_attribute("data-frame") or -1) / sync["fps"]["a"], abs=0.02)
    assert time_b == pytest.approx(int(twin.get_attribute("data-frame") or -1) / sync["fps"]["b"], abs=0.02)

    # The per-repetition table: both repetitions of each video, depth, duration and hold; the same as
    # the CSV behind the page's download link.
    for side in "ab":
        rows = page.locator(f"#repetitions table[data-side={side}] tbody tr")
        assert rows.count() == 2, side
        cells = rows.nth(1).locator("td").all_inner_texts()
        assert float(cells[1]) > 0.5 and float(cells[2]) > 0 and float(cells[3]) > 15, cells  # s, s, deg
    deeper = [
        float(page.locator(f"#repetitions table[data-side={s}] tbody tr td").nth(3).inner_text())
        for s in "ab"
    ]
    assert deeper[0] > deeper[1] + 30  # A's full squat against B's quarter squat, as pair.yaml says
    table = httpx.get(server + str(page.get_attribute("#download-repetitions", "href"))).text.splitlines()
    assert table[0].startswith("video,repetition,") and [row[:4] for row in table[1:]] == [
        "A,1,",
        "A,2,",
        "B,1,",
        "B,2,",
    ]

    page.locator("#differences .difference").first.click()
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(500)
    screenshot = page.screenshot(
        path=tmp_path / "screenshot-compare.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": 1500},  # the players and the first differences
    )
    if folder := os.environ.get("ACTIONDIFF_SCREENSHOT_DIR"):
        Path(folder, "screenshot-compare.png").write_bytes(screenshot)
    assert not errors, errors


def test_the_form_says_what_is_missing(server: str, page: Page, squat_pair: Path) -> None:
    """No samples folder given: the page says how to offer one; no statements: the server's words."""
    page.goto(server)
    page.wait_for_selector("#sample-hint", state="visible")
    assert page.locator('input[name="source"][value="sample"]').is_disabled()
    page.set_input_files("#video-a-file", squat_pair / "a.mp4")
    page.set_input_files("#video-b-file", squat_pair / "b.mp4")
    page.fill("#action", "underwater basket weaving")
    page.click("#run")
    said = page.locator("#form-error").text_content() or ""
    assert said == f"{NOTHING_TO_DECIDE}; {HOW}.".capitalize(), "the server's words"
    assert httpx.get(f"{server}/api/jobs").json() == []


def test_library_statements_follow_the_server_s_action_lookup(server: str, page: Page) -> None:
    page.goto(server)
    page.fill("#action", "barbell squat")
    page.wait_for_selector("#library-differences input[type=checkbox]")
    ticked = page.locator("#library-differences input:checked").evaluate_all(
        "items => items.map(i => i.value)"
    )
    assert "the squat is deeper" in ticked
    page.fill("#action", "underwater basket weaving")
    page.wait_for_function("!document.querySelector('#library-differences input')")
    assert "Not in the built-in library" in (page.locator("#action-hint").text_content() or "")
