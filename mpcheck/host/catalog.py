"""What the plugins registered, remembered between runs: the rows of the listings, which plugin
owns each problem id, and where each generator object lives.

Without it, ``mpcheck topics`` imports every plugin and reads every question bank, and
``mpcheck check cnn.…`` does the same to find one generator. With it, the listings import no
plugin, and a generator defined at module level (``mpcheck_cnn.sizes:CONV_OUTPUT_SIZE``) is
imported from there: the very object its plugin registered, found by identity when the catalogue
was written. Others (concept questions built from a bank) load their plugin alone.

The catalogue is written after a full load in which every enabled plugin loaded cleanly, and
trusted only while everything it was built from is unchanged:

- the plugins found (entry points with their distributions and versions) and ``sys.path``,
- the variables that choose among them (``MPCHECK_LOAD_PLUGINS``, ``MPCHECK_DISABLE_PLUGINS``,
  ``MPCHECK_STRICT_PLUGINS``),
- every file, by name, size and modification time, in the folders of mpcheck itself, of each
  plugin that registered something, and of each question bank that was read.

A plugin that failed or warned is never remembered, so its report is printed on every run.
``MPCHECK_NO_PLUGIN_CACHE=1`` turns the catalogue off together with the entry-point cache.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mpcheck.host import entrypoints

if TYPE_CHECKING:
    from mpcheck.api import Generator
    from mpcheck.host.registry import PluginInfo, Registry

VERSION = 1
VARIABLES = ("MPCHECK_LOAD_PLUGINS", "MPCHECK_DISABLE_PLUGINS", "MPCHECK_STRICT_PLUGINS")

#: question-bank files read in this process (questions.load_bank adds them)
banks_read: set[str] = set()


def topic_rows(reg: Registry) -> list[dict[str, Any]]:
    rows = []
    for name, topic in reg.topics.items():
        gens = [g for g in reg.generators.values() if g.topic == name]
        rows.append({
            "topic": name, "title": topic.title, "chapter": topic.chapter,
            "generators": sum(g.origin == "generator" for g in gens),
            "questions": sum(g.origin == "question" for g in gens),
            "derivations": sum(d.topic == name for d in reg.derivations.values()),
            "references": sum(r.topic == name for r in reg.references.values()),
        })
    return rows


def problem_rows(reg: Registry) -> list[dict[str, Any]]:
    return [{"id": g.id, "title": g.title, "topic": g.topic, "kind": g.origin,
             "answer_kind": g.answer_kind.name, "difficulty": g.difficulty, "tags": list(g.tags)}
            for g in reg.generators.values()]


def plugin_needs(reg: Registry) -> dict[str, list[str]]:
    """For each plugin, the plugins a load of it needs: itself and the owners of the topics its
    items belong to (a plugin may add problems to another plugin's topic)."""
    topic_owner = {name: reg.owners["topic:" + name] for name in reg.topics}
    needs: dict[str, set[str]] = {}
    for kind in ("generator", "derivation", "reference"):
        for key, item in getattr(reg, kind + "s").items():
            owner = reg.owners[f"{kind}:{key}"]
            needs.setdefault(owner, {owner}).add(topic_owner[item.topic])
    return {owner: sorted(names) for owner, names in needs.items()}


def generator_homes(reg: Registry) -> dict[str, str]:
    """``"module:NAME"`` for each generator bound to a module-level name (the module of one of its
    functions); generators made inside a hook have none."""
    homes = {}
    for gid, gen in reg.generators.items():
        for function in (gen.solve, gen.sample_params, gen.prompt):
            module = sys.modules.get(getattr(function, "__module__", None) or "")
            name = next((n for n, v in vars(module).items() if v is gen), None) if module else None
            if name:
                homes[gid] = f"{module.__name__}:{name}"
                break
    return homes


def _file() -> Path:
    return entrypoints.cache_folder() / f"catalog-{zlib.crc32(sys.prefix.encode()):08x}.json"


def _key() -> str:
    entries = sorted((e.name, e.value, e.distribution, e.version) for e in entrypoints.plugin_entries())
    variables = [os.environ.get(name) for name in VARIABLES]
    # sys.path decides which copy of a module a name imports (``python -m`` puts the current
    # folder first, where a source checkout may shadow the installed packages)
    return json.dumps([VERSION, sys.version, sys.path, entries, variables])


def _stamp(roots: list[str]) -> int:
    """A checksum of every file's name, size and time under ``roots`` (bytecode folders left out:
    Python writes them on first import, which changes nothing that was registered)."""
    records = []
    for root in roots:
        if os.path.isfile(root):
            stat = os.stat(root)
            records.append(f"{root}\0{stat.st_size}\0{stat.st_mtime_ns}")
            continue
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            for name in sorted(files):
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                records.append(f"{folder}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}")
        if not os.path.isdir(root):
            records.append(f"{root}\0missing")
    return zlib.crc32("\n".join(records).encode())


def _module_root(module_name: str) -> str | None:
    module = sys.modules.get(module_name.partition(".")[0])
    paths = list(getattr(module, "__path__", None) or [])
    if paths:
        return paths[0]
    return getattr(module, "__file__", None)


def _roots(infos: list[PluginInfo]) -> list[str]:
    by_name = {e.name: e for e in entrypoints.plugin_entries()}
    modules = ["mpcheck"] + [by_name[i.name].module for i in infos if i.status == "ok" and i.name in by_name]
    roots = {root for root in map(_module_root, modules) if root}
    roots |= {os.path.dirname(path) for path in banks_read}
    return sorted(roots)


def _enabled() -> bool:
    return os.environ.get("MPCHECK_NO_PLUGIN_CACHE", "") in ("", "0")


_current: dict[str, Any] | None = None  # the catalogue this process read or built


def remember(reg: Registry, infos: list[PluginInfo]) -> dict[str, Any]:
    """The catalogue of a full load; written to disk when every plugin loaded cleanly."""
    global _current
    roots = _roots(infos)
    _current = {"key": _key(), "roots": roots, "stamp": _stamp(roots),
                "topics": topic_rows(reg), "problems": problem_rows(reg),
                "plugins": [info.to_json() for info in infos], "owners": dict(reg.owners),
                "needs": plugin_needs(reg), "homes": generator_homes(reg)}
    clean = all(i.status != "failed" and not i.warnings for i in infos)
    if clean and _enabled():
        entrypoints.write_json(_file(), _current)
    return _current


def _read() -> dict[str, Any] | None:
    if not _enabled():
        return None
    try:
        document = json.loads(_file().read_text(encoding="utf-8"))
        if document["key"] == _key() and document["stamp"] == _stamp(document["roots"]):
            return document
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none yet, unreadable or stale: the caller loads the plugins
    return None


def known() -> dict[str, Any] | None:
    """The catalogue when one is valid without loading anything (None otherwise)."""
    global _current
    if _current is None:
        _current = _read()
    return _current


def plugins_for(generator_id: str) -> frozenset[str] | None:
    """The plugins to load for one generator (None when the catalogue does not know it)."""
    document = known()
    owner = document["owners"].get("generator:" + generator_id) if document else None
    if owner is None:
        return None
    return frozenset([owner, *document["needs"].get(owner, ())])


def generator(generator_id: str) -> Generator | None:
    """The registered generator, imported from its module without loading any plugin (None when
    the catalogue does not know where it lives, or it is not there any more)."""
    document = known()
    home = document["homes"].get(generator_id) if document else None
    if home is None:
        return None
    from mpcheck.api import Generator

    try:
        found = entrypoints.load_object(home)
    except Exception:  # moved or broken since: the caller loads its plugin, which reports why
        return None
    return found if isinstance(found, Generator) and found.id == generator_id else None


def forget() -> None:
    """Drop what this process read or built (tests switch environments)."""
    global _current
    _current = None
