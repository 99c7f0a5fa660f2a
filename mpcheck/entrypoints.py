"""Finding plugins in the ``mpcheck`` entry-point group, with a small cache for start-up.

Reading entry points needs ``importlib.metadata``, whose import alone costs more than the rest of
``mpcheck --help``. The scan's result is therefore kept in a JSON file keyed by the folders on
``sys.path`` and their modification times: installing, upgrading or removing a distribution adds
or removes a ``*.dist-info`` folder, which changes its parent's time, so the key changes and the
scan runs again. ``MPCHECK_NO_PLUGIN_CACHE=1`` always scans.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

GROUP = "mpcheck"
CACHE_VERSION = 1


@dataclass(frozen=True)
class PluginEntry:
    name: str
    value: str
    distribution: str
    version: str


def _fingerprint() -> str:
    parts = [sys.version, str(CACHE_VERSION)]
    for entry in sys.path:
        try:
            parts.append(f"{entry}\0{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}\0-")
    return "\n".join(parts)


def _cache_file() -> Path:
    home = os.environ.get("MPCHECK_HOME")
    if home:
        return Path(home) / "cache" / "entry-points.json"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mpcheck")) / "entry-points.json"


def _scan() -> list[PluginEntry]:
    from importlib.metadata import entry_points

    found = []
    for ep in entry_points(group=GROUP):
        dist = ep.dist
        found.append(PluginEntry(ep.name, ep.value, dist.name if dist else "?", dist.version if dist else "?"))
    return found


def plugin_entries() -> list[PluginEntry]:
    """Every entry point of the group, from the cache when nothing was installed since."""
    if os.environ.get("MPCHECK_NO_PLUGIN_CACHE", "") not in ("", "0"):
        return _scan()
    key, path = _fingerprint(), _cache_file()
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return [PluginEntry(**row) for row in cached["entries"]]
    except (OSError, ValueError, TypeError, KeyError):
        pass  # no cache yet, or an unreadable one: scan and write a new one
    entries = _scan()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"key": key, "entries": [e.__dict__ for e in entries]}),
                             encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only home only costs the scan next time
    return entries


def load(entry: PluginEntry) -> object:
    """Import the object an entry point names (``module`` or ``module:attribute``)."""
    import importlib

    module_name, _, attribute = entry.value.partition(":")
    obj = importlib.import_module(module_name.strip())
    for part in filter(None, attribute.strip().split(".")):
        obj = getattr(obj, part)
    return obj
