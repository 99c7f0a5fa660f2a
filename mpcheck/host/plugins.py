"""Loading plugins from the ``mpcheck`` entry-point group, built-in topics included.

Two stages, both on demand and at most once per process:
- ``manager()`` imports each plugin module and registers it with pluggy (cheap: plugin modules
  import their generators inside the hook functions);
- ``registry()`` calls the ``register_*`` hooks and collects topics, generators, derivations and
  references, one plugin at a time, so a plugin that fails is named and skipped alone.

Both take ``only``, a set of plugin names, to load just those (``check`` loads the plugin that owns
the problem, found in the catalogue). A full load refreshes the catalogue (``mpcheck.host.catalog``).

Environment: ``MPCHECK_LOAD_PLUGINS=a,b`` loads only those third-party distributions (empty:
none); ``MPCHECK_DISABLE_PLUGINS=a,b`` skips plugins by name or distribution;
``MPCHECK_STRICT_PLUGINS=1`` turns any plugin failure into an error.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import pluggy

from mpcheck.host import catalog, entrypoints, hookspecs
from mpcheck.host.registry import PluginInfo, Registry
from mpcheck.api import Derivation, Generator, Reference, Topic
from mpcheck.errors import PluginError

GROUP = entrypoints.GROUP


_manager: pluggy.PluginManager | None = None
_infos: list[PluginInfo] = []
_registry: Registry | None = None
_loaded: frozenset[str] | None = None  # the plugins held by _manager; None: every enabled one


def _covers(held: frozenset[str] | None, wanted: frozenset[str] | None) -> bool:
    return held is None or (wanted is not None and wanted <= held)


def _strict() -> bool:
    return os.environ.get("MPCHECK_STRICT_PLUGINS", "") not in ("", "0")


def _fail(info: PluginInfo, exc: BaseException, stage: str) -> None:
    info.status = "failed"
    info.error = f"{stage}: {type(exc).__name__}: {exc}"
    if _strict():
        raise PluginError(info.name, info.error) from exc


def manager(only: frozenset[str] | None = None) -> pluggy.PluginManager:
    """The plugin manager with every enabled plugin (or the ones named) imported and registered."""
    global _manager, _registry, _loaded
    if _manager is not None and _covers(_loaded, only):
        return _manager
    _manager, _registry = None, None
    _infos.clear()
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    seen: set[str] = set()
    hooks: dict[str, list[str]] = {}
    for ep in sorted(entrypoints.plugin_entries(), key=lambda e: e.name):
        if only is not None and ep.name not in only:
            continue
        info = PluginInfo(ep.name, ep.distribution, ep.version, builtin=ep.builtin)
        if ep.name in seen:  # the same plugin seen twice on sys.path (e.g. editable + installed)
            continue
        seen.add(ep.name)
        _infos.append(info)
        if not entrypoints.is_enabled(ep):
            info.status = "disabled"
            continue
        try:
            plugin = entrypoints.load(ep)
            pm.register(plugin, name=ep.name)
        except Exception as exc:  # a broken plugin must not take the others down
            _fail(info, exc, "import")
            continue
        hooks[ep.name] = [caller.name for caller in pm.get_hookcallers(plugin) or []]
        info.warnings += _unknown_hooks(pm, ep.name)
        if info.warnings and _strict():
            raise PluginError(info.name, "; ".join(info.warnings))
    entrypoints.remember_hooks(hooks)
    _manager, _loaded = pm, only
    return pm


def _unknown_hooks(pm: pluggy.PluginManager, name: str) -> list[str]:
    plugin = pm.get_plugin(name)
    return [f"implements unknown hook {caller.name!r} (known: {', '.join(_hook_names())})"
            for caller in pm.get_hookcallers(plugin) or [] if caller.spec is None]


def _hook_names() -> list[str]:
    return [n for n in vars(hookspecs) if n.startswith("register_")]


def plugin_infos() -> list[PluginInfo]:
    manager()
    return _infos


def _info(name: str) -> PluginInfo:
    return next(i for i in _infos if i.name == name)


def _call_per_plugin(pm: pluggy.PluginManager, hook_name: str, argument: str, value_for: Any) -> None:
    """Call one hook plugin by plugin; ``value_for(info)`` gives the argument for that plugin."""
    caller = getattr(pm.hook, hook_name)
    for impl in reversed(caller.get_hookimpls()):  # pluggy keeps them last-registered-first
        info = _info(impl.plugin_name)
        if info.status != "ok":
            continue
        try:
            impl.function(**{arg: value_for(info) for arg in impl.argnames if arg == argument})
        except Exception as exc:
            _fail(info, exc, hook_name)


def add_commands(app: Any) -> None:
    """Let plugins add commands to the Typer app."""
    def counting_app(info: PluginInfo) -> Any:
        info.registered["commands"] = info.registered.get("commands", 0) + 1
        return app

    _call_per_plugin(manager(), "register_commands", "app", counting_app)


_KINDS = {"topic": Topic, "generator": Generator, "derivation": Derivation, "reference": Reference}
_HOOKS = {"topic": "register_topics", "generator": "register_generators",
          "derivation": "register_derivations", "reference": "register_references"}


def _key(kind: str, item: Any) -> str:
    if kind == "topic":
        return item.name
    if kind == "generator":
        return item.id
    if kind == "derivation":
        return item.name
    return f"{item.topic}/{item.name}"


def registry(only: frozenset[str] | None = None) -> Registry:
    """Everything the enabled plugins (or the ones named) registered, collected once."""
    global _registry
    if _registry is not None and _covers(_loaded, only):
        return _registry
    pm = manager(only)
    staged: dict[str, list[tuple[str, Any]]] = {}
    for kind, hook in _HOOKS.items():
        def register_for(info: PluginInfo, kind: str = kind) -> Any:
            def register(item: Any) -> None:
                if not isinstance(item, _KINDS[kind]):
                    raise TypeError(f"{_HOOKS[kind]} got {type(item).__name__}, expected {_KINDS[kind].__name__}")
                staged.setdefault(info.name, []).append((kind, item))
            return register
        _call_per_plugin(pm, hook, "register", register_for)

    reg = Registry()
    ok = [i for i in _infos if i.status == "ok"]
    for info in ok:  # topics first: a plugin may add problems to another plugin's topic
        for kind, item in staged.get(info.name, []):
            if kind == "topic":
                _commit(reg, info, kind, item)
    for info in ok:
        for kind, item in staged.get(info.name, []):
            if kind != "topic" and info.status == "ok":
                _commit(reg, info, kind, item)
    for info in ok:
        if info.status != "ok":  # failed while committing: take back what it added
            for key in [k for k, owner in reg.owners.items() if owner == info.name]:
                kind, _, name = key.partition(":")
                getattr(reg, kind + "s").pop(name, None)
                del reg.owners[key]
    _registry = reg
    if _loaded is None:
        catalog.remember(reg, _infos)
    return reg


def _commit(reg: Registry, info: PluginInfo, kind: str, item: Any) -> None:
    key = _key(kind, item)
    table = getattr(reg, kind + "s")
    try:
        if key in table:
            raise ValueError(f"{kind} {key!r} is already registered by plugin {reg.owners[kind + ':' + key]!r}")
        topic = item.name if kind == "topic" else item.topic
        if kind != "topic" and topic not in reg.topics:
            raise ValueError(f"{kind} {key!r} belongs to unknown topic {topic!r}")
    except ValueError as exc:
        _fail(info, exc, _HOOKS[kind])
        return
    table[key] = item
    reg.owners[kind + ":" + key] = info.name
    label = "question" if kind == "generator" and item.origin == "question" else kind
    info.registered[label + "s"] = info.registered.get(label + "s", 0) + 1


_reported: set[str] = set()


def report(stream: Any = None) -> None:
    """One line on stderr per failed plugin or warning, saying how to disable it (once each)."""
    stream = stream or sys.stderr
    for info in _infos:
        if stream is sys.stderr:
            if info.name in _reported:
                continue
            _reported.add(info.name)
        if info.status == "failed":
            print(f"mpcheck: plugin {info.name!r} ({info.distribution} {info.version}) was skipped: "
                  f"{info.error}. To silence this, {info.how_to_disable()}.", file=stream)
        for warning in info.warnings:
            print(f"mpcheck: plugin {info.name!r} ({info.distribution} {info.version}) {warning}.",
                  file=stream)


def reset() -> None:
    """Forget loaded plugins (tests use this to load again under another environment)."""
    global _manager, _registry, _loaded
    _manager, _registry, _loaded = None, None, None
    _infos.clear()
    entrypoints.forget()
    catalog.forget()
    _reported.clear()


def catalogue() -> dict:
    """The catalogue: from disk when still valid, else from loading every plugin (which writes it)."""
    if catalog.known() is None:
        reg = registry()  # a full load calls catalog.remember()
        report()
        if catalog.known() is None:  # loaded earlier in this process: remember it now
            catalog.remember(reg, plugin_infos())
    document = catalog.known()
    assert document is not None
    return document
