"""`actiondiff serve` (the local web app) and `actiondiff report` (a shareable HTML file)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from actiondiff.cli.app import ConfigOption, app, load_config, stderr, stdout
from actiondiff.errors import InputError
from actiondiff.models import ComparisonResult


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help=r"Interface to listen on \[default: 127.0.0.1, this machine only].")
    ] = None,
    port: Annotated[int | None, typer.Option(help=r"Port to listen on \[default: 8765].")] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help=r"Where jobs, uploads and results are kept \[default: ~/.local/share/actiondiff/web]."
        ),
    ] = None,
    max_upload_mb: Annotated[
        float | None, typer.Option(help=r"Largest accepted video upload \[default: 200].")
    ] = None,
    samples_dir: Annotated[
        Path | None,
        typer.Option(
            help="Offer the sample pairs in this folder (NAME/a.mp4, b.mp4, pair.yaml), e.g. a "
            r"checkout's data/samples \[default: none]."
        ),
    ] = None,
    config_file: ConfigOption = None,
) -> None:
    """Start the local web app: upload or pick two videos, compare them, and watch the result.

    Open the printed address in a browser. Comparisons run one at a time in a background worker and
    their results are kept in a SQLite file in the data directory, so a restart loses nothing.

    The app has no login: it listens on 127.0.0.1 (this machine only) unless --host says otherwise.
    """
    import uvicorn

    from actiondiff.web import create_app

    config = load_config(
        config_file,
        settings={
            "web.host": host,
            "web.port": port,
            "web.data_dir": data_dir,
            "web.max_upload_mb": max_upload_mb,
            "web.samples_dir": samples_dir,
        },
    )
    web = config.web
    if not _is_loopback(web.host):
        stderr.print(f"[yellow]warning:[/] listening on {web.host}: anyone who can reach it can use the app")
    if web.samples_dir is not None and not web.samples_dir.is_dir():
        stderr.print(f"[yellow]warning:[/] no sample pairs offered: {web.samples_dir} is not a folder")
    stdout.print(
        f"actiondiff web app on [bold]http://{web.host}:{web.port}/[/] (data in {web.data_dir}); Ctrl-C stops"
    )
    uvicorn.run(create_app(config), host=web.host, port=web.port, log_level="warning")


@app.command()
def report(
    result: Annotated[Path, typer.Argument(help="A comparison result (JSON).", show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the HTML file.")] = Path(
        "report.html"
    ),
    frames: Annotated[
        bool, typer.Option(help="Embed keyframes (needs the two videos at the paths the result names).")
    ] = True,
) -> None:
    """Write a single self-contained HTML report of a comparison, for sharing.

    Keyframes are embedded as JPEG and plots as SVG: the file needs nothing else to open. It shows
    what the web app shows, minus video playback.
    """
    from actiondiff.report import write_report  # OpenCV and PyAV: loaded only when a report is written

    write_report(read_result(result), output, embed_frames=frames)
    stdout.print(f"report -> {output}")


def read_result(path: Path) -> ComparisonResult:
    """A comparison result JSON file, or `InputError` saying why it cannot be used."""
    try:
        return ComparisonResult.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError(path, f"cannot read the result: {exc.strerror or exc}") from exc
    except ValidationError as exc:
        raise InputError(path, f"not a comparison result: {exc.errors()[0]['msg']}") from exc


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
