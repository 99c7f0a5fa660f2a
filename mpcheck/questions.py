r"""Concept-question banks: TOML files turned into generators with ``origin="question"``.

A bank is a list of ``[[question]]`` tables::

    [[question]]
    id = "cnn.q-correlation"          # <topic>.q-<kebab-name>, unique
    title = "What a conv layer computes"   # a short heading that does not give the answer away
    kind = "choice"                   # choice | multi-choice | true-false | numeric
    section = "1"                     # the summary section it covers
    text = '''What does a deep-learning conv layer compute, $K \star X$ or $K * X$?'''
    options = ["convolution", "cross-correlation", "..."]
    answer = "b"                      # letter(s) for choices, true/false, or a number
    explanation = '''Why, not only what.'''   # texts and options: prose with $…$ math
    tags = ["convolution"]
    tolerance = 0.01                  # numeric only, relative; optional (a whole-number answer
                                      # without one is graded exactly)

Options are shown in an order drawn from the seed, so letters are not memorised.
"""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path
from typing import Any

from mpcheck.host import catalog
from mpcheck.answers.choices import Boolean, Choice
from mpcheck.answers.scalars import Integer, Real
from mpcheck.api import Generator
from mpcheck.errors import ParamsError

KINDS = ("choice", "multi-choice", "true-false", "numeric")
REQUIRED = ("id", "title", "kind", "text", "answer", "explanation")
OPTIONAL = ("options", "tags", "section", "tolerance")
#: a title heads the question on screen and on sheets: one short line
MAX_TITLE = 80
ID_PATTERN = re.compile(r"^[a-z0-9]+\.q-[a-z0-9]+(-[a-z0-9]+)*$")


class BankError(ValueError):
    """A question bank does not follow the schema; the message names the question."""


def load_bank(path: Path | Any) -> list[Generator]:
    """Read one bank (a path or an importlib Traversable) into generators."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    catalog.banks_read.add(str(path))  # the catalogue of registered problems depends on it
    return [question_generator(q, source=str(path)) for q in data.get("question", [])]


def validate_question(q: dict[str, Any], source: str = "bank") -> None:
    where = f"{source}: question {q.get('id', '?')!r}"
    missing = [k for k in REQUIRED if k not in q]
    unknown = [k for k in q if k not in REQUIRED + OPTIONAL]
    if missing or unknown:
        raise BankError(f"{where}: missing {missing or '-'}, unknown {unknown or '-'}")
    if not isinstance(q["id"], str) or not ID_PATTERN.match(q["id"]):
        raise BankError(f"{where}: id must look like 'topic.q-some-name'")
    if q["kind"] not in KINDS:
        raise BankError(f"{where}: kind must be one of {KINDS}")
    if not str(q["explanation"]).strip() or not str(q["text"]).strip():
        raise BankError(f"{where}: text and explanation must not be empty")
    title = q["title"]
    if not isinstance(title, str) or not title.strip() or "\n" in title or len(title) > MAX_TITLE:
        raise BankError(f"{where}: title must be one line of 1 to {MAX_TITLE} characters")
    kind, answer = q["kind"], q["answer"]
    if kind in ("choice", "multi-choice"):
        options = q.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= 8:
            raise BankError(f"{where}: choice questions need 2 to 8 options")
        letters = string.ascii_lowercase[: len(options)]
        answers = [answer] if kind == "choice" else answer
        if not isinstance(answers, list) or not answers or any(a not in letters for a in answers):
            raise BankError(f"{where}: answer must be option letter(s) among {letters}")
    elif kind == "true-false" and not isinstance(answer, bool):
        raise BankError(f"{where}: a true-false answer must be true or false")
    elif kind == "numeric" and (isinstance(answer, bool) or not isinstance(answer, (int, float))):
        raise BankError(f"{where}: a numeric answer must be a number")


def question_generator(q: dict[str, Any], source: str = "bank") -> Generator:
    validate_question(q, source)
    kind = q["kind"]
    options: list[str] = list(q.get("options", []))
    n = len(options)

    def sample_params(rng: Any) -> dict[str, Any]:
        return {"order": [int(i) for i in rng.permutation(n)]} if options else {}

    def validate_params(params: dict[str, Any]) -> None:
        if not options:
            if params:
                raise ParamsError("this question takes no params")
            return
        order = params.get("order")
        if set(params) != {"order"} or not isinstance(order, list) or sorted(order) != list(range(n)):
            raise ParamsError(f"params must be {{\"order\": a permutation of 0..{n - 1}}}")

    def shown(params: dict[str, Any]) -> list[int]:
        return params.get("order", list(range(n)))

    def letter_of(original_letter: str, params: dict[str, Any]) -> str:
        return string.ascii_lowercase[shown(params).index(string.ascii_lowercase.index(original_letter))]

    def solve(params: dict[str, Any]) -> Any:
        if kind == "choice":
            return letter_of(q["answer"], params)
        if kind == "multi-choice":
            return sorted(letter_of(a, params) for a in q["answer"])
        return q["answer"]

    def prompt(params: dict[str, Any]) -> str:
        lines = [q["text"].strip()]
        if kind == "multi-choice":
            lines.append("(Select all that apply.)")
        lines += [f"  {string.ascii_lowercase[i]}) {options[j]}" for i, j in enumerate(shown(params))]
        return "\n".join(lines)

    def solution(params: dict[str, Any]) -> str:
        return q["explanation"].strip()

    if kind in ("choice", "multi-choice"):
        answer_kind: Any = Choice(options=tuple(options), multiple=kind == "multi-choice")
    elif kind == "true-false":
        answer_kind = Boolean()
    elif isinstance(q["answer"], int) and "tolerance" not in q:
        # a whole-number answer (an output height, a count) is exact: 32.03 is not 32
        answer_kind = Integer()
    else:
        answer_kind = Real(rtol=float(q.get("tolerance", 1e-3)))

    return Generator(
        id=q["id"], title=q["title"].strip(), answer_kind=answer_kind,
        sample_params=sample_params, validate_params=validate_params, solve=solve, prompt=prompt,
        solution=solution, tags=tuple(q.get("tags", ())), origin="question",
    )


def builtin_bank(topic: str) -> list[Generator]:
    """The concept questions shipped in problems/<topic>.toml (empty if there is none)."""
    from mpcheck_problems import bank

    path = bank(topic)
    return load_bank(path) if path.is_file() else []
