"""The hooks a plugin may implement. Each receives a callback and calls it once per item."""

import pluggy

hookspec = pluggy.HookspecMarker("mpcheck")
#: the marker for a plugin's hook functions (plugins import it from ``mpcheck.api``)
hookimpl = pluggy.HookimplMarker("mpcheck")


@hookspec
def register_topics(register):
    """Register topics: ``register(Topic(...))``."""


@hookspec
def register_generators(register):
    """Register problem generators and concept questions: ``register(Generator(...))``."""


@hookspec
def register_derivations(register):
    """Register machine-checked derivations: ``register(Derivation(...))``."""


@hookspec
def register_references(register):
    """Register reference implementations: ``register(Reference(...))``."""


@hookspec
def register_commands(app):
    """Add commands to the Typer ``app``."""
