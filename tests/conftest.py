"""Test-wide setup: progress goes to a temporary folder, never to the user's data dir."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("MPCHECK_HOME", str(tmp_path / "mpcheck-home"))
    monkeypatch.delenv("MPCHECK_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("MPCHECK_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("MPCHECK_STRICT_PLUGINS", raising=False)
