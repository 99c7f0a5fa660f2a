"""Symbolic expression answers. (Interface only; implementation in progress.)"""

from __future__ import annotations

from dataclasses import dataclass

from mpcheck.answers.base import AnswerKind


@dataclass(frozen=True)
class Expression(AnswerKind):
    """A formula in the declared ``variables``; JSON string in plain math syntax."""

    variables: tuple[str, ...] = ()
    name = "expression"
