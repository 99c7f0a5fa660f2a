"""What the plugins registered: the registry the loader fills, and each plugin's record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mpcheck.api import Derivation, Generator, Reference, Topic


@dataclass
class PluginInfo:
    name: str
    distribution: str
    version: str
    builtin: bool
    status: str = "ok"  # ok | failed | disabled
    error: str | None = None
    registered: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def how_to_disable(self) -> str:
        if self.builtin:
            return f"set MPCHECK_DISABLE_PLUGINS={self.name}"
        return f"set MPCHECK_DISABLE_PLUGINS={self.name}, or `pip uninstall {self.distribution}`"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "distribution": self.distribution, "version": self.version,
                "builtin": self.builtin, "status": self.status, "error": self.error,
                "registered": self.registered, "warnings": self.warnings}


@dataclass
class Registry:
    topics: dict[str, Topic] = field(default_factory=dict)
    generators: dict[str, Generator] = field(default_factory=dict)
    derivations: dict[str, Derivation] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    #: item key ("generator:cnn.param-count", ...) -> plugin name, for error messages
    owners: dict[str, str] = field(default_factory=dict)
