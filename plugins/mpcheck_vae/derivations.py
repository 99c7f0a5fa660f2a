"""Derivations of this topic, declared here and built lazily (sympy loads only when one runs)."""

from mpcheck.api import Derivation

DERIVATIONS: list[Derivation] = []
