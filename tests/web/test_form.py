"""The comparison form (`POST /api/jobs`): read by a FastAPI form model, meant as the CLI means it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from actiondiff.pipeline.request import NOTHING_TO_DECIDE


def post(client: TestClient, **kwargs: object) -> tuple[int, object]:
    response = client.post("/api/jobs", **kwargs)  # type: ignore[arg-type]
    return response.status_code, response.json()["detail"]


@pytest.mark.parametrize(
    "fields",
    [
        {"sample": "squat", "differences": ""},
        {"sample": "squat", "action": "squat", "mode": "closed", "differences": " \n \n"},
    ],
)
def test_nothing_to_decide_is_refused_at_once(client: TestClient, fields: dict[str, str]) -> None:
    """The library's statements are not taken in silently, and open mode without N fails before any job."""
    code, detail = post(client, data=fields)
    assert code == 400 and f"compare: {NOTHING_TO_DECIDE}; pick or type" in str(detail), detail
    assert client.get("/api/jobs").json() == []


def test_the_cli_refuses_it_in_the_same_words(client: TestClient, squat_pair: Path) -> None:
    _, detail = post(client, data={"sample": "squat", "differences": ""})
    cli = subprocess.run(
        [sys.executable, "-m", "actiondiff", "compare", str(squat_pair / "a.mp4"), str(squat_pair / "b.mp4"),
         "--action", "squat"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "400"},
    )  # fmt: skip
    assert cli.returncode == 3, cli.stderr
    said = " ".join(cli.stderr.split())
    assert f"compare: {NOTHING_TO_DECIDE}; give statements" in said
    assert str(detail).split(";")[0] == said.removeprefix("error: ").split(";")[0]


def test_statements_are_cleaned_and_the_unused_mode_field_ignored(client: TestClient) -> None:
    data = {
        "sample": "squat",
        "differences": " the squat is deeper \n\nthe stance is wider\nthe squat is deeper",
        "n_open": "3",
    }
    response = client.post("/api/jobs", data=data)
    assert response.status_code == 202, response.text
    request = response.json()["request"]
    assert request["mode"] == "closed" and request["n_open"] is None
    assert request["differences"] == ["the squat is deeper", "the stance is wider"]
    assert request["action"] == "squat", "a sample pair names its action"


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"data": {"sample": "squat", "mode": "sideways"}}, "Mode: Input should be 'closed' or 'open'"),
        (
            {"data": {"sample": "squat", "mode": "open", "n_open": "many"}},
            "Number of differences to find: type a whole number from 1 to 50 (got 'many')",
        ),
        ({"data": {"sample": "squat", "differences": "x" * 301}}, "Statements: a statement is longer"),
        (
            {"data": {"sample": "squat", "differences": "\n".join(f"s{i}" for i in range(51))}},
            "Statements: at most 50 statements, got 51",
        ),
        (
            {"data": {"sample": "squat"}, "files": {"differences": ("d.txt", b"x", "text/plain")}},
            "Statements: expected a text field, got a file",
        ),
        ({"data": {"action": "   ", "differences": "x"}}, "action: name the action in 1 to 200 characters"),
        (
            {"data": {"sample": "squat", "differences": "x", "performer_b": "0.5;2"}},
            "field performer_b: give the performer as x,y with each from 0 to 1",
        ),
        (  # open mode chosen: asked for its number, not told to choose open mode
            {"data": {"sample": "squat", "mode": "open", "n_open": ""}},
            "Open mode: type how many differences to find, a whole number from 1 to 50",
        ),
    ],
)
def test_invalid_fields_are_named_in_plain_words(client: TestClient, kwargs: dict, says: str) -> None:
    code, detail = post(client, **kwargs)
    assert code == 400 and isinstance(detail, str) and detail.startswith(says), detail
    assert "input" not in detail and "errors.pydantic.dev" not in detail


def test_at_most_two_files_are_read(client: TestClient, squat_pair: Path) -> None:
    video = (squat_pair / "a.mp4").read_bytes()
    files = [(name, ("a.mp4", video, "video/mp4")) for name in ("video_a", "video_b", "video_c")]
    code, detail = post(client, data={"action": "squat", "differences": "the squat is deeper"}, files=files)
    assert code == 400 and "Too many files" in str(detail)
    assert client.get("/api/jobs").json() == []


def test_path_errors_keep_fastapis_answer(client: TestClient) -> None:
    response = client.get("/api/jobs/not-an-id")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["path", "job_id"]


def test_the_page_finds_library_actions_as_compare_does(client: TestClient) -> None:
    """Aliases and longer descriptions find the entry `compare` plans with (`find_action`)."""
    for name in ("squat", "Barbell squat", "a slow goblet squat with a pause"):
        entry = client.get("/api/actions/match", params={"name": name}).json()
        assert entry["name"] == "squat" and "the squat is deeper" in entry["differences"], name
    assert client.get("/api/actions/match", params={"name": "underwater basket weaving"}).json() is None
    assert client.get("/api/actions/match", params={"name": "x" * 201}).status_code == 422


def test_the_picked_athletes_reach_the_job(client: TestClient) -> None:
    data = {"sample": "squat", "differences": "the squat is deeper", "performer_a": " 0.25, 0.5 "}
    response = client.post("/api/jobs", data=data)
    assert response.status_code == 202, response.text
    request = response.json()["request"]
    assert request["performer_a"] == [0.25, 0.5] and request["performer_b"] is None


def test_the_people_of_a_first_frame_are_listed_for_picking(
    client: TestClient, real_person_photo: Path
) -> None:
    """`POST /api/people` with a real photograph: each person found has a box and a centre as fractions of
    the picture, the centre inside the box; a file that is no picture is refused in plain words."""
    response = client.post(
        "/api/people", files={"frame": ("f.png", real_person_photo.read_bytes(), "image/png")}
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["width"] > 0 and found["height"] > 0 and found["people"], found
    for person in found["people"]:
        left, top, right, bottom = person["box"]
        assert 0 <= left <= person["centre_x"] <= right <= 1 and 0 <= top <= person["centre_y"] <= bottom <= 1
    scores = [person["score"] for person in found["people"]]
    assert scores == sorted(scores, reverse=True)
    refused = client.post("/api/people", files={"frame": ("f.png", b"not a picture", "image/png")})
    assert refused.status_code == 400 and "not a picture this app can read" in refused.json()["detail"]
