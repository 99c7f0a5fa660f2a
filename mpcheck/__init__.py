"""mpcheck: exam practice and a trustworthy answer checker for Machine Perception."""

__version__ = "0.1.0"
