"""The plugin layer: built-ins and third-party plugins load through the same entry-point group;
a broken plugin is named and skipped; strict mode fails; the environment switches work."""

from __future__ import annotations

import io

import pytest

from mpcheck.host import plugins
from mpcheck.errors import PluginError
from mpcheck.problem import Problem
from plugin_fixtures import install_example, plugin_module

BUILTIN_TOPICS = {"cnn", "rnn", "ml", "math", "vae", "gan", "implicit", "diffusion"}

GOOD_TOPIC = """
from mpcheck.api import Topic, hookimpl

@hookimpl
def register_topics(register):
    register(Topic("extra", "Extra topic"))
"""


def info(name: str) -> plugins.PluginInfo:
    return next(i for i in plugins.plugin_infos() if i.name == name)


def test_builtin_topics_load_through_entry_points(site):
    reg = plugins.registry()
    assert BUILTIN_TOPICS <= set(reg.topics)
    for name in BUILTIN_TOPICS:
        assert info(name).builtin and info(name).status == "ok"
        assert info(name).distribution == "mpcheck"


def test_example_plugin_adds_a_topic_and_its_problems_are_checked(site):
    install_example(site)
    reg = plugins.registry()
    assert "norms" in reg.topics and not info("norms").builtin
    assert info("norms").version == "0.1.0"
    gen = reg.generators["norms.l2"]
    problem = Problem.from_params(gen, {"x": [3, -4]})
    assert problem.check("5").correct
    wrong = problem.check("7")
    assert not wrong.correct and wrong.mistake == "l1-instead-of-l2"
    assert problem.check("25").mistake == "forgot-square-root"
    questions = [g for g in reg.generators.values() if g.topic == "norms" and g.origin == "question"]
    assert len(questions) == 2
    assert info("norms").registered == {"topics": 1, "generators": 1, "questions": 2}


def test_plugin_commands_are_added(site):
    import typer

    install_example(site)
    app = typer.Typer()
    plugins.add_commands(app)
    assert [c.name for c in app.registered_commands] == ["norms-table"]
    assert info("norms").registered["commands"] == 1


def test_plugin_that_fails_to_import_is_named_and_skipped(site):
    plugin_module(site, "broken_import", "raise ImportError('needs libfoo')\n", dist="broken-dist")
    reg = plugins.registry()
    broken = info("broken_import")
    assert broken.status == "failed" and "ImportError: needs libfoo" in broken.error
    assert BUILTIN_TOPICS <= set(reg.topics)
    out = io.StringIO()
    plugins.report(out)
    line = out.getvalue()
    assert "'broken_import' (broken-dist 1.0) was skipped" in line
    assert "MPCHECK_DISABLE_PLUGINS=broken_import" in line and "pip uninstall broken-dist" in line


def test_plugin_that_raises_in_a_hook_is_skipped_whole(site):
    plugin_module(site, "raises_in_hook", GOOD_TOPIC + """
@hookimpl
def register_generators(register):
    raise RuntimeError("boom")
""")
    reg = plugins.registry()
    assert info("raises_in_hook").status == "failed"
    assert "register_generators: RuntimeError: boom" in info("raises_in_hook").error
    assert "extra" not in reg.topics  # nothing of a failed plugin stays
    assert "cnn.conv-output-size" in reg.generators


def test_strict_mode_turns_a_failure_into_an_error(site, monkeypatch):
    plugin_module(site, "broken_import", "raise ImportError('needs libfoo')\n")
    monkeypatch.setenv("MPCHECK_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="broken_import"):
        plugins.registry()


def test_unknown_hook_is_reported(site):
    plugin_module(site, "typo_hook", """
from mpcheck.api import hookimpl

@hookimpl
def register_topic(register):
    pass
""")
    plugins.registry()
    warnings = info("typo_hook").warnings
    assert len(warnings) == 1 and "unknown hook 'register_topic'" in warnings[0]


def test_duplicate_ids_and_unknown_topics_fail_the_later_plugin(site):
    plugin_module(site, "dup_plugin", """
from mpcheck.api import hookimpl
from mpcheck_cnn.sizes import CONV_OUTPUT_SIZE

@hookimpl
def register_generators(register):
    register(CONV_OUTPUT_SIZE)
""")
    plugin_module(site, "orphan_plugin", """
from dataclasses import replace
from mpcheck.api import hookimpl
from mpcheck_cnn.sizes import CONV_OUTPUT_SIZE

@hookimpl
def register_generators(register):
    register(replace(CONV_OUTPUT_SIZE, id="nowhere.size"))
""")
    reg = plugins.registry()
    assert "already registered by plugin 'cnn'" in info("dup_plugin").error
    assert "unknown topic 'nowhere'" in info("orphan_plugin").error
    assert reg.generators["cnn.conv-output-size"].id == "cnn.conv-output-size"
    assert "nowhere.size" not in reg.generators


def test_registering_the_wrong_type_fails_the_plugin(site):
    plugin_module(site, "wrong_type", """
from mpcheck.api import hookimpl

@hookimpl
def register_topics(register):
    register("not a topic")
""")
    plugins.registry()
    assert "expected Topic" in info("wrong_type").error


def test_load_plugins_variable_selects_third_party_distributions(site, monkeypatch):
    install_example(site)
    plugin_module(site, "other_plugin", GOOD_TOPIC)
    monkeypatch.setenv("MPCHECK_LOAD_PLUGINS", "")
    reg = plugins.registry()
    assert "norms" not in reg.topics and "extra" not in reg.topics
    assert BUILTIN_TOPICS <= set(reg.topics)
    assert info("norms").status == "disabled"

    plugins.reset()
    monkeypatch.setenv("MPCHECK_LOAD_PLUGINS", "mpcheck-norms")
    reg = plugins.registry()
    assert "norms" in reg.topics and "extra" not in reg.topics


def test_disable_plugins_variable_skips_by_name(site, monkeypatch):
    monkeypatch.setenv("MPCHECK_DISABLE_PLUGINS", "cnn")
    reg = plugins.registry()
    assert "cnn" not in reg.topics and "rnn" in reg.topics
    assert info("cnn").status == "disabled"


def test_entry_point_cache_sees_a_newly_installed_plugin(site):
    from mpcheck.host import entrypoints

    before = {e.name for e in entrypoints.plugin_entries()}  # writes the cache
    assert entrypoints._cache_file().is_file() and "extra_plugin" not in before
    assert {e.name for e in entrypoints.plugin_entries()} == before  # served from the cache
    plugin_module(site, "extra_plugin", GOOD_TOPIC)  # "installing" touches the folder
    assert "extra_plugin" in {e.name for e in entrypoints.plugin_entries()}


def test_entry_point_cache_survives_a_corrupt_file(site):
    from mpcheck.host import entrypoints

    path = entrypoints._cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ not json")
    assert "cnn" in {e.name for e in entrypoints.plugin_entries()}
    assert path.read_text().startswith("{\"key\"")


def test_help_imports_no_plugin_once_their_hooks_are_known(site):
    import os

    from mpcheck.host import entrypoints

    assert entrypoints.may_add_commands()  # nothing known yet: plugins must be asked
    plugins.manager()
    assert not entrypoints.may_add_commands()  # built-ins add no commands
    install_example(site)  # a distribution with register_commands appears
    plugins.reset()
    assert entrypoints.may_add_commands()
    plugins.manager()
    assert entrypoints.may_add_commands()  # and it stays known that it adds commands
    plugins.reset()
    os.environ["MPCHECK_DISABLE_PLUGINS"] = "norms"
    try:
        assert not entrypoints.may_add_commands()
    finally:
        del os.environ["MPCHECK_DISABLE_PLUGINS"]


def test_editing_a_plugin_module_invalidates_its_remembered_hooks(site):
    import os
    import time

    from mpcheck.host import entrypoints

    plugin_module(site, "quiet_plugin", GOOD_TOPIC)
    plugins.manager()
    assert not entrypoints.may_add_commands()
    module = site / "quiet_plugin.py"
    module.write_text(module.read_text() + "\n@hookimpl\ndef register_commands(app):\n    pass\n")
    later = time.time() + 5
    os.utime(module, (later, later))
    assert entrypoints.may_add_commands()


def test_cli_names_a_broken_plugin_and_strict_mode_exits_2(site):
    import os

    from cli_helpers import run_cli

    plugin_module(site, "broken_import", "raise ImportError('needs libfoo')\n", dist="broken-dist")
    env = {"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    done = run_cli("topics", env=env)
    assert done.returncode == 0 and "cnn" in done.stdout and "Traceback" not in done.stderr
    assert "plugin 'broken_import' (broken-dist 1.0) was skipped: import: ImportError: needs libfoo" in done.stderr

    strict = run_cli("topics", env={**env, "MPCHECK_STRICT_PLUGINS": "1"})
    assert strict.returncode == 2 and "Traceback" not in strict.stderr
    assert "broken_import" in strict.stderr and "MPCHECK_STRICT_PLUGINS" in strict.stderr
