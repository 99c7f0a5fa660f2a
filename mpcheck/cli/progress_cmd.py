"""progress export | import | reset: move your progress between machines, or start over."""

import json as jsonlib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from mpcheck.cli import lookup
from mpcheck.cli.app import app
from mpcheck.cli.output import write_text, console, err_console, fail
from mpcheck.cli.quiz import open_store, plural
from mpcheck.errors import UserError

MAX_IMPORT_BYTES = 200_000_000

progress_app = typer.Typer(
    name="progress", no_args_is_help=True, rich_markup_mode="rich",
    help="Export, import or reset your progress (attempts and review schedules).\n\n"
         "Examples:\n\n"
         "  mpcheck progress export -o progress.json\n\n"
         "  mpcheck progress import progress.json\n\n"
         "  mpcheck progress reset --topic cnn --yes",
)
app.add_typer(progress_app)


def _known_topic(topic: str | None) -> str | None:
    """A topic to act on: a registered one, or one the store still holds (a removed plugin)."""
    if topic is None:
        return None
    if topic in lookup.registry().topics:
        return topic
    with open_store() as store:
        if any(c.topic == topic for c in store.cards(topic)) or store.attempts(topic):
            return topic
    return lookup.topic(topic)


@progress_app.command("export")
def export_progress(
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Write to FILE (default: stdout).", metavar="FILE")] = None,
    topic: Annotated[Optional[str], typer.Option("--topic", "-t", help="Only this topic.")] = None,
) -> None:
    """Write your attempts and review schedules as JSON.

    Examples:
      mpcheck progress export -o progress.json
      mpcheck progress export --topic cnn > cnn.json
    """
    from mpcheck.study.progress_file import dump

    topic = _known_topic(topic)
    with open_store() as store:
        document = dump(store, topic)
    text = jsonlib.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if not write_text(text, output):
        return
    err_console().print(f"Exported {plural(len(document['attempts']), 'attempt')} and "
                        f"{plural(len(document['cards']), 'schedule')} to {output}.", markup=False, highlight=False)


@progress_app.command("import")
def import_progress(
    source: Annotated[str, typer.Argument(help="A file written by `mpcheck progress export`, or - for stdin.", metavar="FILE")],
) -> None:
    """Merge a progress file into your store.

    Attempts already there are skipped, so importing the same file twice
    changes nothing; for each review item the later schedule wins.

    Example:
      mpcheck progress import progress.json
    """
    from mpcheck.study.progress_file import load

    try:
        raw = sys.stdin.read(MAX_IMPORT_BYTES + 1) if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {source}: {getattr(exc, 'strerror', None) or exc}") from None
    if len(raw) > MAX_IMPORT_BYTES:
        raise UserError(f"{source} is too large to be a progress file")
    try:
        document = jsonlib.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise UserError(f"{source} is not JSON: {exc}") from None
    attempts, cards = load(document)
    with open_store() as store:
        added = store.import_attempts(attempts, cards)
    console().print(f"Imported {plural(added, 'new attempt')} ({len(attempts) - added} already present) "
                    f"and merged {plural(len(cards), 'schedule')}.")


@progress_app.command("reset")
def reset_progress(
    topic: Annotated[Optional[str], typer.Option("--topic", "-t", help="Only this topic (default: everything).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (for scripts).")] = False,
) -> None:
    """Delete your attempts and review schedules, for one topic or all.

    Asks first; without a terminal, --yes is required.
    Consider `mpcheck progress export` beforehand.

    Examples:
      mpcheck progress reset --topic cnn
      mpcheck progress reset --yes
    """
    topic = _known_topic(topic)
    what = f"all progress in topic {topic}" if topic else "ALL your progress (every topic)"
    if not yes:
        if not sys.stdin.isatty():
            fail(f"refusing to delete {what} without confirmation: add --yes")
        if not typer.confirm(f"Delete {what}?", default=False):
            console().print("Nothing deleted.")
            raise typer.Exit(1)
    with open_store() as store:
        removed = store.reset(topic)
    console().print(f"Deleted {plural(removed, 'attempt')} and the review schedules of "
                  f"{'topic ' + topic if topic else 'every topic'}.")
