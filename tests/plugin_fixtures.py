"""Installing throwaway plugin distributions for tests: a module plus a dist-info folder on
sys.path, which importlib.metadata discovers exactly like a pip-installed distribution."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "mpcheck-norms"


def write_distribution(root: Path, dist: str, entries: dict[str, str], version: str = "1.0") -> None:
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    lines = "".join(f"{name} = {module}\n" for name, module in entries.items())
    (info / "entry_points.txt").write_text("[mpcheck]\n" + lines)


def plugin_module(root: Path, module: str, source: str, dist: str | None = None,
                  entry: str | None = None) -> None:
    """A one-file plugin ``module`` in distribution ``dist`` (default: module with dashes)."""
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    write_distribution(root, dist or module.replace("_", "-"), {entry or module: module})


def install_example(root: Path) -> None:
    shutil.copytree(EXAMPLE / "mpcheck_norms", root / "mpcheck_norms")
    write_distribution(root, "mpcheck-norms", {"norms": "mpcheck_norms"}, version="0.1.0")


def forget_modules(root: Path) -> None:
    """Drop the modules imported from ``root``, so that a later test imports its own copies."""
    import sys

    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(root)):
            del sys.modules[name]
