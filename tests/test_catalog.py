"""The catalogue of what the plugins registered: listings and a numeric check are served from it
without importing plugins, and it is never trusted once something it was built from changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mpcheck.host import catalog, entrypoints, plugins
from mpcheck.cli import lookup
from cli_helpers import run_cli_modules
from plugin_fixtures import install_example, plugin_module

def run(*args: str, **env: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """The CLI in a fresh interpreter, and the plugin-related modules it imported."""
    done, modules = run_cli_modules(*args, env=env)
    return done, sorted(m for m in modules if m.startswith(("mpcheck_", "mpcheck.host.plugins", "tomllib")))


def touch_later(path: Path) -> None:
    later = time.time() + 5
    os.utime(path, (later, later))


@pytest.mark.parametrize("args", [["topics"], ["topics", "--json"], ["problems", "cnn"], ["plugins"]])
def test_listings_import_no_plugin_once_the_catalogue_is_written(args):
    first, loaded_first = run(*args)
    second, loaded_second = run(*args)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert "mpcheck_cnn" in loaded_first  # the first run loads everything and writes the catalogue
    assert loaded_second == []
    assert second.stdout == first.stdout


def test_a_numeric_check_imports_its_generator_module_alone():
    args = ["check", "cnn.conv-output-size", "--seed", "5", "--answer", "1x2x3", "--json"]
    cold, _ = run(*args, MPCHECK_NO_PLUGIN_CACHE="1")
    run(*args)  # writes the catalogue
    warm, loaded = run(*args)
    assert warm.returncode == cold.returncode == 1
    assert json.loads(warm.stdout) == json.loads(cold.stdout)
    assert "mpcheck_cnn.sizes" in loaded
    assert not [m for m in loaded if m.startswith(("mpcheck_ml", "mpcheck_rnn", "mpcheck_cnn.forward"))]
    assert "mpcheck.host.plugins" not in loaded and "tomllib" not in loaded


def test_every_generator_home_is_the_registered_object():
    reg = plugins.registry()
    homes = plugins.catalogue()["homes"]
    computed = [g for g in reg.generators.values() if g.origin == "generator"]
    assert len(homes) == len(computed)  # the built-ins define every generator at module level
    for generator_id, home in homes.items():
        assert entrypoints.load_object(home) is reg.generators[generator_id]
        assert catalog.generator(generator_id) is reg.generators[generator_id]


def test_the_catalogue_is_read_back_from_disk(site):
    written = plugins.catalogue()
    plugins.reset()
    assert catalog.known() == json.loads(json.dumps(written))
    assert plugins._manager is None  # nothing was loaded to get it


def test_editing_a_question_bank_refreshes_the_listing(site):
    install_example(site)
    before = {r["topic"]: r["questions"] for r in plugins.catalogue()["topics"]}["norms"]
    bank = site / "mpcheck_norms" / "questions.toml"
    extra = bank.read_text().split("[[question]]")[1].replace('id = "norms.q-', 'id = "norms.q-copy-')
    bank.write_text(bank.read_text() + "\n[[question]]" + extra)
    touch_later(bank)
    plugins.reset()
    assert catalog.known() is None  # stale: the bank changed
    after = {r["topic"]: r["questions"] for r in plugins.catalogue()["topics"]}["norms"]
    assert after == before + 1


def test_editing_a_plugin_module_refreshes_the_listing(site):
    source = """
    from mpcheck.api import Topic, hookimpl

    @hookimpl
    def register_topics(register):
        register(Topic("extra", "{title}"))
    """
    plugin_module(site, "extra_plugin", source.format(title="Old title"))
    assert {r["topic"]: r["title"] for r in plugins.catalogue()["topics"]}["extra"] == "Old title"
    plugin_module_path = site / "extra_plugin.py"
    plugin_module_path.write_text(plugin_module_path.read_text().replace("Old title", "New title"))
    touch_later(plugin_module_path)
    plugins.reset()
    assert catalog.known() is None  # stale: the module changed
    del sys.modules["extra_plugin"]  # as in the next run, a new process
    assert {r["topic"]: r["title"] for r in plugins.catalogue()["topics"]}["extra"] == "New title"


def test_the_plugin_variables_are_part_of_the_key(site, monkeypatch):
    assert "cnn" in {r["topic"] for r in plugins.catalogue()["topics"]}
    plugins.reset()
    monkeypatch.setenv("MPCHECK_DISABLE_PLUGINS", "cnn")
    assert catalog.known() is None
    assert "cnn" not in {r["topic"] for r in plugins.catalogue()["topics"]}


def test_a_failing_plugin_is_never_remembered_so_it_is_reported_every_time(site):
    plugin_module(site, "broken_hook", """
    from mpcheck.api import hookimpl

    @hookimpl
    def register_topics(register):
        raise RuntimeError("boom")
    """)
    env = {"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    for _ in range(2):
        done, _ = run("topics", **env)
        assert done.returncode == 0 and "cnn" in done.stdout
        assert "plugin 'broken_hook'" in done.stderr and "boom" in done.stderr


def test_another_import_path_is_another_catalogue(site, tmp_path, monkeypatch):
    plugins.catalogue()
    plugins.reset()
    assert catalog.known() is not None
    plugins.reset()
    monkeypatch.syspath_prepend(str(tmp_path / "elsewhere"))  # e.g. `python -m` in another folder
    assert catalog.known() is None


def test_a_corrupt_catalogue_is_rebuilt(site):
    plugins.catalogue()
    path = catalog._file()
    path.write_text("{ not json")
    plugins.reset()
    assert catalog.known() is None
    assert "cnn" in {r["topic"] for r in plugins.catalogue()["topics"]}
    assert json.loads(path.read_text())["topics"]


def test_a_generator_that_moved_is_found_through_its_plugin(site):
    plugins.catalogue()
    plugins.reset()
    document = catalog.known()
    document["homes"]["cnn.conv-output-size"] = "mpcheck_cnn.sizes:NO_SUCH_NAME"
    assert catalog.generator("cnn.conv-output-size") is None
    assert lookup.generator("cnn.conv-output-size").id == "cnn.conv-output-size"
    assert plugins._loaded == frozenset({"cnn"})  # its own plugin only, named by the catalogue


def test_a_registry_loaded_before_is_catalogued_without_loading_again(site):
    reg = plugins.registry()
    catalog._file().unlink()
    catalog.forget()
    assert {r["topic"] for r in plugins.catalogue()["topics"]} == set(reg.topics)
    assert plugins.registry() is reg and catalog._file().is_file()


def test_the_cache_switch_turns_the_catalogue_off(site, monkeypatch):
    monkeypatch.setenv("MPCHECK_NO_PLUGIN_CACHE", "1")
    assert plugins.catalogue()["topics"]
    assert not catalog._file().exists()
