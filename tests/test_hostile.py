"""Hostile answers: code injection, resource exhaustion, look-alike characters, junk.

Each must be refused with a clear message, quickly, and nothing in it may run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_helpers import run_cli
from mpcheck.answers.kinds import Boolean, Choice, Fraction, Integer, Matrix, Parts, Real, Shape, Vector
from mpcheck.errors import AnswerError
from mpcheck.host.plugins import registry
from mpcheck.problem import Problem

CANARY = Path("/tmp") / "mpcheck-hostile-canary"

INJECTIONS = [
    "__import__('os').system('echo pwned')",
    f"__import__('os').system('touch {CANARY}')",
    f"__import__('pathlib').Path('{CANARY}').touch()",
    f"open('{CANARY}', 'w')",
    "().__class__.__bases__[0].__subclasses__()",
    "lambda: 1",
    "[x for x in ()]",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('import os')",
    "globals()",
    "exp.__globals__",
    "{'a': 1}",
    "f'{1}'",
    "(yield)",
    "__builtins__",
    "1; import os",
]
EXHAUSTION = [
    "9**9**9**9", "10**10**10", "2**-99999", "9^9^9^9", "(10**100)**100",
    "(" * 10_000 + "1" + ")" * 10_000,
    "[" * 10_000 + "1" + "]" * 10_000,
    "1" * 100_000,
    "; ".join(" ".join(["1"] * 1_000) for _ in range(1_000)),  # a 1000×1000 matrix
    "exp(" * 500 + "1" + ")" * 500,
    "-" * 5_000 + "1",
]
NOT_FINITE = ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "1/0", "0**-1", "exp(1e308)"]
LOOK_ALIKES = [
    "\u0435xp(1)",  # Cyrillic е in exp
    "ex\u0440(1)",  # Cyrillic р
    "\u0430bs(1)",  # Cyrillic а
    "l\u043eg(2)",  # Cyrillic о
    "\uff11\uff12",  # fullwidth digits １２
    "1\u200b2",  # zero-width space
    "\u202e21",  # right-to-left override
    "1\x002",  # NUL byte
    "1\x1b[31m",  # terminal escape
    "\ufeff1",  # byte-order mark
]
EMPTY = ["", "   ", "\n\t\n"]
CORPUS = INJECTIONS + EXHAUSTION + NOT_FINITE + LOOK_ALIKES + EMPTY

KINDS = [Real(), Integer(), Fraction(), Vector(), Matrix(), Shape(), Choice(("x", "y", "z")),
         Choice(("x", "y", "z"), multiple=True), Boolean(), Parts({"a": Real(), "b": Vector()})]


def _label(text: str) -> str:
    return ascii(text[:30]) + (f"…({len(text)})" if len(text) > 30 else "")


@pytest.fixture(autouse=True)
def _no_canary():
    CANARY.unlink(missing_ok=True)
    yield
    assert not CANARY.exists(), "an injected command ran"


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: f"{k.name}-{getattr(k, 'multiple', '')}")
@pytest.mark.parametrize("text", CORPUS, ids=_label)
def test_each_kind_refuses_quickly_with_a_message(kind, text):
    start = time.perf_counter()
    with pytest.raises(AnswerError) as refused:
        kind.parse(text)
    assert time.perf_counter() - start < 1.0
    message = str(refused.value)
    assert message.strip() and "\n" not in message and len(message) < 400


@pytest.mark.parametrize("text", [json.dumps({"a": t, "b": "[1]"}) for t in INJECTIONS + NOT_FINITE + LOOK_ALIKES]
                         + [json.dumps({"a": 1, "b": [1]}).replace("1", "[" * 5_000 + "1" + "]" * 5_000, 1),
                            '{"a": ' * 5_000 + "1"], ids=_label)
def test_parts_json_refuses_quickly(text):
    start = time.perf_counter()
    with pytest.raises(AnswerError):
        Parts({"a": Real(), "b": Vector()}).parse(text)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("text, message", [
    ("\u0435xp(1)", "U+0435 CYRILLIC SMALL LETTER IE) at position 1"),
    ("\uff11", "FULLWIDTH DIGIT ONE"), ("1\u200b2", "ZERO WIDTH SPACE"), ("\u202e1", "RIGHT-TO-LEFT OVERRIDE"),
    ("1\x002", "U+0000 NULL"), ("1" * 100_000, "answer is too long (100,000 characters; at most 2,000)"),
    ("9**9**9**9", "too large"), ("2**-99999", "too large"), ("(" * 10_000 + "1" + ")" * 10_000, "too long"),
    ("(" * 100 + "1" + ")" * 100, "too deeply nested"), ("nan", "not a finite number"), ("1/0", "division by zero"),
    ("__import__('os')", "calling '__import__' is not allowed"), ("lambda: 1", "lambda is not allowed"),
])
def test_messages_say_what_is_wrong(text, message):
    with pytest.raises(AnswerError) as refused:
        Real().parse(text)
    assert message in str(refused.value)


def test_matrix_size_caps_have_messages():
    with pytest.raises(AnswerError, match="answer is too long"):
        Matrix().parse(EXHAUSTION[8])
    with pytest.raises(AnswerError, match="too many entries"):
        Matrix().parse("; ".join(" ".join(["1"] * 65) for _ in range(65)))


def test_corpus_through_problem_check():
    problem = Problem.from_seed(registry().generators["cnn.conv-output-size"], 1)
    for text in CORPUS:
        start = time.perf_counter()
        verdict = problem.check(text)
        assert time.perf_counter() - start < 1.0
        assert verdict.error and not verdict.correct and verdict.exit_code == 2, _label(text)


def test_corpus_through_the_cli_batch():
    lines = "".join(json.dumps({"id": "cnn.conv-output-size", "seed": 1, "answer": t}) + "\n"
                    for t in CORPUS if len(t) < 100_000)
    done = run_cli("check", "--batch", "-", input=lines)
    assert "Traceback" not in done.stdout + done.stderr
    verdicts = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(verdicts) == lines.count("\n")
    assert all(v["error"] and v["correct"] is False for v in verdicts)


@pytest.mark.parametrize("text", [f"__import__('os').system('touch {CANARY}')", "9**9**9**9",
                                  "(" * 10_000 + "1" + ")" * 10_000, "\u0435xp(1)", "1" * 100_000])
def test_cli_refuses_with_exit_2_and_one_line_on_stderr(text):
    done = run_cli("check", "cnn.conv-output-size", "--seed", "1", "--answer", text)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


STRUCTURE = st.sampled_from(list("[](){},;:=x×\n \t-+*/^.e0123456789") + ["h:", "a:", "b:", "pi", "sqrt(", "1e999"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(STRUCTURE, max_size=60).map("".join)))
def test_any_text_is_read_or_refused_by_every_kind_without_crashing(text):
    for kind in KINDS:
        start = time.perf_counter()
        try:
            kind.parse(text)
        except AnswerError as exc:
            assert str(exc).strip()
        assert time.perf_counter() - start < 1.0
