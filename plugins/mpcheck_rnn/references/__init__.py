"""Reference implementations of the RNN topic, each checked against a PyTorch oracle.

These modules import torch at their top; they are loaded only by ``mpcheck ref`` and the tests.
"""
