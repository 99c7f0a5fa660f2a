"""``python -m mpcheck`` runs the CLI."""

from mpcheck.cli import main

main()
