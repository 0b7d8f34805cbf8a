"""Writing that never leaves half a file behind, reading a user's text file, a content-addressed cache."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import socket
import threading
from pathlib import Path
from typing import Any

import yaml

from actiondiff.errors import DatasetError, OutputError


def temporary_beside(path: Path) -> Path:
    """A name beside `path` to write to before renaming over it, unique per host, process and thread.

    So concurrent writers of one path (A and B of a clip compared with itself, two benchmarks making
    the same edited clip, or nodes of a cluster sharing a cache folder) never write into, or rename
    away, each other's file.
    """
    return path.with_name(f".{path.name}.{socket.gethostname()}.{os.getpid()}.{threading.get_ident()}.tmp")


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write to a temporary file beside `path`, fsync it, then rename it over `path`."""
    path = Path(path)
    tmp = temporary_beside(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(path, _describe_os_error(exc)) from exc
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def append_jsonl(path: str | Path, record: dict[str, Any]) -> None:
    """Append one JSON line and fsync, so a killed run keeps every finished record whole.

    A torn last line (a writer killed or out of space mid-line) is closed first, so it costs only itself.
    """
    path = Path(path)
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+b") as handle:
            if handle.tell() > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    line = b"\n" + line
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise OutputError(path, _describe_os_error(exc)) from exc


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Records of a JSONL file; a torn last line (from a killed writer) is dropped."""
    path = Path(path)
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def read_user_text(path: Path, what: str) -> str:
    """The UTF-8 text of a file the user gave (`what` it is, e.g. "manifest"), or a `DatasetError`
    naming the file and why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DatasetError(path, f"cannot read the {what}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise DatasetError(path, f"the {what} is not UTF-8 text: {exc.reason}") from exc


def _describe_os_error(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (read-only or protected location)"
    return exc.strerror or str(exc)


def content_key(*parts: str) -> str:
    """A short stable hash of the given parts, for cache file names."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


class DiskCache:
    """Bytes stored under `root/namespace/<key>`; writes are atomic, misses return None."""

    def __init__(self, root: str | Path, namespace: str) -> None:
        self.directory = Path(root) / namespace

    def get(self, key: str) -> bytes | None:
        path = self.directory / key
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, data: bytes) -> None:
        atomic_write_bytes(self.directory / key, data)


def parse_yaml(text: str) -> Any:
    """YAML text as Python data, read by libyaml's C parser where PyYAML was built with it (the action
    library parses in a fifth of the time); `yaml.YAMLError` when the text is not valid YAML."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
