"""Passed exercises in the progress store: attempts with mode "code", one per pass.

An exercise's item id is ``<topic>.exercise.<name>`` (``cnn.exercise.conv2d``), so it sorts under
its topic like every other item; a pass has no review schedule (FSRS is for recall, not for code).
Only passes are recorded: a failed run is a step of the work, not an answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mpcheck.study.store import Attempt, Store, now_iso

if TYPE_CHECKING:
    from mpcheck.api import Reference
    from mpcheck.exercises.sandbox import Checked

MODE = "code"


def item_id(reference: Reference) -> str:
    return f"{reference.topic}.exercise.{reference.name}"


def passes(store: Store, topic: str | None = None) -> dict[str, str]:
    """Item id → when it was first passed."""
    first: dict[str, str] = {}
    for attempt in store.attempts(topic):
        if attempt.mode == MODE and attempt.correct:
            first.setdefault(attempt.problem_id, attempt.at)
    return first


def record_pass(store: Store, reference: Reference, checked: Checked) -> None:
    report = checked.report
    store.record(Attempt(problem_id=item_id(reference), answer=checked.file, correct=True, score=1.0, mode=MODE,
                         at=now_iso(), seed=report["seed"], seconds=round(checked.seconds, 3),
                         feedback=f"{report['cases_passed']} of {report['cases_total']} cases on {report['device']}"))


def suggestion(store: Store, references: list[Reference], topic: str | None = None) -> str | None:
    """A line offering the first exercise (of ``topic``) not passed yet, or None."""
    done = passes(store, topic)
    for reference in references:
        if reference.exercise is not None and (topic is None or reference.topic == topic) \
                and item_id(reference) not in done:
            return (f"Write one yourself: mpcheck exercise start {reference.topic} {reference.name} "
                    f"({reference.title}).")
    return None
