"""A problem is a generator plus params; checking one answer gives a Verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mpcheck.answers.base import AnswerKind, Match
from mpcheck.api import Generator, Mistake
from mpcheck.errors import AnswerError, ParamsError

MAX_SEED = 2**63 - 1
#: Draws per seed before a sampler is declared broken (see ``Problem.blurred_mistakes``).
MAX_REDRAWS = 1000
#: On a sampled problem every mistake's answer lies more than this many tolerances from the right
#: answer and from every other mistake's: an answer within tolerance of one of them is then never
#: within tolerance of another, so a student's rounding cannot carry it across.
SEPARATION = 3.0
#: An answer within tolerance of two candidate values (the right one, or a mistake's) is credited
#: to the nearer one only when it is at most this share of the distance to the other.
CLEARLY_NEARER = 0.5
#: Candidate values this close (in tolerances) are one value: no number of digits tells them apart.
SAME_VALUE = 1e-6


def check_seed(seed: int) -> int:
    """``seed`` if it is in the one range every command accepts, else a ParamsError."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ParamsError(f"seed must be between 0 and {MAX_SEED}, got {seed}")
    return seed


@dataclass
class Verdict:
    """The result of grading one answer; ``to_json`` is the ``check --json`` contract."""

    id: str
    correct: bool
    score: float
    feedback: str
    expected: Any
    expected_text: str
    mistake: str | None = None
    error: str | None = None
    method: str | None = None
    near: bool = False
    parts: dict[str, dict[str, Any]] | None = None

    @property
    def exit_code(self) -> int:
        return 2 if self.error else (0 if self.correct else 1)

    def lines(self) -> list[list[tuple[str, str]]]:
        """The verdict for people, as lines of (text, style) pieces: right, almost, wrong (with the
        recognised mistake and the parts), or why the answer could not be read."""
        from mpcheck.markup import render  # the feedback's $…$ math, as the terminal shows it

        if self.error:
            return [[("Could not read the answer: ", "bold yellow"), (render(self.error), "")]]
        # the generic words are already in the label; only say more when there is more to say
        detail = "" if self.feedback in ("", "Correct.", "Incorrect.") else render(self.feedback)
        if self.correct:
            return [[("✓ Correct.", "bold green"), (" " + detail if detail else "", "")]]
        label = "≈ Almost." if self.near else "✗ Incorrect."
        lines = [[(label, "bold red"), (" " + detail if detail else "", "")]]
        if self.mistake:
            lines.append([(f"Recognised mistake: {self.mistake}", "yellow")])
        for name, part in (self.parts or {}).items():
            mark = "✓" if part["correct"] else "✗"
            lines.append([(f"  {mark} {name}: {render(part['feedback']) or ('right' if part['correct'] else 'wrong')}", "")])
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "correct": self.correct, "score": self.score, "feedback": self.feedback,
            "expected": self.expected, "expected_text": self.expected_text, "mistake": self.mistake,
            "error": self.error, "method": self.method, "near": self.near, "parts": self.parts,
        }


@dataclass
class Problem:
    generator: Generator
    params: dict[str, Any]
    seed: int | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_seed(cls, generator: Generator, seed: int) -> Problem:
        import numpy as np

        if not 0 <= seed <= MAX_SEED:
            raise ParamsError(f"seed must be between 0 and {MAX_SEED}, got {seed}")
        rng = np.random.default_rng(seed)
        for _ in range(MAX_REDRAWS):
            problem = cls(generator, generator.sample_params(rng), seed)
            if not problem.blurred_mistakes():
                return problem
        # a sampler that keeps producing problems on which a known trap cannot be told apart is
        # a bug in the generator, not something to paper over with an untrustworthy problem
        raise RuntimeError(f"{generator.id}: no problem on which every mistake can be told apart "
                           f"in {MAX_REDRAWS} draws from seed {seed} (last: {problem.blurred_mistakes()})")

    @classmethod
    def from_params(cls, generator: Generator, params: dict[str, Any]) -> Problem:
        if not isinstance(params, dict):
            raise ParamsError("params must be a JSON object")
        try:
            generator.validate_params(params)
        except ParamsError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError) as exc:
            # a validator that trips over an odd value still owes the user a clear message
            raise ParamsError(f"params do not fit {generator.id}: {type(exc).__name__}: {exc}") from None
        return cls(generator, params, None)

    @property
    def id(self) -> str:
        return self.generator.id

    @cached_property
    def answer(self) -> Any:
        """The expected answer, JSON-native."""
        return self.generator.solve(self.params)

    @cached_property
    def answer_text(self) -> str:
        """The canonical text of the right answer: the usual digits, or on explicit params where
        a known mistake's answer lies within a tolerance of it, enough digits to be graded right
        (the fewest that are clearly nearer the right answer than to every such mistake's)."""
        kind, expected = self.kind, self.expected
        text = kind.format(expected)
        # the usual digits lie within a hundredth of a tolerance of the right answer: only a
        # mistake's answer within two tolerances of it can be unclear (never on a sampled problem)
        if not kind.tolerant or not any(kind.in_reach(expected, wrong, 2) for _, wrong in self._mistakes):
            return text
        for digits in range(7, 18):
            if not self._unclear_rivals(kind.parse(text)):
                break
            text = kind.format_digits(expected, digits)
        return text

    def prompt(self) -> str:
        return self.generator.prompt(self.params)

    def solution(self) -> str:
        return self.generator.solution(self.params)

    def hints(self) -> list[str]:
        return list(self.generator.hints(self.params))

    def to_json(self, solution: bool = False) -> dict[str, Any]:
        out = {
            "id": self.id, "title": self.generator.title, "topic": self.generator.topic,
            "seed": self.seed, "params": self.params, "prompt": self.prompt(),
            "answer_kind": self.generator.answer_kind.name,
            "instructions": self.instructions,
        }
        if solution:
            out.update(answer=self.answer, answer_text=self.answer_text, solution=self.solution(),
                       hints=self.hints())
        return out

    @cached_property
    def kind(self) -> AnswerKind:
        """The answer kind bound to these params (an update answer knows where its step starts)."""
        return self.generator.answer_kind.bind(self.params)

    @cached_property
    def expected(self) -> Any:
        """The expected answer as the kind's internal value."""
        return self.kind.from_json(self.answer)

    @property
    def instructions(self) -> str:
        """What to type, and how precisely."""
        return self.kind.instructions_for(self.answer)

    @cached_property
    def _mistakes(self) -> list[tuple[Mistake, Any]]:
        """Each declared mistake that applies to these params, with what tells it apart: its wrong
        answer (for a multi-part answer, the parts it changes). A mistake whose formula has no
        finite value on these params (it divides by zero, say) gives no answer to recognise."""
        out = []
        for mistake in self.generator.mistakes:
            try:
                wrong_json = mistake.answer(self.params)
                if wrong_json is None:
                    continue
                wrong = self.kind.telling(self.kind.from_json(wrong_json), self.expected)
            except (ArithmeticError, ValueError, TypeError, AnswerError):
                continue
            out.append((mistake, wrong))
        return out

    def check(self, text: str) -> Verdict:
        """Grade one answer: parse, compare, then tell it apart from the known mistakes."""
        kind, expected = self.kind, self.expected
        base = dict(id=self.id, expected=self.answer, expected_text=self.answer_text)
        try:
            given = kind.parse(text)
        except AnswerError as exc:
            return Verdict(correct=False, score=0.0, feedback=str(exc), error=str(exc), **base)
        match = kind.compare(given, expected)
        parts = {name: {"correct": m.correct, "feedback": m.message, "near": m.near}
                 for name, m in match.parts.items()} if match.parts else None
        if match.correct:
            unclear = self._unclear_rivals(given)
            if unclear:
                return Verdict(correct=False, score=0.0, feedback=self._more_digits(unclear), near=True,
                               method=match.method, parts=parts, **base)
            return Verdict(correct=True, score=1.0, feedback=match.message or "Correct.",
                           method=match.method, parts=parts, **base)
        wrong_parts = {n for n, m in match.parts.items() if not m.correct} if match.parts else None
        mistakes = self._recognise(given, wrong_parts)
        mistake = mistakes[0] if len(mistakes) == 1 else None
        if mistake is not None:
            feedback = mistake.feedback
        elif mistakes:
            feedback = ("This is what more than one known mistake gives here, so it cannot say which: "
                        + " Or: ".join(m.feedback for m in mistakes))
        else:
            feedback = match.message or "Incorrect."
        return Verdict(correct=False, score=_score(match), feedback=feedback, method=match.method,
                       mistake=mistake.name if mistake else None, near=match.near, parts=parts, **base)

    def _unclear_rivals(self, given: Any) -> list[Any]:
        """For an answer within tolerance of the right one: the wrong answers of known mistakes that
        it is within tolerance of too, and not clearly nearer the right one than to (only explicit
        params allow this; sampled problems keep mistakes ``SEPARATION`` tolerances away)."""
        kind, expected = self.kind, self.expected
        if not kind.tolerant:
            return []  # an exact answer equal to a mistake's makes that mistake the right answer
        unclear = []
        for _, wrong in self._mistakes:
            if not kind.in_reach(given, wrong, 1) or kind.in_reach(wrong, expected, SAME_VALUE):
                continue  # not in reach, or the mistake gives the right answer here
            to_wrong = kind.distance(given, wrong)
            if kind.distance(_like(given, wrong), expected) > CLEARLY_NEARER * to_wrong:
                unclear.append(wrong)
        return unclear

    def _more_digits(self, rivals: list[Any]) -> str:
        kind, expected = self.kind, self.expected
        text = ("Within tolerance of the right answer, but also of the answer a known mistake gives "
                "here: give more digits so that the two can be told apart")
        for digits in range(4, 18):
            rounded = kind.rounded(expected, digits)
            if rounded is None:
                break
            if all(kind.distance(_like(rounded, w), expected) <= CLEARLY_NEARER * kind.distance(rounded, w)
                   for w in rivals):
                return f"{text} (at least {digits} significant digits)."
        return text + "."

    def _rivals(self, given: Any, wrong_parts: set[str] | None) -> list[tuple[float, int, Mistake]]:
        """The known mistakes that could explain this answer, nearest first. For a multi-part
        answer, a mistake in reach that explains more of the parts it has wrong beats one that
        explains only some of those: beside a slip in one part, the mistake behind two wrong parts
        is named, not another that changes one of them the same way."""
        kind = self.kind
        rivals = [(kind.distance(given, wrong), index, mistake, wrong)
                  for index, (mistake, wrong) in enumerate(self._mistakes) if kind.in_reach(given, wrong, 1)]
        if wrong_parts:
            def explained(wrong: Any) -> set[str]:
                return wrong_parts & set(wrong) if isinstance(wrong, dict) else set(wrong_parts)

            in_reach = [explained(r[3]) for r in rivals]
            rivals = [r for r in rivals if not any(explained(r[3]) < other for other in in_reach)]
        return sorted((d, index, mistake) for d, index, mistake, _ in rivals)

    def _recognise(self, given: Any, wrong_parts: set[str] | None = None) -> list[Mistake]:
        """The known mistakes this wrong answer is credited to: the one whose answer it is clearly
        nearest, or every one within tolerance when none is clearly nearest (then none is named)."""
        within = [r for r in self._rivals(given, wrong_parts) if r[0] <= 1]
        if len(within) > 1 and within[0][0] > CLEARLY_NEARER * within[1][0]:
            return [mistake for _, _, mistake in within]
        return [within[0][2]] if within else []

    def blurred_mistakes(self) -> list[str]:
        """The declared mistakes that apply to these params but that the checker would not reject
        and name with a margin: their answer lies within ``SEPARATION`` tolerances of the right
        answer, or of another mistake's that explains it as fully. Seeded problems are redrawn
        until this is empty ("distinguishable by construction")."""
        kind, expected = self.kind, self.expected
        blurred = []
        for index, (mistake, wrong) in enumerate(self._mistakes):
            if kind.in_reach(wrong, expected, SEPARATION):
                blurred.append(mistake.name)
                continue
            # the rivals that explain this answer as fully (see ``_rivals``)
            whole = _whole(wrong, expected)
            if any(kind.in_reach(whole, other, SEPARATION)
                   for j, (_, other) in enumerate(self._mistakes)
                   if j != index and _covers(other, wrong)):
                blurred.append(mistake.name)
        return blurred

    def mistake_answer(self, mistake: Mistake) -> Any:
        """The mistake's wrong answer as an internal value (for a multi-part answer the parts it
        changes), or None where it does not apply or is graded as the right answer."""
        for candidate, wrong in self._mistakes:
            if candidate is mistake:
                return None if self.kind.compare(wrong, self.expected).correct else wrong
        return None


def _whole(wrong: Any, expected: Any) -> Any:
    """A multi-part mistake names only the parts it changes; the answer a student gives has the
    right values in the others."""
    if isinstance(wrong, dict) and isinstance(expected, dict):
        return {**expected, **wrong}
    return wrong


def _covers(other: Any, wrong: Any) -> bool:
    """Whether a mistake's answer ``other`` changes every part that ``wrong`` changes."""
    return not (isinstance(other, dict) and isinstance(wrong, dict)) or set(wrong) <= set(other)


def _like(value: Any, shape: Any) -> Any:
    """``value`` cut down to the parts ``shape`` has (for multi-part answers), else itself."""
    if isinstance(value, dict) and isinstance(shape, dict):
        return {name: value[name] for name in shape if name in value}
    return value


def expected_lines(answer_text: str) -> list[list[tuple[str, str]]]:
    """"Expected: …" as (text, style) lines; a multi-line answer (one part per line) indented
    under the label."""
    rows = answer_text.splitlines() or [""]
    if len(rows) == 1:
        return [[("Expected: ", "bold"), (rows[0], "")]]
    return [[("Expected:", "bold")], *([("  " + row, "")] for row in rows)]


def _score(match: Match) -> float:
    if match.correct:
        return 1.0
    return match.score if match.score is not None else 0.0


def is_finite_json(value: Any) -> bool:
    """True when every number inside a JSON-native value is finite."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_finite_json(v) for v in value)
    if isinstance(value, dict):
        return all(is_finite_json(v) for v in value.values())
    return False
