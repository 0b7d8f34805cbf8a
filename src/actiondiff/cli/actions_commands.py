"""`actiondiff actions`: the built-in action library, listed or one entry shown as YAML."""

from __future__ import annotations

from typing import Annotated

import typer
import yaml
from rich.table import Table

from actiondiff.cli.app import ActionsOption, ConfigOption, JsonFlag, app, emit, load_config, stdout
from actiondiff.errors import InputError


@app.command()
def actions(
    show: Annotated[
        str | None, typer.Option("--show", help="Print this action's entry (name or alias) as YAML.")
    ] = None,
    actions_files: ActionsOption = None,
    config_file: ConfigOption = None,
    as_json: JsonFlag = False,
) -> None:
    """List the actions the offline planner knows: sub-actions, candidate differences, measured ones.

    `--show NAME` prints one entry in the library's YAML format: sub-actions with their retrieval
    texts, and each candidate difference with the sub-actions it is visible in and the kinematic
    quantity that decides it (null: no pose measurement can). Copy it into a file, change it, and
    pass the file with `--actions FILE` (or list it under `actions:` in the config file) to add an
    action without touching the package; see docs/adding-an-action.md.
    """
    from actiondiff.knowledge.library import find_action, load_library

    files = load_config(config_file, actions=actions_files).actions
    if show is not None:
        entry = find_action(show, files)
        if entry is None:
            known = ", ".join(load_library(files))
            raise InputError(show, f"not an action of the library; known actions: {known}")
        # plain text, not the console: a wrapped line would no longer be the same YAML
        typer.echo(
            yaml.safe_dump(entry.model_dump(mode="json"), sort_keys=False, allow_unicode=True), nl=False
        )
        return
    library = load_library(files)
    summary: dict[str, dict[str, object]] = {
        name: {
            "domain": entry.domain,
            "sub_actions": [s.name for s in entry.sub_actions],
            "differences": len(entry.differences),
            "measured": sum(d.quantity is not None for d in entry.differences),
        }
        for name, entry in library.items()
    }
    if as_json:
        emit(summary, True, "")
        return
    table = Table(title=f"{len(library)} actions in the library (--show NAME for one entry)")
    for column in ("action", "domain", "sub-actions", "differences (measured)"):
        table.add_column(column)
    for name, entry in library.items():
        row = summary[name]
        plan = " -> ".join(s.name for s in entry.sub_actions)
        table.add_row(name, entry.domain, plan, f"{row['differences']} ({row['measured']})")
    stdout.print(table)
