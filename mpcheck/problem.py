"""A problem is a generator plus params; checking one answer gives a Verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mpcheck.answers.base import Match
from mpcheck.api import Generator
from mpcheck.errors import AnswerError, ParamsError

MAX_SEED = 2**63 - 1
#: Draws per seed before a sampler is declared broken (see ``Problem.blurred_mistakes``).
MAX_REDRAWS = 1000


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
        from mpcheck.markup import render

        if self.error:
            return [[("Could not read the answer: ", "bold yellow"), (self.error, "")]]
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
            said = render(part["feedback"]) if part["feedback"] else ("right" if part["correct"] else "wrong")
            lines.append([(f"  {mark} {name}: {said}", "")])
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

        check_seed(seed)
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
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
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
        kind = self.generator.answer_kind
        return kind.format(kind.from_json(self.answer))

    def prompt(self) -> str:
        return self.generator.prompt(self.params)

    @property
    def instructions(self) -> str:
        """What to type, for this problem's answer (no digits asked of whole numbers)."""
        return self.generator.answer_kind.instructions_for(self.answer)

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

    def check(self, text: str) -> Verdict:
        """Grade one answer: parse, compare, then look for a known mistake."""
        kind = self.generator.answer_kind
        expected = kind.from_json(self.answer)
        base = dict(id=self.id, expected=self.answer, expected_text=self.answer_text)
        try:
            given = kind.parse(text)
        except AnswerError as exc:
            return Verdict(correct=False, score=0.0, feedback=str(exc), error=str(exc), **base)
        match = kind.compare(given, expected)
        score = _score(match)
        parts = {name: {"correct": m.correct, "feedback": m.message, "near": m.near}
                 for name, m in match.parts.items()} if match.parts else None
        if match.correct:
            return Verdict(correct=True, score=1.0, feedback=match.message or "Correct.",
                           method=match.method, parts=parts, **base)
        mistake = self._recognise_mistake(given, expected)
        if mistake is not None:
            feedback = mistake.feedback
        else:
            feedback = match.message or "Incorrect."
        return Verdict(correct=False, score=score, feedback=feedback, method=match.method,
                       mistake=mistake.name if mistake else None, near=match.near, parts=parts, **base)

    def _recognise_mistake(self, given: Any, expected: Any):
        """The first declared mistake whose wrong answer the student gave (and which differs
        from the right answer for these params, so it can be told apart)."""
        kind = self.generator.answer_kind
        for mistake in self.generator.mistakes:
            wrong = self.mistake_answer(mistake)
            if wrong is None:
                continue
            if kind.compare(given, wrong).correct:
                return mistake
        return None

    def blurred_mistakes(self) -> list[str]:
        """The declared mistakes that apply to these params but that the checker would not reject
        and name: their answer is graded right, or is recognised as another mistake. Seeded
        problems are redrawn until this is empty ("distinguishable by construction").

        A mistake whose answer is the right one exactly (forgetting the dilation when it is 1)
        does not apply: the student who makes it is right. One that is merely close (tanh(c) for
        c when c is small) is what this guards against."""
        kind = self.generator.answer_kind
        expected = kind.from_json(self.answer)
        blurred = []
        for mistake in self.generator.mistakes:
            wrong_json = mistake.answer(self.params)
            if wrong_json is None:
                continue
            if isinstance(kind, _parts_kind()) and isinstance(wrong_json, dict):
                wrong_json = {**self.answer, **wrong_json}
            if same_json(wrong_json, self.answer):
                continue  # the trap leads to the right answer for these params: it does not apply
            wrong = kind.from_json(wrong_json)
            verdict_mistake = self._recognise_mistake(wrong, expected)
            if kind.compare(wrong, expected).correct or verdict_mistake is not mistake:
                blurred.append(mistake.name)
        return blurred

    def mistake_answer(self, mistake) -> Any:
        """The mistake's wrong answer as an internal value, or None where it does not apply
        or cannot be told apart from the right answer."""
        kind = self.generator.answer_kind
        key = "mistake:" + mistake.name
        if key not in self._cache:
            wrong_json = mistake.answer(self.params)
            wrong = None
            if wrong_json is not None:
                expected = kind.from_json(self.answer)
                wrong = kind.telling(kind.from_json(wrong_json), expected)
                if kind.compare(wrong, expected).correct:
                    wrong = None
            self._cache[key] = wrong
        return self._cache[key]


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


def _parts_kind():
    from mpcheck.answers.parts import Parts

    return Parts


def same_json(a: Any, b: Any, rel: float = 1e-9) -> bool:
    """Two JSON-native answers equal up to floating-point round-off (not up to a tolerance)."""
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or isinstance(b, str) or a is None:
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-300
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k], rel) for k in a)
    return False
