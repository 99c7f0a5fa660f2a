"""Listings: topics, plugins, problems. None of them imports numpy, sympy or torch."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.markup import escape

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import console, print_json

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for tools instead of a table.")]


def topic_counts(reg) -> list[dict]:
    rows = []
    for name, topic in reg.topics.items():
        gens = [g for g in reg.generators.values() if g.topic == name]
        rows.append({
            "topic": name, "title": topic.title, "chapter": topic.chapter,
            "generators": sum(g.origin == "generator" for g in gens),
            "questions": sum(g.origin == "question" for g in gens),
            "derivations": sum(d.topic == name for d in reg.derivations.values()),
            "references": sum(r.topic == name for r in reg.references.values()),
        })
    return rows


@app.command()
def topics(json: JsonOption = False) -> None:
    """List the topics with how many generators, questions, derivations and references each has."""
    rows = topic_counts(lookup.registry())
    if json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table(title="Topics", title_justify="left")
    for column in ("topic", "title", "generators", "questions", "derivations", "references"):
        table.add_column(column, justify="right" if column not in ("topic", "title") else "left")
    for row in rows:
        table.add_row(escape(row["topic"]), escape(row["title"]), *(str(row[c]) for c in
                      ("generators", "questions", "derivations", "references")))
    console.print(table)
    console.print("Next: [bold]mpcheck problems TOPIC[/bold] or [bold]mpcheck quiz TOPIC[/bold].")


@app.command("plugins")
def list_plugins(json: JsonOption = False) -> None:
    """List the plugins that provide topics: name, version, what each registered, status."""
    from mpcheck import plugins

    lookup.registry()
    infos = plugins.plugin_infos()
    if json:
        print_json([info.to_json() for info in infos])
        return
    from rich.table import Table

    table = Table(title="Plugins", title_justify="left")
    for column in ("plugin", "distribution", "version", "registered", "status"):
        table.add_column(column)
    for info in infos:
        registered = ", ".join(f"{n} {k[:-1] if n == 1 else k}" for k, n in info.registered.items()) or "-"
        status = {"ok": "[green]ok[/green]", "failed": f"[red]failed[/red]: {escape(str(info.error))}",
                  "disabled": "[dim]disabled[/dim]"}[info.status]
        if info.warnings:
            status += "\n[yellow]" + escape("\n".join(info.warnings)) + "[/yellow]"
        table.add_row(escape(info.name), escape(info.distribution) + (" (built-in)" if info.builtin else ""),
                      escape(info.version), escape(registered), status)
    console.print(table)


@app.command()
def problems(
    topic: Annotated[Optional[str], typer.Argument(help="Only this topic (default: all).")] = None,
    json: JsonOption = False,
) -> None:
    """List problem generators and concept questions (ids to use with show, check and quiz)."""
    reg = lookup.registry()
    if topic is not None:
        lookup.topic(topic)
    rows = [{"id": g.id, "title": g.title, "topic": g.topic, "kind": g.origin,
             "answer_kind": g.answer_kind.name, "difficulty": g.difficulty, "tags": list(g.tags)}
            for g in reg.generators.values() if topic is None or g.topic == topic]
    if json:
        print_json(rows)
        return
    from rich.table import Table

    table = Table(title=f"Problems{' in ' + topic if topic else ''}", title_justify="left")
    for column in ("id", "title", "answer", "kind"):
        table.add_column(column)
    for row in sorted(rows, key=lambda r: (r["topic"], r["kind"], r["id"])):
        table.add_row(*(escape(str(row[key])) for key in ("id", "title", "answer_kind", "kind")))
    console.print(table)
