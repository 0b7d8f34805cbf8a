"""The web app's API over httpx: uploads are checked, jobs run in the worker, results persist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from actiondiff.config import Config
from actiondiff.errors import OutputError, VideoError
from actiondiff.models import ComparisonResult, PoseTrack, VideoInfo
from actiondiff.pose.extract import pose_estimator
from actiondiff.video import probe
from actiondiff.web import create_app
from actiondiff.web.store import Job, JobRequest, JobStore, now
from actiondiff.web.uploads import NOT_A_VIDEO
from actiondiff.web.warmup import load_models
from actiondiff.web.worker import describe_failure

STATEMENTS = "the squat is deeper\nthe stance is wider"


def wait_for_end(client: TestClient, job_id: str) -> list[tuple[str, dict]]:
    """Read the job's server-sent events until `done` or `failed`."""
    events: list[tuple[str, dict]] = []
    with client.stream("GET", f"/api/jobs/{job_id}/events", timeout=180) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        kind = ""
        for line in stream.iter_lines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((kind, json.loads(line.removeprefix("data: "))))
                if kind in ("done", "failed"):
                    break
    return events


def upload(client: TestClient, files: dict, **fields: str) -> tuple[int, dict]:
    data = {"action": "squat", "mode": "closed", "differences": STATEMENTS, **fields}
    response = client.post("/api/jobs", data=data, files=files)
    return response.status_code, response.json()


def test_uploaded_pair_is_compared_and_served(client: TestClient, squat_pair: Path) -> None:
    files = {
        "video_a": ("a.mp4", (squat_pair / "a.mp4").read_bytes(), "video/mp4"),
        "video_b": ("b.mp4", (squat_pair / "b.mp4").read_bytes(), "video/mp4"),
    }
    status, job = upload(client, files)
    assert status == 202, job
    events = wait_for_end(client, job["id"])
    assert events[-1][0] == "done", events[-1]
    progress = [e["progress"] for _, e in events]
    assert progress == sorted(progress)

    result = ComparisonResult.model_validate_json(client.get(f"/api/jobs/{job['id']}/result.json").content)
    assert [d.text for d in result.differences] == STATEMENTS.splitlines()
    assert all(d.label in ("A", "B", "C") for d in result.differences)

    view = client.get(f"/api/jobs/{job['id']}/view").json()
    assert "the squat is deeper" in view["sections"]["differences"]
    assert view["sync"]["map"]["a"] and len(view["sync"]["map"]["a"]) == len(view["sync"]["map"]["b"])
    assert len(view["sync"]["pose"]["a"]["points"][0]) == 33

    frame = result.differences[0].evidence[0].frames_a[0]
    picture = client.get(f"/api/jobs/{job['id']}/frames/a/{frame}.jpg")
    assert picture.status_code == 200 and picture.content[:2] == b"\xff\xd8"

    video = client.get(f"/api/jobs/{job['id']}/videos/b", headers={"Range": "bytes=0-99"})
    assert video.status_code == 206 and len(video.content) == 100

    report = client.get(f"/api/jobs/{job['id']}/report.html?download=1")
    assert "attachment" in report.headers["content-disposition"]
    assert "data:image/jpeg;base64," in report.text

    listed = client.get("/api/jobs").json()
    assert listed[0]["id"] == job["id"] and listed[0]["n_differences"] == 2


@pytest.mark.parametrize(
    ("name", "content", "content_type", "status", "says"),
    [
        ("../../etc/passwd.mp4", b"x", "video/mp4", 400, "path separators"),
        ("..mp4", b"x", "video/mp4", 400, "'..'"),
        ("notes.txt", b"hello", "text/plain", 415, "not a video file name"),
        ("clip.mp4", b"hello", "text/plain", 415, "not a video type"),
        ("clip.mp4", b"", "video/mp4", 400, "the file is empty"),
        ("clip.mp4", b"\x00\x00\x00\x18ftypmp42 but not really a video", "video/mp4", 422, NOT_A_VIDEO),
        ("notes.mp4", b"just some text, not a video at all\n" * 40, "video/mp4", 422, NOT_A_VIDEO),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(
    client: TestClient, web_config: Config, squat_pair: Path, name: str, content: bytes,
    content_type: str, status: int, says: str,
) -> None:  # fmt: skip
    """The refusal names the upload (side and uploaded name), says what is wrong in plain words, shows
    no errno or server path, and leaves nothing of the refused job on disk."""
    files = {
        "video_a": ("a.mp4", (squat_pair / "a.mp4").read_bytes(), "video/mp4"),
        "video_b": (name, content, content_type),
    }
    code, body = upload(client, files)
    assert code == status, body
    assert body["detail"] == f"video B ({name}): {says}" or (
        body["detail"].startswith(f"video B ({name}): ") and says in body["detail"]
    ), body
    assert "Errno" not in body["detail"] and str(web_config.web.data_dir) not in body["detail"]
    assert client.get("/api/jobs").json() == []
    jobs_folder = web_config.web.data_dir / "jobs"
    assert not jobs_folder.exists() or not any(jobs_folder.iterdir()), "the refused uploads were removed"


def test_a_failed_job_names_its_videos_as_uploaded(tmp_path: Path) -> None:
    """Decoding fails in the worker: the page is told which upload, by its name, without the server path."""
    stored = tmp_path / "jobs" / "0123456789abcdef" / "b.mp4"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"\x00\x00\x00\x18ftypmp42 then nothing a decoder can use" * 20)
    with pytest.raises(VideoError) as raised:
        probe(stored)
    assert str(stored) in str(raised.value), "the core names the path; the page must not"
    request = JobRequest(
        action="squat", mode="open", n_open=2, name_a="Front squat.mov", name_b="Coach's squat.mp4",
        video_a=stored.with_name("a.mov"), video_b=stored,
    )  # fmt: skip
    said = describe_failure(raised.value, request)
    assert said == f"video B (Coach's squat.mp4): {NOT_A_VIDEO}"
    other = OutputError(stored.parent / "report.html", "cannot write: [Errno 28] No space left on device")
    assert (
        describe_failure(other, request)
        == "the job's folder/report.html: cannot write: No space left on device"
    )


def test_uploads_over_the_size_limit_are_refused(web_config: Config, squat_pair: Path) -> None:
    web_config.web.max_upload_mb = 0.01
    with TestClient(create_app(web_config)) as client:
        files = {
            "video_a": ("a.mp4", (squat_pair / "a.mp4").read_bytes(), "video/mp4"),
            "video_b": ("b.mp4", (squat_pair / "b.mp4").read_bytes(), "video/mp4"),
        }
        code, body = upload(client, files)
    assert code == 413 and "limit" in body["detail"]


@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"sample": "../squat"}, 404, "no such sample"),
        ({"sample": "squat", "mode": "sideways"}, 400, "closed' or 'open"),
        ({"sample": "squat", "mode": "open", "n_open": "500"}, 400, "1 to 50"),
        (
            {"sample": "squat", "action": "underwater basket weaving", "differences": ""},
            400,
            "closed mode needs",
        ),
        ({}, 400, "upload two videos"),
    ],
)
def test_bad_requests_are_refused(client: TestClient, fields: dict, status: int, says: str) -> None:
    code, body = upload(client, {}, **fields)
    assert code == status and says in body["detail"], body


def test_results_and_unfinished_jobs_survive_a_restart(web_config: Config, squat_pair: Path) -> None:
    with TestClient(create_app(web_config)) as client:
        code, job = upload(client, {}, sample="squat")
        assert code == 202, job
        assert wait_for_end(client, job["id"])[-1][0] == "done"
    # A job the previous server accepted but never ran (it was killed) is picked up again.
    store = JobStore(web_config.web.data_dir / "jobs.sqlite3")
    request = JobRequest(
        action="squat", mode="open", n_open=2, name_a="a.mp4", name_b="b.mp4",
        video_a=squat_pair / "a.mp4", video_b=squat_pair / "b.mp4",
    )  # fmt: skip
    store.add(Job(id="00000000000000ab", created_at=now(), status="running", request=request))
    store.close()
    with TestClient(create_app(web_config)) as client:
        jobs = {j["id"]: j for j in client.get("/api/jobs").json()}
        assert jobs[job["id"]]["status"] == "done"
        assert client.get(f"/api/jobs/{job['id']}/result.json").status_code == 200
        assert wait_for_end(client, "00000000000000ab")[-1][0] == "done"
        assert 1 <= client.get("/api/jobs/00000000000000ab").json()["n_differences"] <= 2


def test_samples_and_action_library_are_listed(client: TestClient) -> None:
    samples = {s["name"]: s for s in client.get("/api/samples").json()}
    assert samples["squat"]["action"] == "squat"
    squat = next(a for a in client.get("/api/actions").json() if a["name"] == "squat")
    assert "the squat is deeper" in squat["differences"]
    page = client.get("/")
    assert page.status_code == 200 and 'id="compare-form"' in page.text


def test_a_second_app_finds_the_pose_graphs_started(
    web_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up runs the pose model on a blank frame only while this process has not started it."""
    load_models(web_config)
    estimator = pose_estimator(web_config)
    assert estimator.loaded
    tracked: list[str] = []
    track = estimator.track

    def recorded(video: VideoInfo, *args: Any, **kwargs: Any) -> PoseTrack:
        tracked.append(video.path.name)
        return track(video, *args, **kwargs)

    monkeypatch.setattr(estimator, "track", recorded)
    load_models(web_config)
    assert tracked == []
