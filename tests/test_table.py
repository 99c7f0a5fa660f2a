"""Plain listing tables: aligned columns, nothing cut or coloured through a pipe; on a terminal a
bold header and the flexible column cut to the width."""

from __future__ import annotations

import io
import os

import pytest

from mpcheck.cli.table import Cell, print_lines, print_table


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


ROWS = [["cnn", "Convolutional networks", "13"], ["implicit", "Neural implicit representations", "0"]]


@pytest.fixture(autouse=True)
def _no_colour_variables(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")


def test_columns_are_aligned_and_numbers_right_aligned():
    out = io.StringIO()
    print_table("Topics", ["topic", "title", "generators"], ROWS, right=("generators",), flexible="title",
                stream=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Topics"
    assert lines[1].split() == ["topic", "title", "generators"]
    assert set(lines[2].replace(" ", "")) == {"-"}
    assert lines[3].startswith("cnn       Convolutional networks")
    assert lines[3].endswith("        13") and lines[4].endswith("         0")
    assert len({line.index("Convolutional") for line in lines[3:4]} | {lines[4].index("Neural")}) == 1
    assert "\x1b[" not in out.getvalue()  # a pipe gets no colour


def test_a_pipe_never_cuts_a_long_title(monkeypatch):
    monkeypatch.setattr("shutil.get_terminal_size", lambda *a: os.terminal_size((20, 24)))
    out = io.StringIO()
    print_table("", ["topic", "title"], ROWS, flexible="title", stream=out)
    assert "Neural implicit representations" in out.getvalue()


def test_a_terminal_cuts_the_flexible_column_to_the_width(monkeypatch):
    monkeypatch.setattr("shutil.get_terminal_size", lambda *a: os.terminal_size((30, 24)))
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    print_table("", ["topic", "title", "generators"], ROWS, right=("generators",), flexible="title",
                stream=out)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 30 for line in lines), lines
    assert any(line.rstrip().endswith("…") or "…" in line for line in lines[2:])
    assert lines[3].rstrip().endswith("0")  # the other columns are whole


def test_colour_on_a_terminal_and_the_switches(monkeypatch):
    out = Terminal()
    print_table("T", ["status"], [[Cell("ok", "green")]], stream=out)
    assert "\x1b[1mstatus\x1b[0m" in out.getvalue() and "\x1b[32mok\x1b[0m" in out.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    print_table("T", ["status"], [[Cell("ok", "green")]], stream=out)
    assert "\x1b[" not in out.getvalue()
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    piped = io.StringIO()
    print_table("T", ["status"], [[Cell("ok", "green")]], stream=piped)
    assert "\x1b[32mok\x1b[0m" in piped.getvalue()


def test_lines_of_styled_pieces(monkeypatch):
    lines = [[], [("Next: ", ""), ("mpcheck quiz TOPIC", "bold"), (".", "")]]
    piped = io.StringIO()
    print_lines(lines, stream=piped)
    assert piped.getvalue() == "\nNext: mpcheck quiz TOPIC.\n"
    out = Terminal()
    print_lines(lines, stream=out)
    assert out.getvalue() == "\nNext: \x1b[1mmpcheck quiz TOPIC\x1b[0m.\n"
