"""Test-wide setup: progress goes to a temporary folder, never to the user's data dir; ``site``
for tests that install throwaway plugins."""

import os

# The reference tests run thousands of tiny tensor operations, where PyTorch's thread pool costs
# far more than it saves (and on a busy machine, orders of magnitude more): one thread each.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402

from mpcheck.host import plugins
from plugin_fixtures import forget_modules


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("MPCHECK_HOME", str(tmp_path / "mpcheck-home"))
    monkeypatch.delenv("MPCHECK_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("MPCHECK_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("MPCHECK_STRICT_PLUGINS", raising=False)


@pytest.fixture()
def site(tmp_path, monkeypatch):
    """A folder on sys.path for throwaway distributions; plugins reload around each test."""
    root = tmp_path / "site"
    # made up front: Python creating it on the first import would change the folder's time,
    # which the entry-point cache rightly takes as "something was installed here"
    (root / "__pycache__").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(root))
    plugins.reset()
    yield root
    plugins.reset()
    forget_modules(root)
