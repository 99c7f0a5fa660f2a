"""Choosing what to ask: reproducible per-question seeds, shuffles and interleaving across topics.

Everything here is a pure function of its inputs. Seeds come from a hash, not from a global
random state, so ``--seed S`` gives the same quiz, exam or worksheet on any machine and any
Python version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

from mpcheck.api import Generator

T = TypeVar("T")

#: per-question seeds stay below 2**31 so that they are short to type in `mpcheck show --seed`
SEED_LIMIT = 2**31


def derive_seed(seed: int, *labels: Hashable) -> int:
    """A seed for one question, from the session seed and where the question sits."""
    digest = hashlib.blake2b(repr((seed, *labels)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % SEED_LIMIT


def shuffled(items: Sequence[T], seed: int, label: str = "order") -> list[T]:
    """A reproducible permutation: sort by a hash of (seed, label, position)."""
    keyed = sorted(range(len(items)), key=lambda i: derive_seed(seed, label, i))
    return [items[i] for i in keyed]


def interleave(groups: Iterable[Sequence[T]]) -> list[T]:
    """Round robin over groups: a0 b0 c0 a1 b1 a2 ... (keeps each group's order)."""
    groups = [list(g) for g in groups if g]
    out: list[T] = []
    for depth in range(max((len(g) for g in groups), default=0)):
        out += [g[depth] for g in groups if depth < len(g)]
    return out


def by_topic(generators: Iterable[Generator]) -> dict[str, list[Generator]]:
    groups: dict[str, list[Generator]] = {}
    for gen in generators:
        groups.setdefault(gen.topic, []).append(gen)
    return groups


def mixed_deck(generators: Sequence[Generator], n: int, seed: int) -> list[tuple[Generator, int]]:
    """``n`` (generator, problem seed) pairs: every generator and question of the pool once in a
    shuffled order, topics interleaved, before any repeats (a repeat gets a new seed)."""
    if not generators or n <= 0:
        return []
    ordered = sorted(generators, key=lambda g: g.id)
    groups = by_topic(ordered)
    one_round = interleave(shuffled(groups[t], seed, t) for t in shuffled(sorted(groups), seed, "topics"))
    return [(one_round[i % len(one_round)], derive_seed(seed, "question", i)) for i in range(n)]
