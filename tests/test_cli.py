"""The CLI contracts of show and check: JSON fields, exit codes, batch mode, clear errors."""

from __future__ import annotations

import json

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_helpers import assert_clean_error, cli_json, run_cli
from mpcheck.host import plugins
from mpcheck.problem import Problem

CONV_PARAMS = {"in_channels": 3, "height": 32, "width": 30, "out_channels": 16, "kernel": 5,
               "padding": 1, "stride": 2, "dilation": 2}


def torch_conv_shape(p: dict) -> list[int]:
    layer = torch.nn.Conv2d(p["in_channels"], p["out_channels"], p["kernel"], stride=p["stride"],
                            padding=p["padding"], dilation=p["dilation"])
    with torch.no_grad():
        return list(layer(torch.zeros(1, p["in_channels"], p["height"], p["width"])).shape[1:])


def test_show_solution_json_matches_pytorch():
    out = cli_json("show", "cnn.conv-output-size", "--params", json.dumps(CONV_PARAMS), "--solution", "--json")
    assert out["answer"] == torch_conv_shape(CONV_PARAMS)
    for key in ("id", "seed", "params", "prompt", "answer_kind", "answer", "answer_text", "solution"):
        assert key in out
    assert out["seed"] is None and out["params"] == CONV_PARAMS and out["answer_kind"] == "shape"


@settings(max_examples=150, deadline=None)
@given(c_in=st.integers(1, 4), c_out=st.integers(1, 4), h=st.integers(1, 40), w=st.integers(1, 40),
       k=st.integers(1, 7), pad=st.integers(0, 4), stride=st.integers(1, 4), dil=st.integers(1, 3))
def test_conv_output_size_agrees_with_pytorch_for_any_valid_params(c_in, c_out, h, w, k, pad, stride, dil):
    p = {"in_channels": c_in, "height": h, "width": w, "out_channels": c_out, "kernel": k,
         "padding": pad, "stride": stride, "dilation": dil}
    gen = plugins.registry().generators["cnn.conv-output-size"]
    extent = dil * (k - 1) + 1
    if extent > min(h, w) + 2 * pad:
        with pytest.raises(Exception, match="dilated kernel spans"):
            Problem.from_params(gen, p)
        return
    assert Problem.from_params(gen, p).answer == torch_conv_shape(p)


@pytest.mark.parametrize("params, fragment", [
    ({**CONV_PARAMS, "kernel": 0}, "'kernel' must be an integer"),
    ({**CONV_PARAMS, "height": 2, "kernel": 7, "padding": 0}, "dilated kernel spans"),
    ({**CONV_PARAMS, "stride": 1.5}, "'stride' must be an integer"),
    ({k: v for k, v in CONV_PARAMS.items() if k != "dilation"}, "missing params: dilation"),
    ({**CONV_PARAMS, "groups": 2}, "unknown params: groups"),
])
def test_bad_params_exit_2_with_a_reason(params, fragment):
    done = run_cli("show", "cnn.conv-output-size", "--params", json.dumps(params))
    assert_clean_error(done, fragment)


@pytest.mark.parametrize("args, fragment", [
    (["show", "cnn.conv-output-sise", "--seed", "1"], "did you mean cnn.conv-output-size"),
    (["show", "cnn.conv-output-size", "--params", "{not json"], "not valid JSON"),
    (["show", "cnn.conv-output-size", "--params", "[1, 2]"], "must be a JSON object"),
    (["show", "cnn.conv-output-size", "--params", "[" * 100_001], "too long"),
    (["show", "cnn.conv-output-size", "--seed", "-1"], "seed must be between"),
    (["show", "cnn.conv-output-size", "--seed", "1", "--params", "{}"], "either --seed or --params"),
    (["check", "cnn.conv-output-size", "--answer", "1x2x3"], "give --seed or --params"),
    (["problems", "cnnn"], "unknown topic 'cnnn'"),
])
def test_user_mistakes_are_one_line_errors(args, fragment):
    assert_clean_error(run_cli(*args), fragment)


def test_check_exit_codes_and_json_contract():
    problem = cli_json("show", "cnn.conv-output-size", "--seed", "11", "--solution", "--json")
    right = run_cli("check", "cnn.conv-output-size", "--seed", "11", "--answer", problem["answer_text"], "--json")
    assert right.returncode == 0
    verdict = json.loads(right.stdout)
    for key in ("id", "correct", "score", "feedback", "expected", "mistake", "error"):
        assert key in verdict
    assert verdict["correct"] is True and verdict["score"] == 1.0 and verdict["error"] is None

    c, h, w = problem["answer"]
    wrong = run_cli("check", "cnn.conv-output-size", "--seed", "11", "--answer", f"{c}x{h + 1}x{w}", "--json")
    assert wrong.returncode == 1 and json.loads(wrong.stdout)["correct"] is False

    unreadable = run_cli("check", "cnn.conv-output-size", "--seed", "11", "--answer", "__import__('os')", "--json")
    assert unreadable.returncode == 2
    verdict = json.loads(unreadable.stdout)
    assert verdict["correct"] is False and verdict["error"]


def test_check_recognises_a_mistake_by_name():
    p = {**CONV_PARAMS, "dilation": 3, "kernel": 3, "padding": 0, "stride": 1}
    shape = Problem.from_params(plugins.registry().generators["cnn.conv-output-size"], p).answer
    forgot = [shape[0], shape[1] + 4, shape[2] + 4]  # a 3-tap kernel spans 3, not 7
    done = run_cli("check", "cnn.conv-output-size", "--params", json.dumps(p),
                   "--answer", "x".join(map(str, forgot)), "--json")
    assert done.returncode == 1 and json.loads(done.stdout)["mistake"] == "forgot-dilation"


def test_check_shows_a_mistakes_feedback_as_math_not_markup():
    # the feedback of sign-flipped is "$\\partial L/\\partial z = \\hat{y} - y$ …": on screen, ∂L/∂z = ŷ − y
    p = {"logits": [1, 2], "target": 0}
    wrong = [-g for g in Problem.from_params(plugins.registry().generators["ml.softmax-ce-grad"], p).answer]
    done = run_cli("check", "ml.softmax-ce-grad", "--params", json.dumps(p), "--answer", json.dumps(wrong))
    assert done.returncode == 1 and "sign-flipped" in done.stdout
    assert "∂L/∂z = ŷ − y" in done.stdout and "$" not in done.stdout and "\\" not in done.stdout
    # JSON keeps the markup, for a program to render as it likes
    assert "$" in cli_json("check", "ml.softmax-ce-grad", "--params", json.dumps(p), "--answer",
                           json.dumps(wrong), "--json")["feedback"]


def test_batch_check_keeps_order_and_survives_bad_lines():
    lines = [
        {"id": "cnn.conv-output-size", "params": CONV_PARAMS, "answer": "x".join(map(str, torch_conv_shape(CONV_PARAMS)))},
        "this is not json",
        {"id": "cnn.nope", "seed": 1, "answer": "1"},
        {"id": "cnn.conv-output-size", "seed": 5, "answer": "1x1x1"},
        {"id": "cnn.conv-output-size", "seed": 5},
    ]
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines)
    done = run_cli("check", "--batch", "-", input=text)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["correct"] is True and out[0]["error"] is None
    assert "not a JSON object" in out[1]["error"]
    assert "unknown problem id" in out[2]["error"]
    assert out[3]["correct"] is False and out[3]["error"] is None
    assert "answer" in out[4]["error"]


def test_batch_show_with_solutions():
    text = json.dumps({"id": "cnn.conv-output-size", "seed": 4}) + "\n"
    out = json.loads(run_cli("show", "--batch", "-", "--solution", input=text).stdout)
    assert out["seed"] == 4 and out["answer"] == torch_conv_shape(out["params"])


def test_same_seed_same_problem():
    first = cli_json("show", "cnn.conv-output-size", "--seed", "2024", "--json")
    second = cli_json("show", "cnn.conv-output-size", "--seed", "2024", "--json")
    assert first == second
