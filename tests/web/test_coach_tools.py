"""What a coach reaches for, in a real browser (issue #33): the page on a phone (390x844), the angle
tool, picking the athlete on the first frame, arrow keys, zoom, slow playback, and the small things
(uploaded names only in the result JSON, B's skeleton on its last frame, a step at the clip's end).

One server and one browser serve the whole module; its two comparisons run once, through the API.
Set ACTIONDIFF_SCREENSHOT_DIR to also keep screenshots there (docs/screenshot-phone.png, -angle.png).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import pytest
from playwright.sync_api import Page, Route

from actiondiff.models import ComparisonResult
from tests.conftest import shared_cache
from tests.web.browser import current_times, serving
from tests.web.test_coach import finished, open_job, portrait_pair, scrub_to, submit

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, squat_pair: Path) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("coach-tools")
    with serving(folder / "web", shared_cache(tmp_path_factory.getbasetemp())) as url:
        yield url


@pytest.fixture(scope="module")
def squat_job(web: str, squat_pair: Path) -> tuple[str, ComparisonResult]:
    files = {
        "video_a": ("Anna squat.mp4", (squat_pair / "a.mp4").read_bytes(), "video/mp4"),
        "video_b": ("Ben squat.mp4", (squat_pair / "b.mp4").read_bytes(), "video/mp4"),
    }
    job_id = submit(web, files, action="squat", mode="closed", differences="the squat is deeper")
    return job_id, finished(web, job_id)


@pytest.fixture(scope="module")
def portrait_job(
    web: str, squat_pair: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, ComparisonResult]:
    files = portrait_pair(squat_pair, tmp_path_factory.mktemp("portrait"))
    job_id = submit(web, files, action="squat", mode="closed", differences="the squat is deeper")
    return job_id, finished(web, job_id)


def get(url: str) -> httpx.Response:
    """A GET with room for a loaded machine (the suite's browser tests share two cores)."""
    return httpx.get(url, timeout=60)


def keep_screenshot(name: str, picture: bytes) -> None:
    if folder := os.environ.get("ACTIONDIFF_SCREENSHOT_DIR"):
        Path(folder, name).write_bytes(picture)


def fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def overlay_ink(page: Page, side: str) -> int:
    """How many pixels of a side's overlay canvas are drawn on (skeleton, angles)."""
    return int(
        page.evaluate(
            "side => { const c = document.querySelector(`#overlay-${side}`); "
            "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; "
            "let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n; }",
            side,
        )
    )


def test_the_form_fits_a_phone_and_a_click_picks_the_athlete(web: str, page: Page, squat_pair: Path) -> None:
    page.set_viewport_size(PHONE)
    page.goto(web)
    page.fill("#action", "squat")
    page.wait_for_selector("#library-differences input[type=checkbox]")
    page.set_input_files("#video-a-file", squat_pair / "a.mp4")
    page.set_input_files("#video-b-file", squat_pair / "b.mp4")
    page.wait_for_function("document.querySelector('#first-frame-b video').readyState >= 2")
    assert fits(page), page.evaluate("document.documentElement.scrollWidth")
    for selector in ("#video-a-file", "#video-b-file", "#first-frame-b video", "#run"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector

    page.locator("#first-frame-b video").scroll_into_view_if_needed()
    frame = page.locator("#first-frame-b video").bounding_box()
    assert frame is not None
    page.mouse.click(frame["x"] + 0.3 * frame["width"], frame["y"] + 0.6 * frame["height"])
    x, y = map(float, page.input_value("#performer-b").split(","))
    assert x == pytest.approx(0.3, abs=0.01) and y == pytest.approx(0.6, abs=0.01)
    assert page.input_value("#performer-a") == "", "A left to the automatic choice"

    posted: list[bytes] = []

    def capture(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        posted.append(route.request.post_data_buffer or b"")
        route.abort()

    page.route("**/api/jobs", capture)
    page.click("#run")
    page.wait_for_function("document.querySelector('#form-error').textContent !== ''")
    assert posted, "the form was sent"
    field = re.search(rb'name="performer_b"\r\n\r\n([^\r]*)\r\n', posted[0])
    assert field is not None and field.group(1).decode() == page.input_value("#performer-b")
    assert b'name="performer_a"' not in posted[0]


def test_a_result_fits_a_phone(
    web: str,
    page: Page,
    squat_job: tuple[str, ComparisonResult],
    portrait_job: tuple[str, ComparisonResult],
) -> None:
    page.set_viewport_size(PHONE)
    for job_id, _ in (squat_job, portrait_job):
        open_job(page, web, job_id)
        page.wait_for_function("['a', 'b'].every(s => document.querySelector(`#video-${s}`).readyState >= 2)")
        page.wait_for_timeout(300)
        assert fits(page), (job_id, page.evaluate("document.documentElement.scrollWidth"))
        for side in ("a", "b"):
            box = page.locator(f"#video-{side}").bounding_box()
            assert box is not None and box["width"] > 100
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (side, box)
    # The portrait pair side by side, each picture exactly as tall as its width asks: no black bars.
    page.wait_for_selector(".players.portrait-pair", timeout=5000)
    for side in ("a", "b"):
        box = page.locator(f"#video-{side}").bounding_box()
        assert box is not None and box["height"] / box["width"] == pytest.approx(960 / 640, rel=0.03), box
    page.evaluate("document.querySelector('.players').scrollIntoView()")
    keep_screenshot("screenshot-phone.png", page.screenshot())


def test_an_angle_measured_on_a_paused_frame_is_kept_and_exported(
    web: str, page: Page, squat_job: tuple[str, ComparisonResult]
) -> None:
    job_id, result = squat_job
    info = result.video_a
    open_job(page, web, job_id)
    page.wait_for_function("document.querySelector('#video-a').readyState >= 2")
    scrub_to(page, 1.0)
    page.wait_for_timeout(300)
    frame = math.floor(current_times(page)[0] * info.fps + 1e-3)
    page.click("#angle-tool")
    assert page.get_attribute("#angle-tool", "aria-pressed") == "true"
    box = page.locator("#video-a").bounding_box()
    assert box is not None and result.pose_a is not None
    # Hip, knee and ankle where the pose model found them: what a coach clicks for the knee angle.
    pose = result.pose_a
    row = int(abs(pose.timestamps - frame / info.fps).argmin())
    at = [pose.image_xyz[row, pose.landmark(f"left_{joint}"), :2] for joint in ("hip", "knee", "ankle")]
    clicks = [(float(x), float(y)) for x, y in at]
    for fx, fy in clicks:
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    page.wait_for_function("document.querySelector('#measurements-state').textContent === 'saved'")

    (x0, y0), (x1, y1), (x2, y2) = ((x * info.width, y * info.height) for x, y in clicks)
    expected = math.degrees(abs(math.atan2(y0 - y1, x0 - x1) - math.atan2(y2 - y1, x2 - x1)))
    expected = 360 - expected if expected > 180 else expected
    stored = get(f"{web}/api/jobs/{job_id}/result.json").json()["annotations"]
    assert len(stored) == 1 and stored[0]["side"] == "a" and stored[0]["frame"] == frame
    assert stored[0]["degrees"] == pytest.approx(expected, abs=1.5), "clicks land on whole CSS pixels"
    assert page.locator("#measurements .degrees").inner_text() == f"{stored[0]['degrees']:.1f}°"
    assert overlay_ink(page, "a") > 0
    keep_screenshot("screenshot-angle.png", page.locator(".players").screenshot())

    rows = list(csv.DictReader(io.StringIO(get(f"{web}/api/jobs/{job_id}/measurements.csv").text)))
    assert rows[0]["video"] == "A" and rows[0]["frame"] == str(frame)
    assert float(rows[0]["angle_deg"]) == pytest.approx(stored[0]["degrees"], abs=0.01)
    report = get(f"{web}/api/jobs/{job_id}/report.html").text
    assert "Angles measured by hand" in report and f"{stored[0]['degrees']:.1f}°" in report

    page.reload()
    page.wait_for_selector("#measurements li")
    page.locator("#measurements button", has_text="Delete").click()
    page.wait_for_function("document.querySelector('#measurements-state').textContent === 'saved'")
    assert get(f"{web}/api/jobs/{job_id}/result.json").json()["annotations"] == []
    refused = httpx.put(
        f"{web}/api/jobs/{job_id}/annotations",
        timeout=60,
        json=[{"side": "b", "frame": 10**6, "points": [[0.1, 0.1], [0.2, 0.2], [0.3, 0.1]]}],
    )
    assert refused.status_code == 400 and "frames" in refused.json()["detail"]


def test_arrow_keys_step_zoom_enlarges_and_playback_goes_slower(
    web: str, page: Page, squat_job: tuple[str, ComparisonResult]
) -> None:
    job_id, result = squat_job
    open_job(page, web, job_id)
    scrub_to(page, 1.0)
    page.wait_for_timeout(200)
    before = current_times(page)[0]
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(150)
    after = current_times(page)[0]
    assert after - before == pytest.approx(1 / result.video_a.fps, abs=0.3 / result.video_a.fps)
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(150)
    assert current_times(page)[0] == pytest.approx(before, abs=0.3 / result.video_a.fps)

    stage = page.locator(".player[data-side=a] .stage").bounding_box()
    page.select_option("#magnify", "3")
    video = page.locator("#video-a").bounding_box()
    assert (
        stage is not None
        and video is not None
        and video["width"] == pytest.approx(3 * stage["width"], rel=0.02)
    )
    page.select_option("#magnify", "1")
    page.locator("#video-b").dblclick()
    assert page.input_value("#magnify") == "2", "a double-click enlarges"
    page.select_option("#magnify", "1")

    page.select_option("#speed", "0.1")
    page.click("#play")
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelector('#video-a').playbackRate") == pytest.approx(0.1)
    page.click("#play")


def test_the_last_frame_keeps_b_s_skeleton_and_a_step_at_the_end_keeps_the_offset(
    web: str, page: Page, squat_job: tuple[str, ComparisonResult]
) -> None:
    job_id, result = squat_job
    open_job(page, web, job_id)
    page.wait_for_function("document.querySelector('#video-b').readyState >= 2")
    scrub_to(page, result.video_a.duration_s)
    page.wait_for_timeout(400)
    _, time_b = current_times(page)
    assert time_b == pytest.approx(result.video_b.duration_s, abs=1.5 / result.video_b.fps)
    assert overlay_ink(page, "b") > 200, "B's skeleton on its last frame"

    offset = page.text_content("#offset")
    page.click("#step-b-forward")
    page.wait_for_timeout(500)
    assert page.text_content("#offset") == offset and page.text_content("#offset-state") == ""
    assert get(f"{web}/api/jobs/{job_id}/result.json").json()["sync_offset_s"] == 0.0


def test_the_result_json_names_the_uploads_not_the_server_s_files(
    web: str, squat_job: tuple[str, ComparisonResult]
) -> None:
    job_id, _ = squat_job
    text = get(f"{web}/api/jobs/{job_id}/result.json?download=1").text
    result = ComparisonResult.model_validate_json(text)
    assert (str(result.pair.a), str(result.video_b.path)) == ("Anna squat.mp4", "Ben squat.mp4")
    assert result.pose_a is not None and str(result.pose_a.video.path) == "Anna squat.mp4"
    assert "/jobs/" not in text and "a.mp4" not in text


def test_the_side_by_side_export_of_a_portrait_pair_is_full_size(
    web: str, portrait_job: tuple[str, ComparisonResult], tmp_path: Path
) -> None:
    job_id, result = portrait_job
    status = httpx.post(f"{web}/api/jobs/{job_id}/export", timeout=60).json()
    while status["state"] == "running":
        time.sleep(0.5)
        status = get(f"{web}/api/jobs/{job_id}/export").json()
    assert status["state"] == "done", status
    target = tmp_path / "portrait.mp4"
    target.write_bytes(get(f"{web}{status['url']}").content)
    with av.open(str(target)) as container:
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
    assert width >= 960 and height > 720, (width, height)
    assert result.video_a.height == 960
