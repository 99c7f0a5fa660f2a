"""The public plugin API: everything a topic plugin imports.

A plugin is a module with ``@hookimpl`` functions (see ``mpcheck.host.hookspecs``) exposed through the
``mpcheck`` entry-point group. Registering must stay cheap: import numpy inside the functions that
need it, and name derivations and references by ``"module:function"`` so that sympy and torch load
only when they run.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mpcheck.errors import AnswerError, ParamsError

if TYPE_CHECKING:
    import pluggy

    from mpcheck.answers.base import AnswerKind

    hookimpl: pluggy.HookimplMarker

# Answer kinds load on first use, so that registering a plugin (which every `mpcheck --help`
# does) does not pay for them; so does pluggy's marker, which a generator module does not need.
_LAZY = {
    **dict.fromkeys(["Fraction", "Integer", "Real"], "mpcheck.answers.scalars"),
    **dict.fromkeys(["Matrix", "Shape", "Vector"], "mpcheck.answers.arrays"),
    **dict.fromkeys(["Boolean", "Choice"], "mpcheck.answers.choices"),
    "Parts": "mpcheck.answers.parts",
    "Expression": "mpcheck.answers.expression",
    "AnswerKind": "mpcheck.answers.base",
    "Match": "mpcheck.answers.base",
    "hookimpl": "mpcheck.host.hookspecs",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mpcheck.api' has no attribute {name!r}")

Params = dict[str, Any]

__all__ = [
    "AnswerError", "AnswerKind", "Boolean", "Choice", "Derivation", "Expression", "Fraction",
    "Generator", "Integer", "Match", "Matrix", "Mistake", "Params", "ParamsError", "Parts", "Real",
    "Reference", "Shape", "Topic", "Vector", "hookimpl", "Exercise", "CodeMistake", "Case", "tidy",
    "tidy_rows", "round_off",
]


def tidy(values: Sequence[float], scales: Sequence[float] | float = 0.0) -> list[float]:
    """Float noise rounded off: each entry to 13 significant digits of the largest entry, or of
    its ``scales`` entry (the largest term summed into it; one number: the same for all) where
    that is larger. So 0.1 + 0.2 → 0.3, 0.8·(−1.5) + 0.6·2 → 0 (not −2.2e-16), and 0.3 − 3·0.1 → 0
    beside entries near 1; never a fixed number of decimals, so that an answer near 0
    everywhere (1e-14) keeps its digits."""
    largest = max((abs(v) for v in values), default=0.0)
    if isinstance(scales, (int, float)):
        decimals = _decimals(max(largest, scales))
        return [v + 0.0 if decimals is None else round(v, decimals) + 0.0 for v in values]
    return [round_off(v, max(largest, s)) for v, s in zip(values, scales)]


def tidy_rows(rows: Sequence[Sequence[float]], scale: float = 0.0) -> list[list[float]]:
    """``tidy`` of a matrix, relative to its largest entry (or ``scale``)."""
    flat = tidy([float(v) for row in rows for v in row], scale)
    width = len(rows[0]) if rows else 0
    return [flat[i:i + width] for i in range(0, len(flat), width)]


def round_off(value: float, scale: float) -> float:
    """``value`` to 13 significant digits of ``scale`` (the size of the terms summed into it):
    float noise (a few units in the 16th digit) goes, every digit a grader could ask for stays.
    ``tidy`` for one number, without building lists."""
    decimals = _decimals(max(scale, abs(value)))
    return value + 0.0 if decimals is None else round(value, decimals) + 0.0


def _decimals(scale: float) -> int | None:
    # the decimals that keep 13 significant digits of ``scale`` (None: nothing to round)
    return None if scale == 0 or not math.isfinite(scale) else 12 - math.floor(math.log10(scale))


@dataclass(frozen=True)
class Topic:
    """A course topic, e.g. ``Topic("cnn", "Convolutional networks", chapter="1")``."""

    name: str
    title: str
    summary: str = ""
    chapter: str = ""


@dataclass(frozen=True)
class Mistake:
    """A known trap: ``answer(params)`` is the wrong answer it produces (JSON-native), or None
    where it does not apply; ``feedback`` tells the student what went wrong."""

    name: str
    feedback: str
    answer: Callable[[Params], Any]


def _no_hints(params: Params) -> list[str]:
    return []


@dataclass(frozen=True)
class Generator:
    """A problem family: a pure function of params for each part of a problem.

    ``sample_params(rng)`` receives a ``numpy.random.Generator``; ``validate_params(params)``
    raises ``ParamsError`` for params a user gave; ``solve(params)`` returns the expected answer
    as JSON-native data; ``prompt`` and ``solution`` return plain Unicode text (no markup).
    """

    id: str
    title: str
    answer_kind: AnswerKind
    sample_params: Callable[[Any], Params]
    validate_params: Callable[[Params], None]
    solve: Callable[[Params], Any]
    prompt: Callable[[Params], str]
    solution: Callable[[Params], str]
    hints: Callable[[Params], Sequence[str]] = _no_hints
    mistakes: Sequence[Mistake] = ()
    tags: Sequence[str] = ()
    difficulty: int = 1
    #: "generator" for computed problems, "question" for concept questions from a bank.
    origin: str = "generator"

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass(frozen=True)
class Derivation:
    """A machine-checked derivation. ``build`` names a ``"module:function"`` returning its steps
    (see ``mpcheck.derive``); it is imported only when the derivation is shown or verified."""

    name: str
    title: str
    topic: str
    build: str
    summary: str = ""


@dataclass(frozen=True)
class Case:
    """One input of an exercise's check: positional and keyword arguments of the function, and a
    short label a student can recognise (``"stride 2, padding 1, float32"``)."""

    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CodeMistake:
    """A known bug in a student's implementation. ``variant`` names a ``"module:function"`` with the
    exercise's signature that computes what the bug computes (the kernel flipped, the gates in
    PyTorch's order, no bias correction, ...); a student's output equal to it on every case is
    reported with ``name`` and ``feedback``."""

    name: str
    feedback: str
    variant: str


@dataclass(frozen=True)
class Exercise:
    """Write the reference implementation yourself, checked against the oracle.

    Every string naming code is a ``"module:function"``, imported only when the exercise runs.
    - ``function``: the name the student defines; its signature is the ``solution``'s.
    - ``solution``: the reference implementation; it passes its own exercise.
    - ``oracle``: the same signature, computed independently (a PyTorch built-in, autograd, a
      closed form); the expected output of every case.
    - ``cases``: ``(generator: torch.Generator, device: str, dtype: torch.dtype) -> list[Case]``:
      a few fixed cases, then random shapes and values drawn from ``generator`` (new per run).
    - ``doc``: the skeleton's docstring, in the text markup: the formula, the shapes.
    - ``forbidden``: dotted names the student's code may not call (``torch.nn.functional.conv2d``,
      ``torch.Tensor.backward``); they raise a clear "not allowed here" error while the student's
      code is imported and runs. A name this PyTorch lacks is skipped.
    - ``mistakes``: known bugs, each recognised by comparing the output with its variant.
    - ``hint``: shown by ``exercise check --hint``, in the text markup.
    - ``dtypes``: the floating types every case is run in.
    - ``rtol``: relative tolerance in float64; float32 gets ``max(rtol, 1e-4)``. Integer and
      boolean outputs are compared exactly.
    - ``imports``: the import lines of the student's skeleton (what the exercise may use).
    - ``benchmark``: optional ``(generator, device, dtype) -> Case``, one larger input on which
      ``mpcheck ref`` times the solution against the oracle (default: the largest case).
    """

    function: str
    solution: str
    oracle: str
    cases: str
    doc: str
    forbidden: Sequence[str] = ()
    mistakes: Sequence[CodeMistake] = ()
    hint: str = ""
    dtypes: Sequence[str] = ("float64", "float32")
    rtol: float = 1e-7
    imports: Sequence[str] = ("import torch",)
    benchmark: str = ""


@dataclass(frozen=True)
class Reference:
    """A reference implementation checked against an oracle.

    With an ``exercise`` (the usual case), ``mpcheck ref`` checks the exercise's ``solution`` with
    the exercise's own checker and times it against the oracle, and ``run`` may stay empty.
    Without one, ``run`` names a ``"module:function"`` taking ``device`` and returning
    ``mpcheck.reference.RefResult``. ``source`` names the module whose code ``mpcheck ref
    --source`` shows (default: the solution's module)."""

    topic: str
    name: str
    title: str
    oracle: str
    run: str = ""
    source: str = ""
    tags: Sequence[str] = field(default_factory=tuple)
    #: The same implementation as an exercise a student writes (see ``Exercise``).
    exercise: Exercise | None = None

    def __post_init__(self) -> None:
        if not self.run and self.exercise is None:
            raise ValueError(f"reference {self.topic}/{self.name} needs an exercise or a run function")

    @property
    def key(self) -> str:
        return f"{self.topic}/{self.name}"

    @property
    def source_module(self) -> str:
        """The module ``ref --source`` shows."""
        if self.source:
            return self.source
        spec = self.exercise.solution if self.exercise is not None else self.run
        return spec.partition(":")[0]
