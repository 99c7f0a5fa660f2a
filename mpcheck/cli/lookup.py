"""Finding topics, generators and problems by what the user typed, with helpful errors."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from mpcheck.errors import UserError

if TYPE_CHECKING:
    from mpcheck.api import Generator
    from mpcheck.plugins import Registry
    from mpcheck.problem import Problem

# Core modules load inside the functions: `mpcheck --help` imports this module.


def registry(only: frozenset[str] | None = None) -> Registry:
    from mpcheck import plugins

    reg = plugins.registry(only)
    plugins.report()
    return reg


def suggest(word: str, options: list[str]) -> str:
    """" — did you mean a, b?" for close matches, else ""."""
    close = difflib.get_close_matches(word, options, n=3, cutoff=0.5)
    return f" — did you mean {', '.join(close)}?" if close else ""


def topic(name: str, names: list[str] | None = None) -> str:
    """``name`` if it is a topic (of ``names``, default: the registry's), else a helpful error."""
    names = list(registry().topics) if names is None else names
    if name not in names:
        raise UserError(f"unknown topic {name!r}{suggest(name, names)} (`mpcheck topics` lists them)")
    return name


def generator(problem_id: str) -> Generator:
    from mpcheck import catalog

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


def problem(problem_id: str, seed: int | None, params: str | dict | None) -> Problem:
    """A problem from ``--seed`` or ``--params`` (one of them; neither means a random seed)."""
    from mpcheck.params import load_params
    from mpcheck.problem import Problem

    gen = generator(problem_id)
    if seed is not None and params is not None:
        raise UserError("give either --seed or --params, not both")
    if params is not None:
        return Problem.from_params(gen, load_params(params) if isinstance(params, str) else params)
    if seed is None:
        import secrets

        seed = secrets.randbelow(10**6)
    return Problem.from_seed(gen, seed)
