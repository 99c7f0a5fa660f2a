"""Finding plugins in the ``mpcheck`` entry-point group, with a small cache for start-up.

Reading entry points needs ``importlib.metadata``, whose import alone costs more than the rest of
``mpcheck --help``. The scan's result is therefore kept in a JSON file keyed by the folders on
``sys.path`` and their modification times: installing, upgrading or removing a distribution adds
or removes a ``*.dist-info`` folder, which changes its parent's time, so the key changes and the
scan runs again. ``MPCHECK_NO_PLUGIN_CACHE=1`` always scans.

The cache also remembers which hooks each plugin implements, stamped with the time of the
plugin's module file, so that ``mpcheck --help`` imports no plugin when none adds commands.

Which plugins are enabled is decided here too (``MPCHECK_LOAD_PLUGINS``,
``MPCHECK_DISABLE_PLUGINS``), so that this module and the loader agree.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

GROUP = "mpcheck"
CACHE_VERSION = 2
BUILTIN_DISTRIBUTION = "mpcheck"


@dataclass(frozen=True)
class PluginEntry:
    name: str
    value: str
    distribution: str
    version: str

    @property
    def builtin(self) -> bool:
        return self.distribution == BUILTIN_DISTRIBUTION

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()


def _fingerprint() -> str:
    parts = [sys.version, str(CACHE_VERSION)]
    for entry in sys.path:
        try:
            parts.append(f"{entry}\0{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}\0-")
    return "\n".join(parts)


def cache_folder() -> Path:
    """Where mpcheck keeps caches: ``$MPCHECK_HOME/cache``, else the platform's cache folder."""
    home = os.environ.get("MPCHECK_HOME")
    if home:
        return Path(home) / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mpcheck"))


def _cache_file() -> Path:
    # one file per environment, so that two virtual environments do not keep replacing each other's
    return cache_folder() / f"entry-points-{zlib.crc32(sys.prefix.encode()):08x}.json"


def _scan() -> list[PluginEntry]:
    from importlib.metadata import entry_points

    found = []
    for ep in entry_points(group=GROUP):
        dist = ep.dist
        found.append(PluginEntry(ep.name, ep.value, dist.name if dist else "?", dist.version if dist else "?"))
    return found


_document: dict | None = None  # the cache as read or written by this process


def write_json(path: Path, document: dict) -> None:
    """Replace ``path`` with ``document`` at once (a reader never sees half a file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(document), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only home only costs the work again next time


def _write(document: dict) -> None:
    write_json(_cache_file(), document)


def plugin_entries() -> list[PluginEntry]:
    """Every entry point of the group, from the cache when nothing was installed since."""
    global _document
    if os.environ.get("MPCHECK_NO_PLUGIN_CACHE", "") not in ("", "0"):
        return _scan()
    key = _fingerprint()
    if _document is None or _document.get("key") != key:
        try:
            cached = json.loads(_cache_file().read_text(encoding="utf-8"))
            _document = cached if cached.get("key") == key else None
        except (OSError, ValueError, AttributeError):
            _document = None  # no cache yet, or an unreadable one: scan and write a new one
    if _document is not None:
        try:
            return [PluginEntry(**row) for row in _document["entries"]]
        except (KeyError, TypeError):
            pass
    _document = {"key": key, "entries": [e.__dict__ for e in _scan()], "hooks": {}}
    _write(_document)
    return [PluginEntry(**row) for row in _document["entries"]]


def forget() -> None:
    """Drop what this process read from the cache (tests switch environments)."""
    global _document
    _document = None


def _names(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def is_enabled(entry: PluginEntry) -> bool:
    """False for a plugin named in MPCHECK_DISABLE_PLUGINS, or a third-party one left out of
    MPCHECK_LOAD_PLUGINS (built-in topics always load unless disabled by name)."""
    only, disabled = _names("MPCHECK_LOAD_PLUGINS"), _names("MPCHECK_DISABLE_PLUGINS") or set()
    if entry.name in disabled or entry.distribution in disabled:
        return False
    return entry.builtin or only is None or entry.distribution in only or entry.name in only


def _stamp(entry: PluginEntry) -> int | None:
    """Modification time of the plugin's module file (found without importing it)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(entry.module)
        return os.stat(spec.origin).st_mtime_ns if spec and spec.origin else None
    except (ImportError, ValueError, OSError):
        return None


def remember_hooks(hooks: dict[str, list[str]]) -> None:
    """Record which hooks each loaded plugin implements (``{plugin name: [hook, ...]}``)."""
    if _document is None or not hooks:
        return
    by_name = {e["name"]: PluginEntry(**e) for e in _document["entries"]}
    known = _document.setdefault("hooks", {})
    fresh = {name: {"stamp": _stamp(by_name[name]), "hooks": sorted(names)}
             for name, names in hooks.items() if name in by_name}
    if any(known.get(name) != record for name, record in fresh.items()):
        known.update(fresh)
        _write(_document)


def may_add_commands() -> bool:
    """Whether some enabled plugin implements ``register_commands`` (True when not known)."""
    entries = plugin_entries()
    known = (_document or {}).get("hooks", {})
    for entry in entries:
        if not is_enabled(entry):
            continue
        record = known.get(entry.name)
        if record is None or record["stamp"] is None or record["stamp"] != _stamp(entry):
            return True
        if "register_commands" in record["hooks"]:
            return True
    return False


def load_object(spec: str) -> object:
    """Import what ``"package.module"`` or ``"package.module:attribute.path"`` names (the form of
    entry points, and of derivations' and references' lazy targets)."""
    import importlib

    module_name, _, attribute = spec.partition(":")
    obj = importlib.import_module(module_name.strip())
    for part in filter(None, attribute.strip().split(".")):
        obj = getattr(obj, part)
    return obj


def load(entry: PluginEntry) -> object:
    """Import the plugin an entry point names."""
    return load_object(entry.value)
