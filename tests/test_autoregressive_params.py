"""Explicit params (``--params``): what cannot be computed is refused with a ParamsError naming why,
and everything accepted, however extreme, renders and grades without raising."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cli_helpers import assert_clean_error, run_cli
from problem_edges import assert_survives_or_refused
from mpcheck.problem import Problem
from mpcheck.testing import assert_params_rejected
from mpcheck_autoregressive import attention, counts, masks, nll, vq, wavenet

EDGES = settings(max_examples=120, deadline=None)

ATTENTION = {"Q": [[1, 0]], "K": [[1, 0], [0, 1]], "V": [[1], [2]], "causal": True}
MADE = {"input_degrees": [2, 1, 3], "hidden_degrees": [1, 2], "mask": "output"}
NLL = {"vocabulary": ["a", "b"], "sequence": ["a", "b"], "probabilities": [[0.5, 0.5], [0.2, 0.8]],
       "unit": "nats", "reduction": "sum"}
VQ = {"z": [[0, 1]], "codebook": [[0, 0], [1, 1]]}


def changed(base, **changes):
    return {**base, **changes}


def without(base, key):
    return {k: v for k, v in base.items() if k != key}


def test_param_count_rejects():
    assert_params_rejected(counts.PARAM_COUNT, [
        {"model": "pixelcnn", "n": 3}, {"model": "tabular", "n": 0}, {"model": "tabular", "n": 65},
        {"model": "tabular", "n": 3, "variable": 4}, {"model": "fvsbn", "n": 3, "variable": 0},
        {"model": "nade", "n": 3}, {"model": "nade", "n": 3, "hidden": 2, "variable": 2},
        {"model": "fvsbn", "n": 3, "hidden": 2}, {"model": "fvsbn", "n": 10**400}, {"model": "fvsbn", "n": 2.5},
        {"model": "nade", "n": 3, "hidden": True}])


def test_mask_generators_reject():
    assert_params_rejected(masks.MADE_MASK, [
        changed(MADE, input_degrees=[1, 1, 3]), changed(MADE, input_degrees=[0, 1, 2]),
        changed(MADE, input_degrees=[1]), changed(MADE, hidden_degrees=[3]), changed(MADE, hidden_degrees=[0]),
        changed(MADE, hidden_degrees=[]), changed(MADE, mask="hidden"), changed(MADE, input_degrees=[1, 2.0, 3]),
        changed(MADE, hidden_degrees=[10**400]), without(MADE, "mask"), changed(MADE, hidden_degrees=[1] * 17)])
    assert_params_rejected(masks.PIXELCNN_MASK, [
        {"kernel_size": 4, "mask": "A"}, {"kernel_size": 0, "mask": "A"}, {"kernel_size": 17, "mask": "B"},
        {"kernel_size": 3, "mask": "C"}, {"kernel_size": 3, "mask": "A", "input_colour": "R"},
        {"kernel_size": 3, "mask": "A", "input_colour": "R", "output_colour": "Y"}])


def test_wavenet_rejects():
    assert_params_rejected(wavenet.WAVENET_RECEPTIVE_FIELD, [
        {"kernel_size": 0, "dilations": [1]}, {"kernel_size": 2, "dilations": []},
        {"kernel_size": 2, "dilations": [0, 1]}, {"kernel_size": 2, "dilations": [1.5]},
        {"kernel_size": 2, "dilations": [10**400]}, {"kernel_size": 2, "dilations": [1] * 65},
        {"kernel_size": 2, "dilations": [True]}, {"kernel_size": 2}])


def test_attention_rejects():
    assert_params_rejected(attention.ATTENTION, [
        changed(ATTENTION, K=[[1, 0, 0]]), changed(ATTENTION, V=[[1]]), changed(ATTENTION, Q=[[1, 0], [1]]),
        changed(ATTENTION, Q=[[float("nan"), 0]]), changed(ATTENTION, Q=[[10**400, 0]]),
        changed(ATTENTION, Q=[[1e5, 0]]), changed(ATTENTION, causal="yes"), changed(ATTENTION, Q=[[1] * 2] * 9),
        without(ATTENTION, "V"), changed(ATTENTION, Q=[])])


def test_vq_and_nll_reject():
    assert_params_rejected(vq.VQ_ASSIGN, [
        changed(VQ, z=[[0, 1, 2]]), changed(VQ, codebook=[[0] * 9]), changed(VQ, z=[[1e7, 0]]), without(VQ, "z")])
    assert_params_rejected(nll.SEQUENCE_NLL, [
        changed(NLL, probabilities=[[0.5, 0.6], [0.2, 0.8]]), changed(NLL, probabilities=[[1, 0], [0.2, 0.8]],
                                                                         sequence=["b", "b"]),
        changed(NLL, sequence=["c"]), changed(NLL, vocabulary=["a", "a"]), changed(NLL, vocabulary=["A", "b"]),
        changed(NLL, vocabulary=["a", "$x$"]), changed(NLL, unit="dits"), changed(NLL, reduction="max"),
        changed(NLL, probabilities=[[-0.5, 1.5], [0.2, 0.8]]), changed(NLL, sequence=[])])


# --- edges: accepted params never make a text or a check raise ------------------------------------

extreme = st.one_of(st.sampled_from([0, 1, -1, 1e-300, -1e-300, 1e4, -1e4, 9999.5, 1e5, 10**400, float("inf")]),
                    st.integers(-3, 3), st.floats(-1e4, 1e4, allow_nan=False))


def grid(rows, cols, values=extreme):
    return st.lists(st.lists(values, min_size=cols, max_size=cols), min_size=rows, max_size=rows)


@st.composite
def attention_edges(draw):
    t_q, t_k, d, d_v = (draw(st.sampled_from([1, 1, 2, 3, 8, 9])) for _ in range(4))
    return {"Q": draw(grid(t_q, d)), "K": draw(grid(t_k, d)), "V": draw(grid(t_k, d_v)), "causal": draw(st.booleans())}


@EDGES
@given(attention_edges())
def test_attention_edges(params):
    assert_survives_or_refused(attention.ATTENTION, params)


@EDGES
@given(st.integers(-1, 70), st.lists(st.integers(-1, 2**21), min_size=0, max_size=66))
def test_wavenet_edges(kernel_size, dilations):
    assert_survives_or_refused(wavenet.WAVENET_RECEPTIVE_FIELD, {"kernel_size": kernel_size, "dilations": dilations})


@EDGES
@given(st.sampled_from(["tabular", "fvsbn", "nade"]), st.integers(-1, 100_001), st.integers(0, 100_001),
       st.one_of(st.none(), st.integers(-1, 70)))
def test_param_count_edges(model, n, hidden, variable):
    params = {"model": model, "n": n}
    if model == "nade":
        params["hidden"] = hidden
    if variable is not None:
        params["variable"] = variable
    assert_survives_or_refused(counts.PARAM_COUNT, params)


@EDGES
@given(st.lists(st.integers(-1, 13), min_size=0, max_size=13), st.lists(st.integers(-1, 13), max_size=17),
       st.sampled_from(["input", "output"]), st.booleans())
def test_made_edges(order, hidden, mask, permutation):
    if permutation:
        order = list(range(1, len(order) + 1))[::-1]
    assert_survives_or_refused(masks.MADE_MASK, {"input_degrees": order, "hidden_degrees": hidden, "mask": mask})


@EDGES
@given(st.integers(-1, 17), st.sampled_from(["A", "B"]), st.one_of(st.none(), st.tuples(*[st.sampled_from("RGB")] * 2)))
def test_pixelcnn_edges(kernel_size, mask, colours):
    params = {"kernel_size": kernel_size, "mask": mask}
    if colours:
        params.update(input_colour=colours[0], output_colour=colours[1])
    assert_survives_or_refused(masks.PIXELCNN_MASK, params)


@EDGES
@given(st.integers(1, 17), st.integers(1, 9), st.integers(1, 3), st.data())
def test_vq_edges(n, dims, codes, data):
    values = st.one_of(st.integers(0, 2), extreme)   # small integers: many ties
    assert_survives_or_refused(vq.VQ_ASSIGN, {"z": data.draw(grid(n, dims, values)), "codebook": data.draw(grid(codes, dims, values))})


@st.composite
def nll_edges(draw):
    vocabulary = draw(st.sampled_from([["a", "b"], ["x", "y", "z"]]))
    steps = draw(st.integers(1, 17))
    rows = []
    for _ in range(steps):
        row = draw(st.sampled_from([[1.0] + [0.0] * (len(vocabulary) - 1), [1 / len(vocabulary)] * len(vocabulary),
                                    [1e-300, 1 - 1e-300] + [0.0] * (len(vocabulary) - 2)]))
        rows.append(draw(st.permutations(row)))
    return {"vocabulary": vocabulary, "sequence": draw(st.lists(st.sampled_from(vocabulary), min_size=steps,
                                                                 max_size=steps)),
            "probabilities": rows, "unit": draw(st.sampled_from(["nats", "bits"])),
            "reduction": draw(st.sampled_from(["sum", "mean"]))}


@EDGES
@given(nll_edges())
def test_sequence_nll_edges(params):
    assert_survives_or_refused(nll.SEQUENCE_NLL, params)


def test_cli_show_and_check_with_params():
    params = '{"Q": [[1, 0], [0, 1]], "K": [[1, 0], [0, 1]], "V": [[1], [2]], "causal": true}'
    shown = run_cli("show", "autoregressive.attention", "--params", params, "--solution")
    assert shown.returncode == 0 and "softmax" in shown.stdout
    answer = Problem.from_params(attention.ATTENTION, {"Q": [[1, 0], [0, 1]], "K": [[1, 0], [0, 1]],
                                                       "V": [[1], [2]], "causal": True}).answer_text
    assert run_cli("check", "autoregressive.attention", "--params", params, "--answer", answer).returncode == 0
    bad = run_cli("check", "autoregressive.attention", "--params", '{"Q": [[1]], "K": [[1, 2]], "V": [[1]], '
                  '"causal": false}', "--answer", "1")
    assert_clean_error(bad, "K")
