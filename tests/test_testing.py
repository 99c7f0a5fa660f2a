"""The generator test kit: it passes sound generators and catches each kind of unsound one."""

from __future__ import annotations

import dataclasses
import re

import pytest

from mpcheck import params as P
from mpcheck.answers.kinds import Integer, Parts, Real, Vector
from mpcheck.api import Generator, Mistake
from mpcheck.errors import ParamsError
from mpcheck.host.plugins import registry
from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound, assert_kind_sound, assert_params_rejected, is_json_native


def _validate_sum(p: dict) -> None:
    P.check_keys(p, ("a", "b"))
    P.integer(p, "a", 1, 99)
    P.integer(p, "b", 1, 99)


SUM = Generator(
    id="test.sum", title="Add two numbers", answer_kind=Integer(),
    sample_params=lambda rng: {"a": int(rng.integers(1, 10)), "b": int(rng.integers(1, 10))},
    validate_params=_validate_sum,
    solve=lambda p: p["a"] + p["b"],
    prompt=lambda p: f"What is {p['a']} + {p['b']}?",
    solution=lambda p: f"{p['a']} + {p['b']} = {p['a'] + p['b']}",
    hints=lambda p: ["Count on from the larger number."],
    mistakes=(Mistake("multiplied", "You multiplied instead of adding.", lambda p: p["a"] * p["b"]),
              Mistake("subtracted", "You subtracted.", lambda p: p["a"] - p["b"] if p["a"] != p["b"] else None)),
)


def _failure(generator: Generator, **kwargs) -> str:
    with pytest.raises(AssertionError) as failed:
        assert_generator_sound(generator, **kwargs)
    return str(failed.value)


def test_a_sound_generator_passes():
    assert_generator_sound(SUM)


def test_the_exemplar_generator_passes():
    assert_generator_sound(registry().generators["cnn.conv-output-size"])


def test_numpy_values_in_params_are_caught_with_seed_and_params():
    broken = dataclasses.replace(SUM, sample_params=lambda rng: {"a": rng.integers(1, 10), "b": 2})
    message = _failure(broken)
    assert "test.sum (seed 0, params" in message and "not JSON-native" in message


def test_a_non_finite_answer_is_caught():
    broken = dataclasses.replace(SUM, answer_kind=Real(), solve=lambda p: float("inf"))
    assert "not finite" in _failure(broken)


def test_a_mistake_that_never_applies_is_caught():
    broken = dataclasses.replace(SUM, mistakes=SUM.mistakes + (Mistake("never", "n", lambda p: None),))
    assert re.search(r"never applied .*: never$", _failure(broken))


def test_a_mistake_equal_to_the_right_answer_fails_the_kit():
    broken = dataclasses.replace(SUM, mistakes=(Mistake("same", "s", lambda p: p["a"] + p["b"]),))
    message = _failure(broken)
    assert "can be told apart" in message and "same" in message


def test_two_mistakes_with_the_same_answer_fail_the_kit():
    twin = Mistake("multiplied-again", "m", lambda p: p["a"] * p["b"])
    doubled = dataclasses.replace(SUM, mistakes=(SUM.mistakes[0], twin))
    # neither can be named on any draw: the sampler can never separate them
    message = _failure(doubled)
    assert "can be told apart" in message and "multiplied-again" in message


def _half(p: dict) -> float:
    return (p["a"] + p["b"]) / 2


HALF = dataclasses.replace(
    SUM, id="test.half", answer_kind=Real(), solve=_half,
    # a slip that is right to 0.05 %: within the tolerance unless the sampler keeps it out
    mistakes=(Mistake("slightly-off", "s", lambda p: _half(p) * (1.0005 if p["a"] > 5 else 1.01)),))


def test_a_mistake_within_tolerance_is_redrawn_until_it_can_be_told_apart():
    assert_generator_sound(HALF, seeds=range(30))
    problem = Problem.from_seed(HALF, 0)
    assert problem.params["a"] <= 5 and problem.check(problem.answer_text).correct


def test_the_kit_fails_a_mistake_graded_right_when_nothing_redraws(monkeypatch):
    # the behaviour before redrawing: a sampled problem on which the trap is graded right
    monkeypatch.setattr(Problem, "blurred_mistakes", lambda self: [])
    message = _failure(HALF, seeds=range(30))
    assert "slightly-off" in message and "graded as the right one" in message


def test_a_crash_names_the_seed():
    broken = dataclasses.replace(SUM, solve=lambda p: p["a"] // (p["a"] - p["b"]) if p["a"] != p["b"] else 1 // 0)
    message = _failure(broken)
    assert re.search(r"test.sum \(seed \d+\): ZeroDivisionError", message)


class _Lenient(Integer):
    def compare(self, given, expected):  # accepts anything: the kit must notice
        return super().compare(expected, expected)


class _Strict(Integer):
    def equivalent_forms(self, expected):  # claims a wrong text is right: the kit must notice
        return [str(expected + 1)]


def test_a_kind_that_accepts_perturbations_is_caught():
    assert "was accepted" in _failure(dataclasses.replace(SUM, answer_kind=_Lenient(), mistakes=()))


def test_an_equivalent_form_that_is_rejected_is_caught():
    assert "was not accepted" in _failure(dataclasses.replace(SUM, answer_kind=_Strict(), mistakes=()))


def test_empty_texts_are_caught():
    assert "empty solution" in _failure(dataclasses.replace(SUM, solution=lambda p: " "))
    assert "empty hint" in _failure(dataclasses.replace(SUM, hints=lambda p: [""]))


def test_a_multi_part_mistake_may_name_one_part():
    kind = Parts({"s": Integer(), "v": Vector()})
    gen = dataclasses.replace(
        SUM, answer_kind=kind, solve=lambda p: {"s": p["a"] + p["b"], "v": [p["a"], p["b"]]},
        mistakes=(Mistake("swapped", "You swapped a and b.",
                          lambda p: {"v": [p["b"], p["a"]]} if p["a"] != p["b"] else None),))
    assert_generator_sound(gen, seeds=range(50))


def test_params_rejected():
    assert_params_rejected(SUM, [{}, {"a": 1}, {"a": 1, "b": 0}, {"a": "1", "b": 2}, {"a": 1, "b": 2, "c": 3}])
    with pytest.raises(AssertionError, match="accepted bad params"):
        assert_params_rejected(SUM, [{"a": 1, "b": 2}])
    sloppy = dataclasses.replace(SUM, validate_params=lambda p: p["a"])
    with pytest.raises(AssertionError, match="KeyError"):
        assert_params_rejected(sloppy, [{}])
    silent = dataclasses.replace(SUM, validate_params=lambda p: (_ for _ in ()).throw(ParamsError(" ")))
    with pytest.raises(AssertionError, match="without a message"):
        assert_params_rejected(silent, [{}])


def test_kind_kit_catches_a_lenient_kind():
    with pytest.raises(AssertionError, match="was accepted"):
        assert_kind_sound(_Lenient(), 3)
    assert_kind_sound(Integer(), 3)


def test_json_native_means_python_types_only():
    import numpy as np

    assert is_json_native({"a": [1, 2.5, "x", None, True]})
    assert not is_json_native({"a": np.int64(1)}) and not is_json_native([np.float64(0.5)])
    assert not is_json_native((1, 2)) and not is_json_native({1: 2})
