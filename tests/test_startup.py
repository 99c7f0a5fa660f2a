"""Start-up discipline, proved in fresh interpreters: listings import neither numpy, sympy nor
torch (nor Rich, whose console alone would take most of their time budget), and a numeric check
imports numpy but not sympy or torch."""

from __future__ import annotations

import pytest

from cli_helpers import run_cli_modules


def heavy_imports(*args: str) -> list[str]:
    _, modules = run_cli_modules(*args)
    return sorted(m for m in ("numpy", "sympy", "torch", "rich") if m in modules)


@pytest.mark.parametrize("args", [["topics"], ["topics", "--json"], ["problems"], ["problems", "rnn"],
                                  ["plugins"], ["derive", "--list"]])
def test_listings_import_no_heavy_library(args):
    assert heavy_imports(*args) == []
    assert heavy_imports(*args) == []  # served from the catalogue written by the first run


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["quiz", "--help"]])
def test_help_imports_only_rich_for_its_layout(args):
    assert heavy_imports(*args) == ["rich"]


def test_numeric_check_imports_numpy_only():
    args = ("check", "cnn.conv-output-size", "--seed", "3", "--answer", "1x2x3")
    assert heavy_imports(*args) == ["numpy"]
    assert heavy_imports(*args) == ["numpy"]  # from the generator's module, found in the catalogue


@pytest.mark.parametrize("args", [["--help"], ["topics"], ["problems", "cnn"], ["derive", "--list"],
                                  ["plugins"], ["export", "--help"]])
def test_help_and_listings_do_not_load_the_markup_renderer(args):
    _, modules = run_cli_modules(*args)
    loaded = sorted(m for m in modules if m.startswith(("mpcheck.markup", "unicodeit", "pylatexenc")))
    assert loaded == []


def test_a_shown_problem_loads_the_renderer_but_not_sympy():
    _, modules = run_cli_modules("show", "cnn.conv-output-size", "--seed", "3")
    assert "mpcheck.markup.terminal" in modules and "sympy" not in modules and "torch" not in modules
