"""Finding topics, generators and problems by what the user typed, with helpful errors."""

from __future__ import annotations

import difflib
from contextlib import suppress
from typing import TYPE_CHECKING

from mpcheck.errors import UserError

if TYPE_CHECKING:
    from mpcheck.api import Generator
    from mpcheck.host.plugins import Registry
    from mpcheck.problem import Problem

# Core modules load inside the functions: `mpcheck --help` imports this module.


def registry(only: frozenset[str] | None = None) -> Registry:
    from mpcheck.host import plugins

    reg = plugins.registry(only)
    plugins.report()
    return reg


def suggest(word: str, options: list[str]) -> str:
    """" — did you mean a, b?" for close matches, else ""."""
    close = difflib.get_close_matches(word, options, n=3, cutoff=0.5)
    return f" — did you mean {', '.join(close)}?" if close else ""


def topic(name: str, names: list[str] | None = None) -> str:
    """The topic ``name`` stands for, in any case (``CNN`` is ``cnn``), among ``names`` (default:
    the registry's topics); else a helpful error."""
    names = list(registry().topics) if names is None else names
    if name in names:
        return name
    folded = {n.casefold(): n for n in names}
    if name.strip().casefold() in folded:
        return folded[name.strip().casefold()]
    raise UserError(f"unknown topic {name!r}{suggest(name.casefold(), names)} (`mpcheck topics` lists them)")


def topic_names(groups: list[str] | None) -> list[str]:
    """Topic arguments as typed, split at commas (``cnn,rnn`` or ``cnn rnn``), without repeats."""
    return list(dict.fromkeys(t.strip() for group in groups or [] for t in group.split(",") if t.strip()))


def canonical(names: list[str]) -> list[str]:
    """Each name as the registry spells it: a problem id, else a topic (``CNN`` is ``cnn``)."""
    ids = registry().generators
    return list(dict.fromkeys(generator_id(name, ids) or topic(name) for name in names))


def selection(names: list[str], kind: str = "all") -> list[Generator]:
    """The generators and concept questions that ``names`` select, of the given ``kind``
    ("problems", "questions" or "all"): a topic gives all of its items, a problem id just that
    one; no names means every topic. Topics are matched in any case."""
    from mpcheck.study.deck import of_kind

    reg = registry()
    chosen: dict[str, Generator] = {}
    for name in canonical(names) or list(reg.topics):
        if name in reg.generators:
            chosen[name] = reg.generators[name]
        else:
            chosen.update((g.id, g) for g in reg.generators.values() if g.topic == name)
    pool = of_kind(list(chosen.values()), kind)
    if not pool:
        what = {"problems": "generated problems", "questions": "concept questions"}.get(kind, "problems")
        where = ", ".join(canonical(names)) if names else "any topic"
        raise UserError(f"no {what} in {where} yet" + ("" if kind == "all" else " (try --kind all)"))
    return pool


def generator_id(name: str, ids) -> str | None:
    """The problem id ``name`` stands for (ids are matched in any case), or None."""
    if name in ids:
        return name
    folded = name.strip().casefold()
    return folded if folded in ids else None


def generator(problem_id: str) -> Generator:
    """The generator or concept question ``problem_id`` names (in any case: ``CNN.Param-Count``)."""
    try:
        return _generator(problem_id)
    except UserError as unknown:
        folded = problem_id.strip().casefold()
        if folded != problem_id:
            with suppress(UserError):
                return _generator(folded)
        raise unknown from None


def _generator(problem_id: str) -> Generator:
    from mpcheck.host import catalog

    found = catalog.generator(problem_id)  # straight from its module, when the catalogue knows it
    if found is not None:
        return found
    owners = catalog.plugins_for(problem_id)  # else load only the plugin that owns it
    reg = registry(owners)
    if problem_id not in reg.generators and owners is not None:
        reg = registry()
    if problem_id not in reg.generators:
        raise UserError(f"unknown problem id {problem_id!r}{suggest(problem_id, list(reg.generators))} "
                        "(`mpcheck problems` lists them)")
    return reg.generators[problem_id]


def session_seed(seed: int | None) -> int:
    """The seed given, checked against the one range every command accepts (``show``, ``check``,
    ``quiz``, ``review``, ``exam``, ``export``: same range, same message), else a new one."""
    from mpcheck.problem import check_seed

    if seed is None:
        import secrets

        return secrets.randbelow(10**6)
    return check_seed(seed)


def problem(problem_id: str, seed: int | None, params: str | dict | None) -> Problem:
    """A problem from ``--seed`` or ``--params`` (one of them; neither means a random seed)."""
    from mpcheck.params import load_params
    from mpcheck.problem import Problem

    gen = generator(problem_id)
    if seed is not None and params is not None:
        raise UserError("give either --seed or --params, not both")
    if params is not None:
        return Problem.from_params(gen, load_params(params) if isinstance(params, str) else params)
    return Problem.from_seed(gen, session_seed(seed))
