"""The ref command: JSON contract, errors, and the annotated source."""

from __future__ import annotations

import inspect
import json

from cli_helpers import assert_clean_error, run_cli
from mpcheck_cnn.references import conv

REF_KEYS = {"topic", "name", "oracle", "device", "max_abs_error", "passed", "ms", "builtin_ms"}


def test_ref_json_contract_for_a_topic():
    done = run_cli("ref", "rnn", "--device", "cpu", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {r["name"] for r in rows} == {"rnn-bptt", "lstm-cell", "clip-grad-norm"}
    for row in rows:
        assert REF_KEYS <= set(row)
        assert row["topic"] == "rnn" and row["device"] == "cpu" and row["passed"] is True
        assert row["max_abs_error"] <= row["tolerance"] and row["ms"] > 0


def test_ref_one_implementation_by_name():
    rows = json.loads(run_cli("ref", "cnn", "conv2d", "--device", "cpu", "--json").stdout)
    assert [r["name"] for r in rows] == ["conv2d"] and rows[0]["builtin_ms"] is not None


def test_ref_source_prints_the_whole_module_uncropped_when_piped():
    done = run_cli("ref", "cnn", "conv2d", "--source")
    assert done.returncode == 0
    assert inspect.getsource(conv) in done.stdout


def test_ref_errors_are_one_line():
    assert_clean_error(run_cli("ref", "cnn", "nope"), "no reference 'nope' in cnn")
    assert_clean_error(run_cli("ref", "cnnn"), "unknown topic 'cnnn'")
    assert_clean_error(run_cli("ref", "cnn", "--device", "tpu"), "unknown device 'tpu'")
