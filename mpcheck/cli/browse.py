"""Listings: topics, plugins, problems. None of them imports numpy, sympy, torch or Rich, and
while the catalogue is valid (`mpcheck.host.catalog`) none imports a plugin either."""

from typing import Annotated, Optional

import typer

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import print_json

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for tools instead of a table.")]
COUNTS = ("generators", "questions", "derivations", "references")


def _catalog() -> dict:
    from mpcheck.host import catalog

    document = catalog.known()
    if document is None:  # no valid catalogue on disk: load every plugin (which writes one)
        from mpcheck.host import plugins

        document = plugins.catalogue()
    return document


@app.command()
def topics(json: JsonOption = False) -> None:
    """List the topics with how many generators, questions, derivations and references each has."""
    from mpcheck.cli.table import print_lines, print_table

    rows = _catalog()["topics"]
    if json:
        print_json(rows)
        return
    print_table("Topics", ["topic", "title", *COUNTS],
                [[row["topic"], row["title"], *(str(row[c]) for c in COUNTS)] for row in rows],
                right=COUNTS, flexible="title")
    print_lines([[], [("Next: ", ""), ("mpcheck problems TOPIC", "bold"), (" or ", ""),
                      ("mpcheck quiz TOPIC", "bold"), (".", "")]])


STATUS_STYLE = {"ok": "green", "failed": "red", "disabled": "dim"}


@app.command("plugins")
def list_plugins(json: JsonOption = False) -> None:
    """List the plugins that provide topics: name, version, what each registered, status."""
    from mpcheck.cli.table import Cell, print_table

    infos = _catalog()["plugins"]
    if json:
        print_json(infos)
        return
    rows = []
    for info in infos:
        registered = ", ".join(f"{n} {k[:-1] if n == 1 else k}" for k, n in info["registered"].items()) or "-"
        status = info["status"] + (f": {info['error']}" if info["error"] else "")
        status += "".join(f"; {warning}" for warning in info["warnings"])
        style = "yellow" if info["warnings"] and info["status"] == "ok" else STATUS_STYLE[info["status"]]
        rows.append([info["name"], info["distribution"] + (" (built-in)" if info["builtin"] else ""),
                     info["version"], registered, Cell(status, style)])
    print_table("Plugins", ["plugin", "distribution", "version", "registered", "status"], rows)


@app.command()
def problems(
    topic: Annotated[Optional[str], typer.Argument(help="Only this topic (default: all).")] = None,
    json: JsonOption = False,
) -> None:
    """List problem generators and concept questions (ids to use with show, check and quiz)."""
    from mpcheck.cli.table import print_table

    document = _catalog()
    if topic is not None:
        topic = lookup.topic(topic, [row["topic"] for row in document["topics"]])
    rows = [row for row in document["problems"] if topic is None or row["topic"] == topic]
    if json:
        print_json(rows)
        return
    rows = sorted(rows, key=lambda r: (r["topic"], r["kind"], r["id"]))
    print_table(f"Problems{' in ' + topic if topic else ''}", ["id", "title", "answer", "kind"],
                [[row["id"], row["title"], row["answer_kind"], row["kind"]] for row in rows],
                flexible="title")
