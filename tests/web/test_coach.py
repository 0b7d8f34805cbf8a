"""The coach's view in a real browser (issue #17): refusals in plain words, a ranked and honest summary,
the player's keys and aligned steps, portrait videos, long action names, models loaded at start, and
the side-by-side export.

One server and one browser serve the whole module; its two comparisons run once, through the API.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import cv2
import httpx
import numpy as np
import pytest
from playwright.sync_api import Page

from actiondiff.export import AlignedTimeline
from actiondiff.models import MAX_ACTION_CHARS, ComparisonResult
from actiondiff.report.html import tally
from actiondiff.video import probe
from actiondiff.web.uploads import NOT_A_VIDEO
from tests.conftest import shared_cache
from tests.support.bad_videos import photo_named_as_video
from tests.web.browser import current_times, serving

STATEMENTS = ["the squat is deeper", "the stance is wider", "more repetitions are performed",
              "the descent is faster", "the athlete smiles more", "B stands up faster",
              "B is quicker"]  # fmt: skip
LONG_ACTION = (
    "a slow bodyweight exercise for the legs, done facing the camera with the arms held out in front "
    "and repeated twice, that no entry of the action library describes by name or by alias, "
    "ever, anywhere at all"
)[:MAX_ACTION_CHARS]


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, squat_pair: Path) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("coach")
    with serving(folder / "web", shared_cache(tmp_path_factory.getbasetemp())) as url:
        yield url


def portrait(source: Path, target: Path) -> Path:
    """A portrait copy (640x960) of a landscape sample: its middle third, enlarged."""
    with av.open(str(source)) as reader, av.open(str(target), "w") as writer:
        stream_in = reader.streams.video[0]
        rate = Fraction(stream_in.average_rate or 25)
        stream = writer.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = 640, 960, "yuv420p"
        for frame in reader.decode(stream_in):
            image = frame.to_ndarray(format="rgb24")
            height, width = image.shape[:2]
            crop = image[:, width // 2 - height // 3 : width // 2 + height // 3]
            picture = av.VideoFrame.from_ndarray(crop).reformat(width=640, height=960)
            writer.mux(stream.encode(picture))
        writer.mux(stream.encode(None))
    return target


def portrait_pair(squat_pair: Path, folder: Path) -> dict[str, tuple[str, bytes, str]]:
    """The sample pair's portrait copies (`portrait`), as the upload form's two files."""
    return {
        side: (
            f"{side}.mp4",
            portrait(squat_pair / f"{side[-1]}.mp4", folder / f"{side}.mp4").read_bytes(),
            "video/mp4",
        )
        for side in ("video_a", "video_b")
    }


def submit(url: str, files: dict[str, tuple[str, bytes, str]], **data: str) -> str:
    response = httpx.post(f"{url}/api/jobs", data=data, files=files, timeout=60)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def finished(url: str, job_id: str) -> ComparisonResult:
    deadline = time.monotonic() + 900
    while (job := httpx.get(f"{url}/api/jobs/{job_id}").json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
    assert job["status"] == "done", job
    return ComparisonResult.model_validate_json(httpx.get(f"{url}/api/jobs/{job_id}/result.json").content)


@pytest.fixture(scope="module")
def squat_job(web: str, squat_pair: Path) -> tuple[str, ComparisonResult]:
    """The squat pair uploaded under names of their own, five statements (one no measurement answers)."""
    files = {
        "video_a": ("Anna front squat.mp4", (squat_pair / "a.mp4").read_bytes(), "video/mp4"),
        "video_b": ("Ben front squat.mp4", (squat_pair / "b.mp4").read_bytes(), "video/mp4"),
    }
    job_id = submit(web, files, action="squat", mode="closed", differences="\n".join(STATEMENTS))
    return job_id, finished(web, job_id)


@pytest.fixture(scope="module")
def portrait_job(
    web: str, squat_pair: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, ComparisonResult]:
    """Portrait copies of the pair, compared as an action of 200 characters that the library lacks."""
    files = portrait_pair(squat_pair, tmp_path_factory.mktemp("portrait"))
    job_id = submit(web, files, action=LONG_ACTION, mode="closed", differences="the squat is deeper")
    return job_id, finished(web, job_id)


def scrub_to(page: Page, time_a: float) -> None:
    """Move the position slider as a hand does (an input event)."""
    page.evaluate(
        "t => { const s = document.querySelector('#scrub'); "
        "s.value = t; s.dispatchEvent(new Event('input')); }",
        time_a,
    )


def open_job(page: Page, url: str, job_id: str) -> None:
    page.goto(f"{url}/#job={job_id}")
    page.wait_for_selector("#differences .difference")
    page.wait_for_function("document.querySelector('#video-b').readyState >= 1")


def test_the_models_load_at_start_and_the_page_says_so(web: str, page: Page) -> None:
    """First in the module: the server has just started, so its models may still be loading."""
    page.goto(web)
    if httpx.get(f"{web}/api/status").json()["models"] == "loading":
        page.wait_for_selector("#models-status", state="visible")
        assert "Loading the pose and language models" in (page.text_content("#models-status") or "")
    page.wait_for_selector("#models-status", state="hidden", timeout=300_000)
    status = httpx.get(f"{web}/api/status").json()
    assert status["models"] == "ready" and status["seconds"] > 0


def test_a_refused_upload_is_named_and_explained(
    web: str, page: Page, squat_pair: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "warm-up notes.mp4"
    notes.write_text("3 sets of 10, rest 90 s\n" * 50)
    page.goto(web)
    page.set_input_files("#video-a-file", squat_pair / "a.mp4")
    page.set_input_files("#video-b-file", notes)
    page.fill("#action", "squat")
    page.wait_for_selector("#library-differences input[type=checkbox]")
    page.click("#run")
    page.wait_for_function("document.querySelector('#form-error').textContent !== ''")
    said = page.text_content("#form-error") or ""
    assert said == f"video B (warm-up notes.mp4): {NOT_A_VIDEO}"
    assert "Errno" not in said and "/" not in said
    assert all(job["request"]["name_b"] != notes.name for job in httpx.get(f"{web}/api/jobs").json())


def test_the_summary_ranks_and_says_why_in_plain_words(
    web: str, page: Page, squat_job: tuple[str, ComparisonResult]
) -> None:
    job_id, result = squat_job
    open_job(page, web, job_id)
    assert (page.text_content("#summary .tally strong") or "") == tally(result.differences)
    assert "undecided" in tally(result.differences) and "clear difference" in tally(result.differences)
    clear = sorted((d for d in result.differences if d.label in ("A", "B")), key=lambda d: -d.confidence)
    shown = page.locator("#differences > ol.differences > .difference .text").all_inner_texts()
    assert shown == [d.text for d in clear], "clear differences first, strongest first"
    settled = page.locator("#differences details.settled")
    assert settled.get_attribute("open") is None, "no difference and undecided are collapsed"
    assert not page.locator(".settled .difference").first.is_visible()
    settled.locator(":scope > summary").click()
    undecided = page.locator(".settled .difference", has_text="the athlete smiles more")
    assert undecided.is_visible()
    reason = undecided.locator(".reason").inner_text()
    assert "no vision-language model" in reason and "--" not in reason
    assert "--backend" not in page.inner_text("body")
    summary = page.inner_text("#summary")
    assert "Anna front squat.mp4" in summary and "Ben front squat.mp4" in summary and "a.mp4" not in summary
    assert "Anna front squat.mp4 vs Ben front squat.mp4" in (page.text_content("#result-title") or "")

    page.goto(f"{web}/#history")
    item = page.locator(f'#jobs a[href="#job={job_id}"]')
    assert tally(result.differences) in item.inner_text() and "Anna front squat.mp4" in item.inner_text()
    page.wait_for_function(
        f"[...document.querySelectorAll('#jobs a[href=\"#job={job_id}\"] .thumbs img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )


def test_keys_step_after_play_and_aligned_steps_move_both(
    web: str, page: Page, squat_job: tuple[str, ComparisonResult]
) -> None:
    job_id, result = squat_job
    open_job(page, web, job_id)
    fps_a = result.video_a.fps
    page.click("#play")
    page.wait_for_timeout(400)
    page.click("#play")  # pause: the focus stays on the button
    page.wait_for_timeout(200)
    before, _ = current_times(page)
    page.keyboard.press(".")
    page.wait_for_timeout(200)
    after, _ = current_times(page)
    assert after - before == pytest.approx(1 / fps_a, abs=0.3 / fps_a), "the step key works after Play"

    # From the very start to past the last aligned sample: every step moves A and B forward.
    scrub_to(page, 0.0)
    page.wait_for_timeout(200)
    previous = current_times(page)
    moved_b = []
    for _ in range(6):
        page.click("#step-forward")
        page.wait_for_timeout(120)
        now = current_times(page)
        assert now[0] > previous[0]
        moved_b.append(now[1] > previous[1])
        previous = now
    assert all(moved_b), moved_b
    scrub_to(page, result.video_a.duration_s - 8 / fps_a)
    page.wait_for_timeout(200)
    previous = current_times(page)
    for _ in range(6):
        page.click("#step-forward")
        page.wait_for_timeout(120)
        now = current_times(page)
        assert now[0] > previous[0] and now[1] > previous[1], (previous, now)
        previous = now


def test_portrait_videos_long_names_and_what_stood_in(
    web: str, page: Page, portrait_job: tuple[str, ComparisonResult]
) -> None:
    job_id, result = portrait_job
    assert result.video_a.height > result.video_a.width
    open_job(page, web, job_id)
    notices = page.locator("#summary .notices").inner_text()
    assert "measured as a general movement" in notices, notices
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    title = page.locator("#result-title").bounding_box()
    assert title is not None and title["width"] <= 1280

    page.wait_for_function("document.querySelector('.player[data-side=a]').classList.contains('portrait')")
    video = page.locator("#video-a").bounding_box()
    stage = page.locator(".player[data-side=a] .stage").bounding_box()
    assert video is not None and stage is not None
    assert video["height"] >= 0.7 * 900, "a portrait video uses the window's height"
    assert stage["width"] == pytest.approx(video["width"], abs=2), "no black bars beside it"

    picture = page.locator("#differences .keyframes img").first
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "[...document.querySelectorAll('.keyframes img')].some(i => i.complete && i.naturalWidth)"
    )
    small = picture.bounding_box()
    assert small is not None and small["height"] >= 200, small
    picture.click()
    page.wait_for_selector("#zoom[open]")
    large = page.locator("#zoom img").bounding_box()
    assert large is not None and large["height"] > 2 * small["height"]
    page.keyboard.press("Escape")

    page.goto(f"{web}/#history")
    item = page.locator(f'#jobs a[href="#job={job_id}"]')
    box, jobs = item.bounding_box(), page.locator("#jobs").bounding_box()
    assert box is not None and jobs is not None and box["width"] <= jobs["width"] + 1
    assert item.get_attribute("title", timeout=1000) and "…" not in LONG_ACTION
    page.fill("#action", "x" * (MAX_ACTION_CHARS + 50))
    assert len(page.input_value("#action")) == MAX_ACTION_CHARS


def test_the_side_by_side_export_from_the_page(
    web: str, page: Page, squat_job: tuple[str, ComparisonResult], tmp_path: Path
) -> None:
    job_id, result = squat_job
    open_job(page, web, job_id)
    page.click("#export-video")
    page.wait_for_selector("#export-bar", state="visible")
    page.wait_for_selector("#download-export", state="visible", timeout=300_000)
    href = page.get_attribute("#download-export", "href")
    assert href and href.endswith(".mp4")
    target = tmp_path / "side_by_side.mp4"
    target.write_bytes(httpx.get(f"{web}{href}", timeout=60).content)
    written = probe(target)
    assert written.codec == "h264" and written.n_frames == result.video_a.n_frames
    assert written.duration_s == pytest.approx(result.video_a.duration_s, abs=1.5 / result.video_a.fps)

    angles = httpx.get(f"{web}{page.get_attribute('#download-angles', 'href')}").text.splitlines()
    header = "time_a_s,frame_a,time_b_s,frame_b,left_knee_angle_a_deg,left_knee_angle_b_deg"
    assert angles[0].startswith(header)
    assert result.curves_a is not None and len(angles) == 1 + len(result.curves_a.timestamps)


def stage_pixels(page: Page, side: str) -> np.ndarray:
    """What the browser shows of one video's stage (picture, skeleton, overlay), as RGB."""
    png = page.locator(f".player[data-side={side}] .stage").screenshot()
    return cv2.cvtColor(cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def differs(one: np.ndarray, other: np.ndarray) -> float:
    return float(np.abs(one.astype(float) - other.astype(float)).mean())


def test_the_overlay_and_mirror_change_what_is_drawn(
    web: str, page: Page, squat_job: tuple[str, ComparisonResult]
) -> None:
    job_id, _ = squat_job
    open_job(page, web, job_id)
    page.locator("#differences .difference", has_text="the squat is deeper").click()
    page.wait_for_timeout(600)
    alone = stage_pixels(page, "a")

    page.select_option("#ghost", "video")
    page.evaluate("document.querySelector('#ghost-opacity').value = '1'")
    page.wait_for_timeout(200)
    ghost = stage_pixels(page, "a")
    page.evaluate("document.querySelector('#ghost-opacity').value = '0.2'")
    page.wait_for_timeout(200)
    faint = stage_pixels(page, "a")
    assert differs(ghost, alone) > 3 * differs(faint, alone) > 0, "B over A, its opacity as set"

    page.select_option("#ghost", "skeleton")
    page.evaluate("document.querySelector('#ghost-opacity').value = '1'")
    page.wait_for_timeout(200)
    skeletons = stage_pixels(page, "a")
    assert differs(skeletons, alone) > 5 and differs(skeletons, ghost) > 5
    page.check("#mirror-b")
    page.wait_for_timeout(200)
    mirrored_b = stage_pixels(page, "a")
    assert differs(mirrored_b, skeletons) > 0.2, "B's skeleton is drawn mirrored over A"

    page.select_option("#ghost", "off")
    page.uncheck("#mirror-b")
    page.check("#mirror-a")
    page.wait_for_timeout(200)
    mirrored = stage_pixels(page, "a")
    assert differs(mirrored, np.fliplr(alone)) < 0.25 * differs(mirrored, alone), (
        "A and its skeleton mirrored"
    )
    page.uncheck("#mirror-a")


def test_the_sync_nudge_is_saved_and_used(
    web: str, page: Page, squat_job: tuple[str, ComparisonResult]
) -> None:
    job_id, result = squat_job
    fps_b = result.video_b.fps
    open_job(page, web, job_id)
    scrub_to(page, result.video_a.duration_s / 3)
    page.wait_for_timeout(200)
    before = current_times(page)
    for _ in range(3):
        page.click("#nudge-forward")
    page.wait_for_function("document.querySelector('#offset-state').textContent === 'saved'")
    assert page.text_content("#offset") == f"+{3 / fps_b:.2f} s"
    after = current_times(page)
    assert after[0] == pytest.approx(before[0], abs=1e-3)
    assert after[1] - before[1] == pytest.approx(3 / fps_b, abs=0.3 / fps_b)

    # B alone one frame on: with "Aligned" on, that becomes the offset too.
    page.click("#step-b-forward")
    page.wait_for_function("document.querySelector('#offset-state').textContent === 'saved'")
    stepped = current_times(page)
    assert stepped[0] == pytest.approx(after[0], abs=1e-3)
    assert stepped[1] - after[1] == pytest.approx(1 / fps_b, abs=0.3 / fps_b)
    offset = float(httpx.get(f"{web}/api/jobs/{job_id}/result.json").json()["sync_offset_s"])
    assert offset == pytest.approx(4 / fps_b, abs=2e-3)

    page.reload()
    page.wait_for_selector("#differences .difference")
    assert page.text_content("#offset") == f"+{offset:.2f} s", "the nudge persists across a reload"
    scrub_to(page, result.video_a.duration_s / 3)
    page.wait_for_timeout(200)
    assert current_times(page)[1] == pytest.approx(stepped[1], abs=0.3 / fps_b)
    report = httpx.get(f"{web}/api/jobs/{job_id}/report.html").text
    assert f"B shifted by hand by +{offset:.2f} s" in report
    assert httpx.get(f"{web}/api/jobs/{job_id}/export").json()["offset_s"] == offset
    angles = httpx.get(f"{web}/api/jobs/{job_id}/angles.csv").text.splitlines()
    middle = angles[len(angles) // 2].split(",")
    timeline = AlignedTimeline.of(result, offset)
    assert float(middle[2]) == pytest.approx(float(timeline.b_time(float(middle[0]))), abs=1e-3)
    assert httpx.put(f"{web}/api/jobs/{job_id}/sync", json={"offset_s": 0.0}).status_code == 200
    refused = httpx.put(f"{web}/api/jobs/{job_id}/sync", json={"offset_s": 1e6})
    assert refused.status_code == 400 and "within" in refused.json()["detail"]


def test_a_photo_named_as_a_video_is_refused_on_a_phone(
    web: str, page: Page, squat_pair: Path, real_person_photo: Path, tmp_path: Path
) -> None:
    """Issue 33 item 1, on a phone-sized screen: a JPEG renamed photo.mp4 is refused in plain words
    before any comparison runs (it was compared into "the squat is deeper (more in A)" at 0.999)."""
    photo = photo_named_as_video(real_person_photo, tmp_path / "photo.mp4")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(web)
    page.set_input_files("#video-a-file", photo)
    page.set_input_files("#video-b-file", squat_pair / "a.mp4")
    page.fill("#action", "squat")
    page.wait_for_selector("#library-differences input[type=checkbox]")
    page.locator("#library-differences input[type=checkbox]").first.check()
    page.click("#run")
    page.wait_for_function("document.querySelector('#form-error').textContent !== ''")
    said = page.text_content("#form-error") or ""
    assert said == "video A (photo.mp4): this is a single picture (a photo?), not a video: film the movement"
    assert page.locator("#form-error").is_visible()
    assert all(job["request"]["name_a"] != photo.name for job in httpx.get(f"{web}/api/jobs").json())


def test_reasons_read_in_coach_words_with_the_detail_one_click_away(
    web: str, page: Page, squat_job: tuple[str, ComparisonResult], squat_pair: Path
) -> None:
    """Issue 33 item 3: what was measured in body words, why it could not decide and how to reword;
    the technical reason (quantity keys, cosines, margins) in a collapsed "Technical detail"."""
    job_id, _ = squat_job
    open_job(page, web, job_id)
    page.locator("#differences details.settled > summary").click()
    unmatched = page.locator(".settled .difference", has_text="the athlete smiles more")
    shown = unmatched.inner_text()
    assert "none of the body measurements fits" in shown and "'B stands up faster'" in shown, shown
    for technical in ("cosine", "matched by", "knee_angle", "= statement"):
        assert technical not in page.inner_text("#differences"), technical
    detail = unmatched.locator("details.detail").first
    assert detail.get_attribute("open") is None and not detail.locator("p").is_visible()
    detail.locator("summary").click()
    assert "cosine" in detail.inner_text()

    page.goto(web)
    page.set_input_files("#video-a-file", squat_pair / "a.mp4")
    page.set_input_files("#video-b-file", squat_pair / "b.mp4")
    page.check("input[name=mode][value=open]")
    page.fill("#n-open", "")
    page.fill("#action", "squat")
    page.click("#run")
    page.wait_for_function("document.querySelector('#form-error').textContent !== ''")
    said = page.text_content("#form-error") or ""
    assert said == "Open mode: type how many differences to find, a whole number from 1 to 50.", said


def test_statements_in_a_coachs_words_are_measured_and_read_for_the_performer_they_name(
    web: str, page: Page, squat_job: tuple[str, ComparisonResult]
) -> None:
    """Issue 33 item 4: "B is quicker" and "B stands up faster" (offline) reach the tempo and the
    ascent, and the page says whether the named performer's claim holds or the other way round."""
    job_id, result = squat_job
    verdicts = {d.text: d for d in result.differences}
    for text, quantity in (("B is quicker", "rep_duration"), ("B stands up faster", "ascent_duration")):
        measured = verdicts[text].measured
        assert measured is not None and measured.quantity == quantity, verdicts[text]
    open_job(page, web, job_id)
    page.locator("#differences details.settled > summary").click()
    for text in ("B is quicker", "B stands up faster"):
        label = verdicts[text].label
        shown = page.locator("#differences .difference").filter(has=page.get_by_text(text, exact=True))
        verdict = shown.locator(".verdict").first.inner_text()
        if label in ("A", "B"):
            expected = "As said: more in B" if label == "B" else "The other way round: more in A"
            assert verdict.startswith(expected), verdict
        else:
            assert "none of the body measurements fits" not in verdict, verdict
