"""The `actiondiff` command: shared app object, console and option types."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from actiondiff.config import Config

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 internal error; 2 bad command line; 3 bad input "
    "(video, dataset, configuration); 4 model backend failed; 5 output could not be written; "
    "6 a batch finished with failed pairs; 130 interrupted."
)

app = typer.Typer(
    name="actiondiff",
    help="Compare two videos of people performing the same action and say how the performances differ.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

stdout = Console()
stderr = Console(stderr=True)


def load_config(
    config_file: Path | None,
    no_cache: bool = False,
    settings: dict[str, Any] | None = None,
    actions: Sequence[Path] | None = None,
) -> Config:
    """The --config file with --no-cache and the command's options (dotted keys such as "pose.fps";
    None = not given) set, validated together: a bad value is a clean error (exit 3). `actions`
    (--actions files) add to the config file's `actions:`; each is read now, so a bad one fails first."""
    config = Config.load(config_file, {"use_cache": False if no_cache else None, **(settings or {})})
    config.actions = [*config.actions, *(actions or [])]
    if config.actions:
        from actiondiff.knowledge import load_library

        load_library(config.actions)
    return config


def emit(summary: dict[str, Any], as_json: bool, line: str) -> None:
    """Print a command's summary: as JSON for scripts, else as one line for people."""
    if as_json:
        stdout.print_json(json.dumps(summary))
    else:
        stdout.print(line)


VideoArg = Annotated[
    Path,
    # readable=False: an unreadable file reaches the reader, which reports it like any bad video (exit 3)
    typer.Argument(help="A video file (mp4, mov, avi, webm, mkv, ...).", show_default=False, readable=False),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="A TOML or YAML configuration file.", show_default=False)
]
ActionsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--actions",
        help="A YAML file of actions to add to the library (the format `actiondiff actions --show` prints: "
        "one entry or a list); repeat for more.",
        show_default=False,
    ),
]
NoCacheFlag = Annotated[bool, typer.Option("--no-cache", help="Ignore and do not write the on-disk cache.")]


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Progress]:
    """A progress bar on stderr; the task id of the one bar is 0."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=False,
    ) as progress:
        progress.add_task(description, total=total)
        yield progress
