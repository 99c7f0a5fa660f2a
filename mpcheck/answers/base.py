"""What every answer kind provides: read user text, compare with the expected value, write it back."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Match:
    """The outcome of comparing one given answer with one expected value.

    ``near`` marks an answer that is right only to fewer digits than required: it is not
    correct, and ``message`` says so, distinct from plainly wrong.
    ``method`` names what decided: "exact", "tolerance", "symbolic" or "numeric".
    For multi-part answers ``parts`` holds one Match per part compared and ``score`` the share
    right; ``Parts.compare`` compares the parts present in both values, so that a mistake may
    name only the parts it changes.
    """

    correct: bool
    message: str = ""
    near: bool = False
    method: str = "exact"
    #: Partial credit in [0, 1] for multi-part answers; None means 1 if correct else 0.
    score: float | None = None
    #: Per-part outcomes for multi-part answers.
    parts: dict[str, "Match"] | None = None


class AnswerKind:
    """Base class of answer kinds. Subclasses are small frozen dataclasses holding their policy.

    Values cross three forms:
    - JSON-native (what ``Generator.solve`` returns and ``--json`` prints),
    - the internal value (``parse`` and ``from_json`` produce it, ``compare`` consumes it),
    - canonical text (``format``), which ``parse`` reads back to an equal value.
    """

    name: str = "answer"
    #: What the student is told to type, shown under the prompt.
    instructions: str = ""
    #: True when answers are graded within a tolerance (two candidate values can then both be in
    #: reach of one answer); False when graded exactly.
    tolerant: bool = False

    def instructions_for(self, expected: Any, interactive: bool = False) -> str:
        """What to type for this expected answer (JSON-native). ``interactive``: as a quiz asks
        for it, line by line, rather than as one ``--answer`` text."""
        return self.instructions

    def parse(self, text: str) -> Any:
        """User text -> internal value. Raises ``AnswerError`` with a message for the student."""
        raise NotImplementedError

    def from_json(self, value: Any) -> Any:
        """JSON-native expected answer -> internal value."""
        return value

    def to_json(self, value: Any) -> Any:
        """Internal value -> JSON-native."""
        return value

    def format(self, value: Any) -> str:
        """Internal value -> canonical text that ``parse`` reads back."""
        raise NotImplementedError

    def format_digits(self, value: Any, digits: int) -> str:
        """``format`` with reals to at least ``digits`` significant digits (for kinds with reals:
        the canonical text when a known mistake's answer lies too close for the usual digits)."""
        return self.format(value)

    def compare(self, given: Any, expected: Any) -> Match:
        """Both internal values. Says whether ``given`` is right, near, or wrong (and how)."""
        raise NotImplementedError

    def equivalent_forms(self, expected: Any) -> list[str]:
        """Texts a student might type for the right answer; all must be accepted."""
        return [self.format(expected)]

    def perturbations(self, expected: Any) -> list[Any]:
        """Internal values close to the right answer that must be rejected."""
        raise NotImplementedError

    def bind(self, params: dict[str, Any]) -> "AnswerKind":
        """The kind for one problem: most kinds are the same for every params; an update answer
        binds the point its step starts from (see ``mpcheck.answers.reals.Tolerant``)."""
        return self

    def distance(self, given: Any, expected: Any) -> float:
        """How far ``given`` is from ``expected`` in units of the tolerance: 0 when equal, at most
        1 when within tolerance, ``inf`` when different in an exact way (a whole number, a
        letter, a shape). Used to tell which of several candidate values an answer is nearest."""
        return 0.0 if self.compare(given, expected).correct else math.inf

    def in_reach(self, given: Any, expected: Any, reach: float) -> bool:
        """``distance(given, expected) <= reach``, where a kind can tell sooner (at the first
        entry out of reach)."""
        return self.distance(given, expected) <= reach

    def rounded(self, value: Any, digits: int) -> Any:
        """``value`` with every real rounded to ``digits`` significant digits; None for kinds
        without reals (more digits cannot help there)."""
        return None

    def telling(self, wrong: Any, expected: Any) -> Any:
        """What of a mistake's ``wrong`` answer tells it apart from ``expected``: the whole value,
        or for multi-part answers the parts it changes (so that a student's slip in another part
        does not hide the recognised mistake)."""
        return wrong
