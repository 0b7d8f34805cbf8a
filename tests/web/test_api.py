"""The web app's API over httpx: uploads are checked, jobs run in the worker, results persist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from actiondiff.config import Config
from actiondiff.models import ComparisonResult
from actiondiff.web import create_app
from actiondiff.web.store import Job, JobRequest, JobStore, now

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
        ("clip.mp4", b"", "video/mp4", 400, "empty"),
        (
            "clip.mp4",
            b"\x00\x00\x00\x18ftypmp42 but not really a video",
            "video/mp4",
            422,
            "cannot be decoded",
        ),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(
    client: TestClient, squat_pair: Path, name: str, content: bytes, content_type: str, status: int, says: str
) -> None:
    files = {
        "video_a": (name, content, content_type),
        "video_b": ("b.mp4", (squat_pair / "b.mp4").read_bytes(), "video/mp4"),
    }
    code, body = upload(client, files)
    assert code == status, body
    assert says in body["detail"]
    assert client.get("/api/jobs").json() == []


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
