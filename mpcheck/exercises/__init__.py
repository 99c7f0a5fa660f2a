"""Exercises: write a reference implementation yourself and have it checked against the oracle."""
