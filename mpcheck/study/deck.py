"""Choosing what to ask: reproducible per-question seeds, shuffles and interleaving across topics.

Everything here is a pure function of its inputs. Seeds come from a hash, not from a global
random state, so ``--seed S`` gives the same quiz, exam or worksheet on any machine and any
Python version.

The mix of a quiz, exam or worksheet (``mixed_deck``), per topic:
- ``--kind all`` (the default) favours generated problems: two generated problems, then one
  concept question, and so on, so at least two thirds of a topic's questions are generated
  wherever it has generators; once every concept question has been asked, generated problems
  fill the rest, so a concept question never comes twice in one deck;
- no repeat before the pool is used up: every generator is asked once (in a shuffled order)
  before any is asked again, and then with other numbers (each question of a deck has its own
  seed), in a new order; likewise a concept question comes back only once every concept
  question was asked (``--kind questions`` with more questions than the bank holds);
- topics take turns (round robin), in an order drawn from the seed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import TypeVar

from mpcheck.api import Generator

T = TypeVar("T")

#: what ``--kind`` accepts: generated problems, concept questions, or both
KINDS = ("problems", "questions", "all")
#: in the default mix, this many generated problems for each concept question
PROBLEMS_PER_QUESTION = 2

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


def is_question(gen: Generator) -> bool:
    return gen.origin == "question"


def of_kind(pool: Iterable[Generator], kind: str = "all") -> list[Generator]:
    """The generators of the pool that ``--kind`` asks for."""
    from mpcheck.errors import UserError

    if kind not in KINDS:
        raise UserError(f"unknown kind {kind!r}: use {', '.join(KINDS)}")
    wanted = {"problems": False, "questions": True}.get(kind)
    return [g for g in pool if wanted is None or is_question(g) == wanted]


def rounds(items: Sequence[T], seed: int, label: str) -> Iterator[T]:
    """Every item once in a shuffled order, then every item again in a new order, and so on
    (an item never comes twice in a row across two rounds)."""
    if not items:
        return
    last = None
    for number in range(2**62):
        order = shuffled(items, seed, f"{label}/{number}")
        if len(order) > 1 and order[0] is last:
            order = order[1:] + order[:1]
        yield from order
        last = order[-1] if order else None


def favour_problems(problems: Iterable[T], questions: Iterable[T]) -> Iterator[T]:
    """``PROBLEMS_PER_QUESTION`` problems, then one question, and so on; when either runs out,
    the other alone."""
    problems, questions = iter(problems), iter(questions)
    end = object()
    pattern = [problems] * PROBLEMS_PER_QUESTION + [questions]
    while pattern:
        for source in pattern:
            item = next(source, end)
            if item is end:
                pattern = [s for s in pattern if s is not source]
                break
            yield item


def topic_stream(pool: Sequence[Generator], seed: int, topic: str) -> Iterator[Generator]:
    """One topic's endless sequence of items, mixed as the module docstring says."""
    problems = [g for g in pool if not is_question(g)]
    questions = [g for g in pool if is_question(g)]
    if not problems:
        return rounds(questions, seed, topic + "/questions")
    return favour_problems(rounds(problems, seed, topic + "/problems"),
                           shuffled(questions, seed, topic + "/questions"))


def mixed_deck(generators: Sequence[Generator], n: int, seed: int) -> list[tuple[Generator, int]]:
    """``n`` (generator, problem seed) pairs from the pool, mixed as the module docstring says;
    each pair has its own seed, so an item that comes again has other numbers."""
    if not generators or n <= 0:
        return []
    groups = by_topic(sorted(generators, key=lambda g: g.id))
    streams = [topic_stream(groups[t], seed, t) for t in shuffled(sorted(groups), seed, "topics")]
    return [(next(streams[i % len(streams)]), derive_seed(seed, "question", i)) for i in range(n)]
