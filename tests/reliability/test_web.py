"""The local web app: bounded uploads, client names never become paths, loopback only, no file reads.

Everything goes through the public HTTP API of the real app (worker thread included).
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from actiondiff.config import Config, WebConfig
from actiondiff.web import create_app
from tests.reliability.conftest import CLI
from tests.support.bad_videos import photo_named_as_video

SECRET = "top-secret-contents"


@pytest.fixture
def web(tmp_path: Path, pose_cache: Path) -> Iterator[TestClient]:
    """The app with a 0.05 MB upload limit and a secret file beside (not inside) its data folder."""
    (tmp_path / "secret.txt").write_text(SECRET)
    config = Config(cache_dir=pose_cache, web=WebConfig(data_dir=tmp_path / "web", max_upload_mb=0.05))
    with TestClient(create_app(config)) as client:
        yield client


def _post(client: TestClient, name_a: str, data_a: bytes, video: Path) -> tuple[int, str]:
    files = {"video_a": (name_a, data_a, "video/mp4"), "video_b": ("b.mp4", video.read_bytes(), "video/mp4")}
    response = client.post(
        "/api/jobs", data={"action": "squat", "differences": "the squat is deeper"}, files=files
    )
    return response.status_code, response.text


def _stored_files(tmp_path: Path) -> list[Path]:
    return sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".mp4", ".txt"))


def test_upload_over_the_limit_is_refused(web: TestClient, scenes: dict[str, Path], tmp_path: Path) -> None:
    status, text = _post(web, "big.mp4", bytes(60_000), scenes["single_frame"])
    assert status == 413 and "upload limit" in text
    declared = web.post(
        "/api/jobs", content=b"x" * 1_300_000, headers={"content-type": "multipart/form-data; boundary=x"}
    )
    assert declared.status_code == 413, "a body declared far over the limit is refused before it is read"
    assert _stored_files(tmp_path) == [tmp_path / "secret.txt"]


@pytest.mark.parametrize(
    "name",
    ["../../secret.mp4", "..\\..\\secret.mp4", "/etc/passwd.mp4", "sub/dir.mp4", "..mp4", "x.mp4\x00.txt"],
)
def test_path_traversal_in_upload_names_is_rejected(
    name: str, web: TestClient, scenes: dict[str, Path], tmp_path: Path
) -> None:
    status, text = _post(web, name, scenes["single_frame"].read_bytes(), scenes["single_frame"])
    assert status in (400, 415) and ("path separators" in text or "file name" in text), text
    assert _stored_files(tmp_path) == [tmp_path / "secret.txt"]


@pytest.mark.parametrize(
    "url",
    [
        "/static/../../secret.txt",
        "/static/../pyproject.toml",
        "/static/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/static/..%2f..%2f..%2fsecret.txt",
        "/api/jobs/..%2f..%2fsecret.txt",
        "/api/jobs/0123456789abcdef/videos/..%2f..%2fsecret.txt",
        "/api/jobs/0123456789abcdef/frames/a/..%2f..%2fsecret.txt",
        "/api/jobs/../../secret.txt/report.html",
        "/api/jobs/0123456789abcdef/frames/c/1.jpg",
        "/api/jobs/0123456789abcdef/result.json",
        "/etc/passwd",
    ],
)
def test_no_file_outside_the_app_is_served(url: str, web: TestClient) -> None:
    response = web.get(url)
    assert response.status_code in (404, 405, 422), (url, response.status_code)
    assert SECRET not in response.text and "root:" not in response.text and "[project]" not in response.text


def test_sample_pair_names_cannot_escape(web: TestClient) -> None:
    response = web.post("/api/jobs", data={"action": "squat", "sample": "../../web"})
    assert response.status_code == 404 and "no such sample pair" in response.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as the kernel lists them) of TCP sockets listening on `port`."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                addresses.add(local.rsplit(":", 1)[0])
    return addresses


def test_serve_binds_loopback_by_default(tmp_path: Path) -> None:
    assert WebConfig().host == "127.0.0.1"
    port = _free_port()
    server = subprocess.Popen(
        [str(CLI), "serve", "--port", str(port), "--data-dir", str(tmp_path / "web")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _listening_addresses(port) and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.1)
        assert _listening_addresses(port) == {"0100007F"}, "only 127.0.0.1 may listen"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_photo_named_as_a_video_is_refused_at_upload(
    web: TestClient, scenes: dict[str, Path], real_person_photo: Path, tmp_path: Path
) -> None:
    """A JPEG renamed photo.mp4 is refused in plain words (no job starts), like the other bad videos."""
    photo = photo_named_as_video(real_person_photo, tmp_path / "photo.mp4")
    status, text = _post(web, "photo.mp4", photo.read_bytes(), scenes["person"])
    assert status == 422 and "single picture" in text and "not a video" in text, text
