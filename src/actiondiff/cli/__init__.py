"""Command-line interface: thin wrappers that parse, call the library and print.

Each command group lives in its own module and registers itself on the shared `app`.
"""

from __future__ import annotations

import logging
import sys

# Registration order is the order of `--help`: the data flow.
# isort: off
from actiondiff.cli import video_commands  # noqa: F401  (registers commands)
from actiondiff.cli import kinematics_commands  # noqa: F401  (registers commands)
from actiondiff.cli import actions_commands  # noqa: F401  (registers commands)
from actiondiff.cli import compare_commands  # noqa: F401  (registers commands)
from actiondiff.cli import batch_commands  # noqa: F401  (registers commands)
from actiondiff.cli import eval_commands  # noqa: F401  (registers commands)
from actiondiff.cli import web_commands  # noqa: F401  (registers commands)
from actiondiff.cli import export_commands  # noqa: F401  (registers commands)
from actiondiff.cli import stepdiff_commands  # noqa: F401  (registers commands)
from actiondiff.cli import kept_commands  # noqa: F401  (registers commands)

# isort: on
from rich.markup import escape

from actiondiff.cli.app import app, stderr
from actiondiff.errors import ActionDiffError
from actiondiff.threads import bound_malloc


def main() -> None:
    """Entry point: run the app and turn known errors into one line and an exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    bound_malloc()
    try:
        app()
    except ActionDiffError as exc:
        stderr.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        stderr.print(
            "[yellow]interrupted:[/] every file already written is complete (writes are atomic); "
            "a batch or eval run keeps its finished records and resumes from them when run again"
        )
        sys.exit(130)


__all__ = ["app", "main"]
