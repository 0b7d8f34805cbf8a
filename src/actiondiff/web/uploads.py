"""Checks on what the page sends: video uploads (name, type, size, decodability) and sample pair names.

Client file names are only checked, never used as paths: a job's videos are stored as `a.<ext>`
and `b.<ext>` in its own folder. A refusal names the upload as the person knows it ("video A
(clip.mov)") and says what is wrong in plain words: never an errno or a path on the server.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from actiondiff.errors import InputError
from actiondiff.models import VIDEO_SUFFIXES
from actiondiff.storage import atomic_write_bytes
from actiondiff.video import check_performance

SAMPLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
CHUNK = 1 << 20
NOT_A_VIDEO = (
    "this file is not a video this app can read: it may be cut short, damaged, or not a video at all"
)
PLAIN_VIDEO_CAUSES = (
    ("the file is empty", "the file is empty"),
    ("has no video stream", "the file has no picture in it (no video stream)"),
    ("uses a video codec", "the video uses a format (codec) this app cannot decode"),
    ("contains no video frames", "the file has no video frames"),
    ("contains no decodable video frames", "no frame of the video can be decoded"),
    ("cannot decode the first frame", "the first frame cannot be decoded: the file may be damaged"),
    ("permission denied", "the file could not be read on the server"),
    ("is a single still picture", "this is a single picture (a photo?), not a video: film the movement"),
    ("is a still picture", "every frame shows the same picture: there is no movement to compare"),
)
"""Beginnings of `probe`'s causes and what the page says instead (anything else: `NOT_A_VIDEO`)."""


class UploadRejected(InputError):
    """An upload was refused; `status` is the HTTP status to answer with."""

    def __init__(self, subject: str, cause: str, status: int = 400) -> None:
        super().__init__(subject, cause)
        self.status = status


class SamplePair(BaseModel):
    """A bundled pair of videos the page offers instead of an upload."""

    name: str
    action: str
    description: str = ""
    a: Path
    b: Path


def upload_subject(side: str, name: str | None) -> str:
    """How a refusal names an upload: `video A (clip.mov)`, or `video A` when it has no usable name."""
    shown = (name or "").strip()
    if len(shown) > 80:
        shown = f"{shown[:77]}..."
    return f"video {side.upper()} ({shown})" if shown else f"video {side.upper()}"


def check_name(name: str | None, side: str) -> str:
    """The upload's file name if it is a plain name with a video suffix."""
    if not name:
        raise UploadRejected(upload_subject(side, None), "the upload has no file name")
    subject = upload_subject(side, name)
    if any(c in name for c in "/\\\x00") or name in (".", "..") or ".." in name:
        raise UploadRejected(subject, "file names must not contain path separators or '..'")
    if Path(name).suffix.lower() not in VIDEO_SUFFIXES:
        accepted = ", ".join(VIDEO_SUFFIXES)
        raise UploadRejected(subject, f"not a video file name; accepted: {accepted}", 415)
    return name


def plain_video_cause(cause: str) -> str:
    """What `probe` said is wrong with a video, in words for the person who uploaded it."""
    for start, words in PLAIN_VIDEO_CAUSES:
        if cause.startswith(start):
            return words
    return NOT_A_VIDEO


async def save_upload(upload: UploadFile, side: str, folder: Path, max_bytes: int) -> Path:
    """Check an uploaded video and store it as `folder/<side><suffix>`; raises `UploadRejected`.

    A refused upload leaves nothing of itself on disk (the caller removes the job's folder).
    """
    name = check_name(upload.filename, side)
    subject = upload_subject(side, name)
    content_type = (upload.content_type or "").split(";")[0].strip()
    if content_type and not (content_type.startswith("video/") or content_type == "application/octet-stream"):
        raise UploadRejected(subject, f"sent as {content_type!r}, which is not a video type", 415)
    data = bytearray()
    while chunk := await upload.read(CHUNK):
        data.extend(chunk)
        if len(data) > max_bytes:
            raise UploadRejected(subject, f"larger than the {max_bytes / 1e6:.0f} MB upload limit", 413)
    if not data:
        raise UploadRejected(subject, "the file is empty")
    path = atomic_write_bytes(folder / f"{side}{Path(name).suffix.lower()}", bytes(data))
    try:
        check_performance(path)
    except InputError as exc:
        path.unlink(missing_ok=True)
        raise UploadRejected(subject, plain_video_cause(exc.cause), 422) from exc
    return path


def sample_pairs(folder: Path | None) -> dict[str, SamplePair]:
    """The sample pairs under `folder` (`<name>/a.*`, `b.*`, optional `pair.yaml`), by name."""
    pairs: dict[str, SamplePair] = {}
    if folder is None or not folder.is_dir():
        return pairs
    for directory in sorted(p for p in folder.iterdir() if p.is_dir() and SAMPLE_NAME.match(p.name)):
        videos = {p.stem: p for p in directory.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES}
        if "a" not in videos or "b" not in videos:
            continue
        meta = _pair_meta(directory / "pair.yaml")
        pairs[directory.name] = SamplePair(
            name=directory.name,
            action=str(meta.get("action") or directory.name),
            description=str(meta.get("action_description") or meta.get("description") or ""),
            a=videos["a"],
            b=videos["b"],
        )
    return pairs


def _pair_meta(path: Path) -> dict[str, object]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}
