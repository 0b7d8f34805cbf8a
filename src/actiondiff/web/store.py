"""The web app's memory: jobs, their progress and their results in one SQLite file, safe across restarts."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from actiondiff.errors import OutputError
from actiondiff.models import MAX_ACTION_CHARS

JobStatus = Literal["queued", "running", "done", "failed"]


class JobRequest(BaseModel):
    """What the user asked for; the videos themselves live in the job's folder."""

    action: str = Field(min_length=1, max_length=MAX_ACTION_CHARS)
    mode: Literal["closed", "open"]
    differences: list[str] | None = None
    n_open: int | None = Field(default=None, ge=1, le=50)
    name_a: str
    name_b: str
    video_a: Path
    video_b: Path
    performer_a: tuple[float, float] | None = None
    """The athlete picked on A's first frame (x, y fractions; None: chosen by the rule)."""
    performer_b: tuple[float, float] | None = None


class Job(BaseModel):
    """A comparison job as listed and polled by the page."""

    id: str
    created_at: datetime
    status: JobStatus = "queued"
    stage: str = "waiting"
    progress: float = Field(default=0.0, ge=0.0, le=1.0)
    error: str | None = None
    n_differences: int | None = None
    tally: str | None = Field(
        default=None, description='The verdicts counted: "2 clear differences, 3 no difference, 1 undecided".'
    )
    request: JobRequest


_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT NOT NULL,
    progress REAL NOT NULL,
    error TEXT,
    n_differences INTEGER,
    request TEXT NOT NULL,
    result TEXT,
    tally TEXT
)
"""
_COLUMNS_ADDED = {"tally": "ALTER TABLE jobs ADD COLUMN tally TEXT"}
"""Columns a database written by an earlier version lacks, and how to add them."""


class JobStore:
    """Jobs and result JSON in SQLite (WAL); one connection shared by threads under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            present = {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}
            for column, statement in _COLUMNS_ADDED.items():
                if column not in present:
                    self._db.execute(statement)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(path, f"cannot open the job database: {exc}") from exc
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add(self, job: Job) -> None:
        self._run(
            "INSERT INTO jobs (id, created_at, status, stage, progress, request) VALUES (?, ?, ?, ?, ?, ?)",
            job.id, job.created_at.isoformat(), job.status, job.stage, job.progress,
            job.request.model_dump_json(),
        )  # fmt: skip

    def update(self, job_id: str, **fields: Any) -> None:
        """Set some of: status, stage, progress, error, n_differences."""
        allowed = {"status", "stage", "progress", "error", "n_differences"}
        if not fields or not set(fields) <= allowed:
            raise ValueError(f"can only update {sorted(allowed)}, got {sorted(fields)}")
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._run(f"UPDATE jobs SET {assignments} WHERE id = ?", *fields.values(), job_id)

    def finish(self, job_id: str, result_json: str, n_differences: int, tally: str | None = None) -> None:
        """Store the result and mark the job done in one statement, so a crash leaves neither half."""
        self._run(
            "UPDATE jobs SET status = 'done', stage = 'done', progress = 1.0, error = NULL, "
            "n_differences = ?, tally = ?, result = ? WHERE id = ?",
            n_differences, tally, result_json, job_id,
        )  # fmt: skip

    def untallied(self) -> list[str]:
        """Ids of finished jobs stored before verdicts were counted (an earlier version's database)."""
        return [
            row["id"] for row in self._query("SELECT id FROM jobs WHERE status = 'done' AND tally IS NULL")
        ]

    def set_result(self, job_id: str, result_json: str) -> None:
        """Replace a finished job's result (e.g. with a hand-set sync offset)."""
        self._run("UPDATE jobs SET result = ? WHERE id = ? AND status = 'done'", result_json, job_id)

    def set_tally(self, job_id: str, tally: str) -> None:
        self._run("UPDATE jobs SET tally = ? WHERE id = ?", tally, job_id)

    def get(self, job_id: str) -> Job | None:
        rows = self._query("SELECT * FROM jobs WHERE id = ?", job_id)
        return _job(rows[0]) if rows else None

    def jobs(self, limit: int = 50) -> list[Job]:
        """The most recent jobs first."""
        return [
            _job(row) for row in self._query("SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?", limit)
        ]

    def unfinished(self) -> list[Job]:
        """Jobs that were queued or running when the app last stopped, oldest first."""
        rows = self._query("SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at")
        return [_job(row) for row in rows]

    def result(self, job_id: str) -> str | None:
        rows = self._query("SELECT result FROM jobs WHERE id = ?", job_id)
        return rows[0]["result"] if rows else None

    def _run(self, sql: str, *params: Any) -> None:
        try:
            with self._lock:
                self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise OutputError(self.path, f"cannot write the job database: {exc}") from exc

    def _query(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        status=row["status"],
        stage=row["stage"],
        progress=row["progress"],
        error=row["error"],
        n_differences=row["n_differences"],
        tally=row["tally"],
        request=JobRequest.model_validate_json(row["request"]),
    )


def now() -> datetime:
    return datetime.now(UTC)
