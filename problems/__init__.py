"""Concept-question banks of the built-in topics, one TOML file per topic (see mpcheck.questions)."""

from importlib.resources import files


def bank(topic: str):
    """The bank of ``topic`` as a Traversable (it may not exist)."""
    return files(__name__) / f"{topic}.toml"
