"""Every autoregressive generator end to end: params, texts, accepted forms, rejected perturbations and
mistakes recognised by name, over 500 seeds each; plus worked examples by hand."""

import json
import math

import pytest

from mpcheck.problem import Problem
from mpcheck.testing import assert_generator_sound
from mpcheck_autoregressive import attention, counts, masks, nll, vq, wavenet

MODULES = (counts, masks, wavenet, attention, vq, nll)
GENERATORS = [g for module in MODULES for g in module.GENERATORS]


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_generator_sound(generator):
    assert_generator_sound(generator, seeds=range(500))


def test_every_syllabus_generator_exists():
    assert {g.id for g in GENERATORS} == {
        "autoregressive.param-count", "autoregressive.made-mask", "autoregressive.pixelcnn-mask",
        "autoregressive.wavenet-receptive-field", "autoregressive.attention", "autoregressive.vq-assign",
        "autoregressive.sequence-nll"}


def test_syllabus_mistakes_are_declared():
    names = {g.id: {m.name for m in g.mistakes} for g in GENERATORS}
    assert "forgot-sqrt-d" in names["autoregressive.attention"]
    assert "softmax-over-queries" in names["autoregressive.attention"]
    assert "mask-includes-diagonal" in names["autoregressive.made-mask"]
    assert "receptive-field-off-by-one" in names["autoregressive.wavenet-receptive-field"]
    assert "forgot-sum-to-one" in names["autoregressive.param-count"]
    assert "mask-a-b-swapped" in names["autoregressive.pixelcnn-mask"]


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_same_seed_same_problem(generator):
    first, again = Problem.from_seed(generator, 7), Problem.from_seed(generator, 7)
    assert first.params == again.params and first.prompt() == again.prompt()


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.id)
def test_texts_use_the_markup_not_unicode_math(generator):
    for seed in range(30):
        problem = Problem.from_seed(generator, seed)
        texts = [problem.prompt(), problem.solution(), *problem.hints(), *(m.feedback for m in generator.mistakes)]
        for text in texts:
            assert not set(text) & set("αβσ√≤≥⊙∑∏→−·×∞"), f"{generator.id} seed {seed}: Unicode math in {text!r}"
            assert text.count("$") % 2 == 0, f"{generator.id} seed {seed}: unbalanced $ in {text!r}"


# --- worked by hand ---------------------------------------------------------------------------

def problem(generator, params):
    return Problem.from_params(generator, json.loads(json.dumps(params)))


def test_tabular_counts():
    p = problem(counts.PARAM_COUNT, {"model": "tabular", "n": 3})
    assert p.answer == 7  # 1 + 2 + 4
    assert p.check("8").mistake == "forgot-sum-to-one"
    assert problem(counts.PARAM_COUNT, {"model": "tabular", "n": 5, "variable": 4}).answer == 8
    assert problem(counts.PARAM_COUNT, {"model": "tabular", "n": 64}).answer == 2**64 - 1


def test_fvsbn_and_nade_counts_for_mnist():
    # 28 × 28 binarised MNIST: n = 784
    assert problem(counts.PARAM_COUNT, {"model": "fvsbn", "n": 784}).answer == 784 * 785 // 2 == 307720
    nade = problem(counts.PARAM_COUNT, {"model": "nade", "n": 784, "hidden": 500})
    assert nade.answer == 2 * 784 * 500 + 784 + 500
    assert nade.check(str(2 * 784 * 500)).mistake == "forgot-biases"


def test_made_masks_by_hand():
    base = {"input_degrees": [1, 2, 3], "hidden_degrees": [1, 2, 1, 2]}
    assert problem(masks.MADE_MASK, {**base, "mask": "input"}).answer == [[1, 0, 0], [1, 1, 0], [1, 0, 0], [1, 1, 0]]
    output = problem(masks.MADE_MASK, {**base, "mask": "output"})
    assert output.answer == [[0, 0, 0, 0], [1, 0, 1, 0], [1, 1, 1, 1]]
    assert output.check("1 0 1 0; 1 1 1 1; 1 1 1 1").mistake == "mask-includes-diagonal"


def test_made_order_is_the_degree():
    p = problem(masks.MADE_MASK, {"input_degrees": [3, 1, 2], "hidden_degrees": [1, 2], "mask": "input"})
    # x_2 comes first, then x_3, then x_1
    assert p.answer == [[0, 1, 0], [0, 1, 1]]
    assert p.check("1 0 0; 1 1 0").mistake == "ignored-order"


def test_pixelcnn_masks_by_hand():
    a = problem(masks.PIXELCNN_MASK, {"kernel_size": 3, "mask": "A"})
    assert a.answer == [[1, 1, 1], [1, 0, 0], [0, 0, 0]]
    assert a.check("1 1 1; 1 1 0; 0 0 0").mistake == "mask-a-b-swapped"
    assert a.check("1 1 0; 1 0 0; 1 0 0").mistake == "column-order"
    green_from_red = problem(masks.PIXELCNN_MASK, {"kernel_size": 3, "mask": "A", "input_colour": "R",
                                                   "output_colour": "G"})
    assert green_from_red.answer[1][1] == 1
    red_from_green = problem(masks.PIXELCNN_MASK, {"kernel_size": 3, "mask": "B", "input_colour": "G",
                                                   "output_colour": "R"})
    assert red_from_green.answer[1][1] == 0
    assert red_from_green.check("1 1 1; 1 1 0; 0 0 0").mistake == "colour-order-reversed"


def test_mask_answers_are_read_as_grids():
    p = problem(masks.PIXELCNN_MASK, {"kernel_size": 3, "mask": "B"})
    for text in ("1 1 1\n1 1 0\n0 0 0", "[[1,1,1],[1,1,0],[0,0,0]]", "1 1 1; 1 1 0; 0 0 0"):
        assert p.check(text).correct
    verdict = p.check("1 1 1; 1 0.5 0; 0 0 0")
    assert not verdict.correct and "0" in verdict.feedback and "1" in verdict.feedback


def test_wavenet_receptive_field_by_hand():
    p = problem(wavenet.WAVENET_RECEPTIVE_FIELD, {"kernel_size": 2, "dilations": [1, 2, 4, 8]})
    assert p.answer == 16
    assert p.check("15").mistake == "receptive-field-off-by-one"
    assert p.check("5").mistake == "forgot-dilation"
    assert p.check("19").mistake == "summed-extents"


def test_wavenet_gaps_are_explained():
    p = problem(wavenet.WAVENET_RECEPTIVE_FIELD, {"kernel_size": 2, "dilations": [1, 3]})
    assert p.answer == 5 and wavenet.offsets_read(2, [1, 3]) == {0, 1, 3, 4}
    assert "gap" in p.solution()


def test_attention_by_hand():
    # one query, two keys, d_k = 2: scores [1/√2, 0], weights [σ(1/√2), 1 − σ(1/√2)]
    p = problem(attention.ATTENTION, {"Q": [[1, 0]], "K": [[1, 0], [0, 1]], "V": [[1], [0]], "causal": False})
    weight = 1 / (1 + math.exp(-1 / math.sqrt(2)))
    assert p.answer[0] == pytest.approx([weight])
    assert p.check(f"[[{1 / (1 + math.exp(-1))}]]").mistake == "forgot-sqrt-d"


def test_causal_attention_first_query_sees_only_the_first_key():
    p = problem(attention.ATTENTION, {"Q": [[1, 1], [0, 2]], "K": [[2, 0], [1, 1]], "V": [[1, 2], [3, 4]],
                                      "causal": True})
    assert p.answer[0] == [1, 2]
    assert "-\\infty" in p.solution()


def test_vq_assign_by_hand():
    p = problem(vq.VQ_ASSIGN, {"z": [[0.9, 0.1], [-2, 2]], "codebook": [[0, 0], [1, 0], [-1, 1]]})
    assert p.answer == [2, 3]
    assert p.check("1 2").mistake == "numbered-from-zero"


def test_vq_tie_goes_to_the_lower_index():
    p = problem(vq.VQ_ASSIGN, {"z": [[0.5, 0]], "codebook": [[0, 0], [1, 0]]})
    assert p.answer == [1] and "tie" in p.solution()


def test_vq_ties_are_exact_in_the_numbers_as_written():
    # |0.3 + 999999.4| = |1000000 − 0.3| = 999999.7: a tie, lower index; in floats the two differ
    tie = problem(vq.VQ_ASSIGN, {"z": [[0.3]], "codebook": [[-999999.4], [1000000.0]]})
    assert tie.answer == [1] and tie.check("[1]").correct and "equally near" in tie.prompt()
    # 1e-9 closer is nearer, not a tie
    near = problem(vq.VQ_ASSIGN, {"z": [[0.5 + 1e-9]], "codebook": [[0.0], [1.0]]})
    assert near.answer == [2]


def test_sequence_nll_by_hand():
    base = {"vocabulary": ["a", "b"], "sequence": ["a", "b", "a"], "probabilities": [[0.5, 0.5]] * 3}
    assert problem(nll.SEQUENCE_NLL, {**base, "unit": "bits", "reduction": "sum"}).answer == pytest.approx(3)
    assert problem(nll.SEQUENCE_NLL, {**base, "unit": "bits", "reduction": "mean"}).answer == pytest.approx(1)
    nats = problem(nll.SEQUENCE_NLL, {**base, "unit": "nats", "reduction": "sum"})
    assert nats.answer == pytest.approx(3 * math.log(2))
    assert nats.check("3").mistake == "wrong-log-base"
