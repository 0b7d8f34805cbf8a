"""The local web app: a JSON API over the job store and worker, plus the static page that uses it.

Every file the API serves is found from a job id in the store (videos, keyframes, reports) or
from the fixed static folder; nothing in a request is ever joined into a path.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import cv2
import numpy as np
from fastapi import APIRouter, Body, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from actiondiff.backends.images import encode_jpeg
from actiondiff.config import Config
from actiondiff.errors import ActionDiffError
from actiondiff.export.angles import aligned_angles_csv, measured_angles_csv
from actiondiff.export.repetitions import repetitions_csv
from actiondiff.export.timeline import aligned_knots
from actiondiff.kinematics.features import joint_angle
from actiondiff.knowledge import ActionEntry, find_action, load_library
from actiondiff.models import (
    MAX_ACTION_CHARS,
    MAX_ANNOTATIONS,
    AngleMeasurement,
    ComparisonResult,
    NormalisedPoint,
    PersonSeen,
)
from actiondiff.pose.landmarks import HAND_EDGES, SKELETON_INDEX_EDGES
from actiondiff.report import render_report, render_sections, theme_css
from actiondiff.report.frames import Side, keyframe_jpeg, read_keyframes, video_of
from actiondiff.storage import atomic_write_bytes, atomic_write_text
from actiondiff.video import probe
from actiondiff.web.exports import Exports, ExportStatus
from actiondiff.web.forms import JobForm, describe_form_errors
from actiondiff.web.store import Job, JobRequest, JobStore, now
from actiondiff.web.uploads import UploadRejected, sample_pairs, save_upload
from actiondiff.web.warmup import ModelsStatus, Warmup
from actiondiff.web.worker import CompareFn, JobRunner

STATIC = Path(__file__).parent / "static"
THUMB_SIDE = 160
"""Longer side (pixels) of a history thumbnail."""


class SyncNudge(BaseModel):
    """`PUT /api/jobs/{id}/sync`: B's hand-set shift against the alignment."""

    offset_s: float = Field(allow_inf_nan=False)


class AngleMark(BaseModel):
    """One angle of `PUT /api/jobs/{id}/annotations`: where it was clicked; the server measures it."""

    side: Side
    frame: int = Field(ge=0)
    points: tuple[NormalisedPoint, NormalisedPoint, NormalisedPoint]
    label: str = Field(default="", max_length=80)


JobId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$", description="A job id.")]
MAX_PICTURE_BYTES = 20_000_000
"""Largest first-frame picture `POST /api/people` takes."""


class PeopleFound(BaseModel):
    """The people pose finds in one picture (a video's first frame), for the user to pick the athlete:
    send the picked one's `centre_x,centre_y` (or any point in its `box`) as `performer_a`/`performer_b`."""

    width: int
    height: int
    """The picture's size in pixels; every position in `people` is a fraction of it."""
    people: list[PersonSeen] = Field(
        description="Largest x most central first (the one a comparison would likely choose unpicked)."
    )


def create_app(config: Config | None = None, compare: CompareFn | None = None) -> FastAPI:
    """Build the app; its worker starts and stops with the server (FastAPI lifespan)."""
    config = config or Config()
    data_dir = config.web.data_dir
    store = JobStore(data_dir / "jobs.sqlite3")
    warmup = Warmup(config)
    runner = JobRunner(store, config, compare, warmup)
    exports = Exports(lambda job_id: data_dir / "jobs" / job_id)
    samples_dir = config.web.samples_dir
    max_upload_mb = config.web.max_upload_mb
    max_bytes = int(max_upload_mb * 1e6)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        warmup.start()
        runner.start()
        yield
        runner.stop()

    app = FastAPI(title="actiondiff", summary="Compare two videos of the same action.", lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @lru_cache(maxsize=8)
    def load_result(job_id: str) -> ComparisonResult:
        text = store.result(job_id)
        if text is None:
            raise HTTPException(404, f"job {job_id} has no result (yet)")
        return ComparisonResult.model_validate_json(text)

    def job_or_404(job_id: str) -> Job:
        job = store.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id}")
        return job

    @app.exception_handler(UploadRejected)
    async def rejected(_: Request, exc: UploadRejected) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if errors and all(tuple(error.get("loc", ()))[:1] == ("body",) for error in errors):
            return JSONResponse({"detail": describe_form_errors(errors)}, status_code=400)
        return await request_validation_exception_handler(request, exc)

    @app.exception_handler(ActionDiffError)
    async def failed(_: Request, exc: ActionDiffError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400 if exc.exit_code == 3 else 500)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/theme.css", include_in_schema=False)
    def theme() -> Response:
        return Response(theme_css(), media_type="text/css")

    @app.get("/api/status")
    def status() -> ModelsStatus:
        """Whether the models are loaded yet (they load in the background when the server starts)."""
        return warmup.status

    @app.get("/api/actions")
    def actions() -> list[dict[str, Any]]:
        """Actions of the built-in library with their candidate differences (for closed mode)."""
        return [_action(entry) for entry in load_library().values()]

    @app.get("/api/actions/match")
    def match_action(name: Annotated[str, Query(max_length=MAX_ACTION_CHARS)]) -> dict[str, Any] | None:
        """The library entry a comparison of this action uses (`find_action`: names, aliases, a name
        within a longer description), or null when the action is not in the library."""
        entry = find_action(name)
        return None if entry is None else _action(entry)

    @app.get("/api/samples/{name}/people/{side}")
    def sample_people(name: str, side: Side) -> PeopleFound:
        """The people in the first frame of a sample pair's video A or B (as `POST /api/people`)."""
        pair = sample_pairs(samples_dir).get(name)
        if pair is None:
            raise HTTPException(404, f"no sample pair {name}")
        path = pair.a if side == "a" else pair.b
        images = read_keyframes(path, probe(path), [0])
        if not images:
            raise HTTPException(404, f"video {side.upper()} of sample {name} has no frame to show")
        return _people_found(next(iter(images.values())), config)

    @app.get("/api/samples")
    def samples() -> list[dict[str, str]]:
        """The bundled sample pairs that can be compared without uploading."""
        return [
            {"name": p.name, "action": p.action, "description": p.description}
            for p in sample_pairs(samples_dir).values()
        ]

    class UploadRoute(APIRoute):
        """Refuses a body declared far over the upload limit before reading any of it, and parses
        the multipart form with tight limits; FastAPI then validates it into a `JobForm`."""

        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def bounded(request: Request) -> Response:
                declared = int(request.headers.get("content-length") or 0)
                if declared > 2 * max_bytes + (1 << 20):
                    raise UploadRejected("upload", f"larger than the {max_upload_mb:.0f} MB limit", 413)
                await request.form(max_files=2, max_fields=10)  # kept by the request, read again by FastAPI
                return await handler(request)

            return bounded

    uploads = APIRouter(route_class=UploadRoute)

    @uploads.post("/api/jobs", status_code=202)
    async def submit(form: Annotated[JobForm, Form(media_type="multipart/form-data")]) -> Job:
        """Start a comparison: multipart form with `action`, `mode` (closed|open), `differences`
        (one statement per line, closed mode), `n_open` (open mode), and either `sample` or the
        files `video_a` and `video_b`."""
        job_id = secrets.token_hex(8)
        folder = data_dir / "jobs" / job_id
        action = form.action.strip()
        sample = form.sample.strip()
        pair = None
        if sample:
            pair = sample_pairs(samples_dir).get(sample)
            if pair is None:
                offered = "" if samples_dir else " (this server offers none: start it with --samples-dir)"
                raise UploadRejected(sample, f"no such sample pair{offered}", 404)
            action = action or pair.action
        request = form.request(action)
        if pair is not None:
            video_a, video_b, name_a, name_b = (
                pair.a,
                pair.b,
                f"{sample}/{pair.a.name}",
                f"{sample}/{pair.b.name}",
            )
        else:
            if form.video_a is None or form.video_b is None:
                raise UploadRejected(
                    "videos", "upload two videos (video_a and video_b) or pick a sample pair"
                )
            try:
                video_a = await save_upload(form.video_a, "a", folder, max_bytes)
                video_b = await save_upload(form.video_b, "b", folder, max_bytes)
            except BaseException:  # refused, or the client went away: keep nothing of it
                shutil.rmtree(folder, ignore_errors=True)
                raise
            name_a, name_b = str(form.video_a.filename), str(form.video_b.filename)
        names = {"name_a": name_a, "name_b": name_b, "video_a": video_a, "video_b": video_b}
        names |= dict(zip(("performer_a", "performer_b"), form.performers, strict=True))
        job_request = JobRequest.model_validate({**asdict(request), "mode": request.mode, **names})
        job = Job(id=job_id, created_at=now(), request=job_request)
        store.add(job)
        runner.submit(job_id)
        return job

    @uploads.post("/api/people")
    async def people(
        frame: Annotated[UploadFile, File(description="The video's first frame as a PNG or JPEG picture.")],
    ) -> PeopleFound:
        """The people in a video's first frame (the page grabs it from its <video> element), each with its
        landmark box and hip centre as fractions of the picture."""
        data = await frame.read(MAX_PICTURE_BYTES + 1)
        if len(data) > MAX_PICTURE_BYTES:
            raise UploadRejected("frame", f"larger than {MAX_PICTURE_BYTES // 1_000_000} MB", 413)
        decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if decoded is None:
            raise UploadRejected("frame", "not a picture this app can read: send the frame as PNG or JPEG")
        return await asyncio.to_thread(_people_found, np.ascontiguousarray(decoded[:, :, ::-1]), config)

    app.include_router(uploads)

    @app.get("/api/jobs")
    def jobs() -> list[Job]:
        """Past and running comparisons, newest first."""
        return store.jobs()

    @app.get("/api/jobs/{job_id}")
    def job(job_id: JobId) -> Job:
        return job_or_404(job_id)

    @app.get("/api/jobs/{job_id}/events")
    async def events(job_id: JobId, request: Request) -> StreamingResponse:
        """Server-sent events: `progress` while the job runs, then one `done` or `failed`."""
        job_or_404(job_id)

        async def stream() -> AsyncIterator[str]:
            last = ""
            while not await request.is_disconnected():
                current = store.get(job_id)
                if current is None:
                    return
                payload = current.model_dump_json(include={"id", "status", "stage", "progress", "error"})
                if payload != last:
                    kind = current.status if current.status in ("done", "failed") else "progress"
                    yield f"event: {kind}\ndata: {payload}\n\n"
                    last = payload
                    if kind != "progress":
                        return
                await asyncio.sleep(0.25)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    def save_result(job_id: str, result: ComparisonResult) -> None:
        """Replace a finished job's result; the report made from the old one goes."""
        store.set_result(job_id, result.model_dump_json())
        load_result.cache_clear()
        (data_dir / "jobs" / job_id / "report.html").unlink(missing_ok=True)

    @app.get("/api/jobs/{job_id}/result.json")
    def result_json(job_id: JobId, download: bool = False) -> Response:
        """The result (schema-versioned `ComparisonResult`), its videos named as uploaded (where the
        server keeps them is its own business); `?download=1` to save it."""
        shared = _named_as_uploaded(load_result(job_id), _names(job_or_404(job_id)))
        headers = _attachment(f"actiondiff-{job_id}.json") if download else {}
        return Response(shared.model_dump_json(), media_type="application/json", headers=headers)

    @app.get("/api/jobs/{job_id}/report.html")
    def report(job_id: JobId, download: bool = False) -> Response:
        """The self-contained HTML report, rendered once and kept in the job's folder."""
        path = data_dir / "jobs" / job_id / "report.html"
        if not path.is_file():
            atomic_write_text(path, render_report(load_result(job_id), names=_names(job_or_404(job_id))))
        headers = _attachment(f"actiondiff-{job_id}.html") if download else {}
        return FileResponse(path, media_type="text/html", headers=headers)

    @app.get("/api/jobs/{job_id}/view")
    def view(job_id: JobId) -> dict[str, Any]:
        """What the page needs to show a result: HTML sections and the data for synced playback."""
        result, job = load_result(job_id), job_or_404(job_id)
        sections = render_sections(
            result, lambda side, index: f"/api/jobs/{job_id}/frames/{side}/{index}.jpg", _names(job)
        )
        return {"job": job, "sections": sections, "sync": _sync_data(result)}

    @app.get("/api/jobs/{job_id}/videos/{side}")
    def video(job_id: JobId, side: Side) -> FileResponse:
        """Video A or B of a job, with range requests so the browser can seek."""
        path = _request_video(job_or_404(job_id), side)
        if not path.is_file():
            raise HTTPException(404, f"video {side.upper()} of job {job_id} is no longer on disk")
        return FileResponse(path)

    @app.get("/api/jobs/{job_id}/frames/{side}/{index}.jpg")
    def frame(job_id: JobId, side: Side, index: Annotated[int, PathParam(ge=0, le=10_000_000)]) -> Response:
        """One video frame as JPEG with the pose skeleton drawn (cached in the job's folder)."""
        cached = data_dir / "jobs" / job_id / "frames" / f"{side}-{index}.jpg"
        if not cached.is_file():
            path, info, pose = video_of(load_result(job_id), side)
            images = read_keyframes(path, info, [index], pose)
            if index not in images:
                raise HTTPException(404, f"video {side.upper()} has no frame {index}")
            atomic_write_bytes(cached, keyframe_jpeg(images[index]))
        return FileResponse(cached, media_type="image/jpeg")

    @app.put("/api/jobs/{job_id}/sync")
    def set_sync(job_id: JobId, nudge: SyncNudge) -> dict[str, float]:
        """Save the hand-set shift of B against the alignment with the result (seconds, + shows B later);
        the player, the report, the angle table and the export use it."""
        result = load_result(job_id)
        limit = max(result.video_a.duration_s, result.video_b.duration_s)
        if abs(nudge.offset_s) > limit:
            raise UploadRejected("offset_s", f"must be within ±{limit:.2f} s (the longer video's length)")
        save_result(job_id, result.model_copy(update={"sync_offset_s": nudge.offset_s}))
        return {"offset_s": nudge.offset_s}

    @app.put("/api/jobs/{job_id}/annotations")
    def set_annotations(
        job_id: JobId, marks: Annotated[list[AngleMark], Body(max_length=MAX_ANNOTATIONS)]
    ) -> list[AngleMeasurement]:
        """Keep the angles measured by hand with the result (the whole list, replacing the last one):
        each is measured here from its three points in its video's pixels."""
        result = load_result(job_id)
        measured = [_measured(mark, result) for mark in marks]
        save_result(job_id, result.model_copy(update={"annotations": measured}))
        return measured

    @app.get("/api/jobs/{job_id}/measurements.csv")
    def measurements(job_id: JobId) -> Response:
        """The angles measured by hand, one row each."""
        return _csv_download(
            measured_angles_csv(load_result(job_id)), f"actiondiff-{job_id}-measured-angles.csv"
        )

    @app.post("/api/jobs/{job_id}/export", status_code=202)
    def start_export(job_id: JobId) -> ExportStatus:
        """Start making the aligned side-by-side video (mp4, H.264) of a job; poll `GET` for its progress."""
        result = load_result(job_id)
        return exports.start(job_id, result, _names(job_or_404(job_id)), sync_offset(result))

    @app.get("/api/jobs/{job_id}/export")
    def export_status(job_id: JobId) -> ExportStatus:
        """Where the side-by-side video stands: none, running (with progress), done (with its URL), failed."""
        return exports.status(job_id, sync_offset(load_result(job_id)))

    @app.get("/api/jobs/{job_id}/export/{name}")
    def exported(
        job_id: JobId, name: Annotated[str, PathParam(pattern=r"^side-by-side_[+-]\d{1,9}ms\.mp4$")]
    ) -> FileResponse:
        """The side-by-side video, once made (`POST /api/jobs/{id}/export`)."""
        path = data_dir / "jobs" / job_id / name
        if not path.is_file():
            raise HTTPException(404, f"job {job_id} has no such export (yet)")
        return FileResponse(
            path, media_type="video/mp4", headers=_attachment(f"actiondiff-{job_id}-side-by-side.mp4")
        )

    @app.get("/api/jobs/{job_id}/angles.csv")
    def angles(job_id: JobId) -> Response:
        """The joint angles of A and B, one row per sampled frame of A with B at the aligned moment."""
        result = load_result(job_id)
        return _csv_download(
            aligned_angles_csv(result, sync_offset(result)), f"actiondiff-{job_id}-angles.csv"
        )

    @app.get("/api/jobs/{job_id}/repetitions.csv")
    def repetitions(job_id: JobId) -> Response:
        """Every repetition of A and B: times, duration, hold at the extreme and depth."""
        return _csv_download(repetitions_csv(load_result(job_id)), f"actiondiff-{job_id}-repetitions.csv")

    @app.get("/api/jobs/{job_id}/thumbs/{side}.jpg")
    def thumbnail(job_id: JobId, side: Side) -> Response:
        """A small picture of video A or B (its middle frame) for the list of past comparisons."""
        cached = data_dir / "jobs" / job_id / f"thumb-{side}.jpg"
        if not cached.is_file():
            path = _request_video(job_or_404(job_id), side)
            if not path.is_file():
                raise HTTPException(404, f"video {side.upper()} of job {job_id} is no longer on disk")
            info = probe(path)
            images = read_keyframes(path, info, [info.n_frames // 2])
            if not images:
                raise HTTPException(404, f"video {side.upper()} of job {job_id} has no frame to show")
            atomic_write_bytes(
                cached, encode_jpeg(next(iter(images.values())), max_side=THUMB_SIDE, quality=75)
            )
        return FileResponse(cached, media_type="image/jpeg")

    return app


def _people_found(image: np.ndarray, config: Config) -> PeopleFound:
    from actiondiff.pose.extract import people_in_picture  # loads the pose model: import when asked

    height, width = image.shape[:2]
    return PeopleFound(width=width, height=height, people=people_in_picture(image, config))


def _sync_data(result: ComparisonResult) -> dict[str, Any]:
    """Frame rates, the A-time -> B-time map and 2D skeletons per sampled frame, for the player."""
    knots_a, knots_b = aligned_knots(result)
    return {
        "fps": {"a": result.video_a.fps, "b": result.video_b.fps},
        "duration": {"a": result.video_a.duration_s, "b": result.video_b.duration_s},
        "map": {"a": knots_a.round(4).tolist(), "b": knots_b.round(4).tolist()},
        "pose": {"a": _skeletons(result, "a"), "b": _skeletons(result, "b")},
        "offset": result.sync_offset_s,
        "annotations": [m.model_dump(mode="json") for m in result.annotations],
        "edges": SKELETON_INDEX_EDGES,
        "hand_edges": HAND_EDGES,
    }


def sync_offset(result: ComparisonResult) -> float:
    """The hand-set shift of B against the alignment that views and exports of the result use."""
    return result.sync_offset_s


def _skeletons(result: ComparisonResult, side: Side) -> dict[str, Any] | None:
    pose = video_of(result, side)[2]
    if pose is None:
        return None
    arrays = pose.model_dump(mode="json", include={"image_xyz", "visibility"})
    hands = pose.hands.model_dump(mode="json", include={"image_xyz"})["image_xyz"] if pose.hands else None
    return {
        "times": [f.timestamp for f in pose.frames],
        "points": [[point[:2] for point in frame] for frame in arrays["image_xyz"]],
        "visibility": arrays["visibility"],
        "hands": None if hands is None else [[[p[:2] for p in hand] for hand in frame] for frame in hands],
    }


def _measured(mark: AngleMark, result: ComparisonResult) -> AngleMeasurement:
    """The angle at the middle point of a mark, in its frame's pixels."""
    info = result.video_a if mark.side == "a" else result.video_b
    if mark.frame >= info.n_frames:
        shown = f"video {mark.side.upper()} has {info.n_frames} frames, not {mark.frame + 1}"
        raise UploadRejected("frame", shown)
    pixels = np.array(mark.points) * np.array([info.width, info.height])
    degrees = float(joint_angle(pixels[0], pixels[1], pixels[2]))
    if not np.isfinite(degrees):
        raise UploadRejected("points", "the corner of an angle must differ from both of its other points")
    return AngleMeasurement(
        side=mark.side, frame=mark.frame, time_s=round(mark.frame / info.fps, 4), points=mark.points,
        degrees=round(degrees, 2), label=mark.label,
    )  # fmt: skip


def _named_as_uploaded(result: ComparisonResult, names: tuple[str, str]) -> ComparisonResult:
    """The result with each video's path replaced by its name as uploaded (or the sample pair's)."""
    paths = {"a": Path(names[0]), "b": Path(names[1])}
    update: dict[str, Any] = {"pair": result.pair.model_copy(update=paths)}
    for side, path in paths.items():
        info = getattr(result, f"video_{side}").model_copy(update={"path": path})
        update[f"video_{side}"] = info
        pose = getattr(result, f"pose_{side}")
        if pose is not None:
            update[f"pose_{side}"] = pose.model_copy(update={"video": info})
    return result.model_copy(update=update)


def _action(entry: ActionEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "description": entry.description,
        "differences": [d.text for d in entry.differences],
    }


def _names(job: Job) -> tuple[str, str]:
    """The videos' names as uploaded (or the sample pair's), not as stored."""
    return job.request.name_a, job.request.name_b


def _request_video(job: Job, side: Side) -> Path:
    return job.request.video_a if side == "a" else job.request.video_b


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _csv_download(table: str, filename: str) -> Response:
    return Response(table, media_type="text/csv", headers=_attachment(filename))
