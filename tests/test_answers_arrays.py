"""Vector, Matrix and Shape: the formats students type, and feedback on size and entries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpcheck.answers.kinds import Matrix, Shape, Vector
from mpcheck.errors import AnswerError
from mpcheck.testing import assert_kind_sound
from mpcheck.markup import render
from mpcheck.text import mat

entries = st.one_of(
    st.integers(-20, 20).map(float),
    st.floats(min_value=-1e4, max_value=1e4).filter(lambda x: x == 0 or abs(x) > 1e-6),
    st.fractions(max_denominator=16).map(float).filter(lambda x: abs(x) < 100),
)


# --- Vector ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["[1, -2, 0.5]", "(1, -2, 0.5)", "1, -2, 0.5", "1 -2 0.5", "[1; -2; 0.5]",
                                  "[1,-2,1/2]", "1\n-2\n0.5", "[ 1  \u22122  0.5 ]", "[2/2, -4/2, sqrt(1/4)]",
                                  "[1, -2, 0.5,]", "[1, 1 - 3, 0.5]", "1 (-2) exp(log(0.5))"])
def test_vector_formats(text):
    kind = Vector()
    assert kind.compare(kind.parse(text), [1.0, -2.0, 0.5]).correct, text


def test_vector_whitespace_follows_matlab():
    kind = Vector()
    assert kind.parse("1 -2") == [1, -2]
    assert kind.parse("1 - 2") == [-1]
    assert kind.parse("2 *3 4") == [6, 4]
    assert kind.parse("sqrt(2)/2 1") == [pytest.approx(0.70710678), 1]


def test_vector_length_mismatch_has_its_own_message():
    kind = Vector()
    match = kind.compare(kind.parse("[1, 2, 3, 4]"), [1.0, 2.0, 3.0])
    assert not match.correct and match.message == "Expected 3 entries, got 4."


def test_vector_names_the_wrong_entries_and_near_entries():
    kind = Vector()
    wrong = kind.compare(kind.parse("[1, 5, 3, 9]"), [1.0, 2.0, 3.0, 4.0])
    assert not wrong.correct and "2 of 4 entries" in wrong.message and "entry 2, entry 4" in wrong.message
    near = kind.compare(kind.parse("[0.33, 2]"), [1 / 3, 2.0])
    assert not near.correct and near.near and "significant digits" in near.message


@pytest.mark.parametrize("text, message", [
    ("[1, , 2]", "missing"), ("[]", "empty"), ("[1, x]", "entry 2"), ("[1, 2", "never closed"),
    ("  ", "empty"), (", ".join(["1"] * 5_000), "too many entries"),
])
def test_vector_refusals(text, message):
    with pytest.raises(AnswerError, match=message):
        Vector().parse(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(entries, min_size=1, max_size=8))
def test_vector_kind_is_sound(values):
    assert_kind_sound(Vector(), values)


def test_vector_from_json_checks_length_and_numbers():
    with pytest.raises(ValueError):
        Vector(length=3).from_json([1, 2])
    for bad in ([1, "2"], [1, True], [float("nan")], "1, 2"):
        with pytest.raises((TypeError, ValueError)):
            Vector().from_json(bad)


# --- Matrix ------------------------------------------------------------------------------------

EXPECTED = [[1.0, -2.0, 0.5], [3.0, 0.0, 4.0]]


@pytest.mark.parametrize("text", [
    "[[1, -2, 0.5], [3, 0, 4]]", "[[1,-2,0.5],[3,0,4]]", "[1 -2 0.5; 3 0 4]", "1 -2 0.5; 3 0 4",
    "1 -2 0.5\n3 0 4", "1, -2, 0.5\n3, 0, 4", "[1, -2, 0.5;\n 3, 0, 4]", "[1 -2 0.5]\n[3 0 4]",
    "[[1, -2, 1/2],\n [3, 0, 2^2]]", "\n  1 -2 0.5  \n\n  3 0 4\n", "[1 -2 0.5] [3 0 4]",
    render(mat(EXPECTED)),  # a matrix as the terminal shows it, pasted back
    "[[1, \u22122, 0.5], [3, 0, 4]]",
])
def test_matrix_formats(text):
    kind = Matrix()
    assert kind.compare(kind.parse(text), EXPECTED).correct, text


def test_matrix_transposed_is_detected():
    kind = Matrix()
    match = kind.compare(kind.parse("[[1, 3], [-2, 0], [0.5, 4]]"), EXPECTED)
    assert not match.correct and "Transposed?" in match.message and "expected 2×3, got 3×2" in match.message


def test_matrix_wrong_size_is_not_called_transposed():
    kind = Matrix()
    match = kind.compare(kind.parse("[[1, 3], [-2, 0], [0.5, 5]]"), EXPECTED)
    assert not match.correct and "Transposed" not in match.message and "expected 2×3, got 3×2" in match.message
    assert "expected 2×3, got 1×3" in kind.compare(kind.parse("[1, 2, 3]"), EXPECTED).message


def test_matrix_names_wrong_entries():
    kind = Matrix()
    match = kind.compare(kind.parse("1 -2 0.5; 3 1 5"), EXPECTED)
    assert not match.correct and "2 of 6 entries" in match.message and "(2, 2), (2, 3)" in match.message


def test_matrix_tolerance_is_per_entry():
    kind = Matrix(rtol=1e-2, atol=1e-3)
    assert kind.compare([[100.9, 0.0009]], [[100.0, 0.0]]).correct
    assert not kind.compare([[101.1, 0.0]], [[100.0, 0.0]]).correct
    assert not kind.compare([[100.0, 0.0011]], [[100.0, 0.0]]).correct


@pytest.mark.parametrize("text, message", [
    ("1 2; 3", "different lengths"), ("[[1, 2], [3]]", "different lengths"), ("[]", "empty"),
    ("[[1, 2], []]", "row 2 is empty"), ("1 2; x 4", "row 2, entry 1"),
    ("; ".join(" ".join(["1"] * 70) for _ in range(70)), "too many entries"),
])
def test_matrix_refusals(text, message):
    with pytest.raises(AnswerError, match=message):
        Matrix().parse(text)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_matrix_kind_is_sound(rows, cols, data):
    values = [[data.draw(entries) for _ in range(cols)] for _ in range(rows)]
    assert_kind_sound(Matrix(), values)


def test_matrix_from_json_checks_shape():
    for bad in ([], [[]], [[1, 2], [3]], [1, 2], [[1, "x"]]):
        with pytest.raises((TypeError, ValueError)):
            Matrix().from_json(bad)


# --- Shape -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["32x29x29", "32 x 29 x 29", "32×29×29", "32 × 29 × 29", "(32, 29, 29)",
                                  "[32,29,29]", "32, 29, 29", "32X29X29", "32 29 29", "torch.Size([32, 29, 29])",
                                  "32*29*29"])
def test_shape_formats(text):
    assert Shape().parse(text) == [32, 29, 29]


def test_shape_feedback():
    kind = Shape()
    assert kind.compare([32, 29], [32, 29, 29]).message == "Expected 3 dimensions, got 2."
    assert "wrong order" in kind.compare([29, 32, 29], [32, 29, 29]).message
    wrong = kind.compare([32, 30, 29], [32, 29, 29])
    assert not wrong.correct and "dimension 2" in wrong.message and "dimension 1" not in wrong.message


@pytest.mark.parametrize("text, message", [("32x-1", "not a size"), ("32x2.5", "not a size"), ("", "empty"),
                                           ("x".join(["2"] * 40), "too many dimensions"), ("a x b", "not a size")])
def test_shape_refusals(text, message):
    with pytest.raises(AnswerError, match=message):
        Shape().parse(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 4096), min_size=1, max_size=6))
def test_shape_kind_is_sound(dims):
    assert_kind_sound(Shape(), dims)
