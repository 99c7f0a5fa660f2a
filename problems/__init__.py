"""Concept-question banks of the built-in topics, one TOML file per topic (see mpcheck.questions)."""

from pathlib import Path

# A plain path, not importlib.resources: mpcheck is installed as files, and importing
# importlib.resources costs more than a whole numeric check is allowed to spend on its plugin.
FOLDER = Path(__file__).parent


def bank(topic: str) -> Path:
    """The bank of ``topic`` (it may not exist)."""
    return FOLDER / f"{topic}.toml"
