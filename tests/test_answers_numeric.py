"""The safe arithmetic evaluator: exact where it can be, bounded always, clear when it refuses."""

from __future__ import annotations

import math
import re
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpcheck.answers.numeric import MAX_OPERATIONS, Reading, read_number
from mpcheck.answers.reals import read_real
from mpcheck.errors import AnswerError


def value(text: str):
    return read_number(text).value


# --- exact arithmetic --------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1/3", Fraction(1, 3)), ("0.1 + 0.2", Fraction(3, 10)), ("2^10", 1024), ("2**10", 1024),
    ("-2^2", -4), ("(-2)^2", 4), ("2^-1", Fraction(1, 2)), ("1.5e-3", Fraction(3, 2000)),
    ("10/2", 5), (".5", Fraction(1, 2)), ("3.", 3), ("+7", 7), ("- 7", -7), ("abs(-3/4)", Fraction(3, 4)),
    ("sqrt(1/4)", Fraction(1, 2)), ("sqrt(16)", 4), ("2^3^2", 512), ("(1/2)^3", Fraction(1, 8)),
    ("0^0", 1), ("1^(10^100)", 1), ("(-1)^(10^50 + 1)", -1),
])
def test_rational_arithmetic_is_exact(text, expected):
    result = value(text)
    assert isinstance(result, Fraction) and result == expected


@pytest.mark.parametrize("text, expected", [
    ("\u22120.5", Fraction(-1, 2)),  # − minus sign
    ("3×2", 6), ("3·2", 6), ("3⋅2", 6), ("6÷4", Fraction(3, 2)), ("2²", 4), ("2³", 8), ("(1/2)²", Fraction(1, 4)),
])
def test_unicode_math_is_read(text, expected):
    assert value(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("pi", math.pi), ("π/2", math.pi / 2), ("e", math.e), ("exp(-2)", math.exp(-2)), ("log(10)", math.log(10)),
    ("ln(e)", 1.0), ("log2(8)", 3.0), ("log10(1000)", 3.0), ("sqrt(2)/2", math.sqrt(2) / 2),
    ("sin(pi/6)", 0.5), ("cos(0)", 1.0), ("tan(pi/4)", 1.0), ("tanh(0.5)", math.tanh(0.5)),
    ("1/(1 + exp(-0.3))", 1 / (1 + math.exp(-0.3))), ("2^0.5", math.sqrt(2)), ("4^(1/2)", 2.0),
])
def test_functions_and_constants_agree_with_math(text, expected):
    assert value(text) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("text, decimals, significant", [
    ("0.33", 2, 2), ("3.3e-1", 2, 2), ("300", 0, 3), ("0.0050", 4, 2), ("-12.5", 1, 3), ("2e3", -3, 1),
])
def test_plain_literals_remember_their_resolution(text, decimals, significant):
    reading = read_number(text)
    assert (reading.decimals, reading.significant) == (decimals, significant)


def test_arithmetic_has_no_resolution():
    assert read_number("1/3").decimals is None and read_number("(0.33)").decimals is None


# --- precedence against an independent oracle: random expression trees ------------------------

ATOM, UNARY, POWER, PRODUCT, SUM = 5, 3, 4, 2, 1


def _tree(depth: int):
    leaf = st.integers(1, 9).map(lambda n: (str(n), Fraction(n), ATOM))
    if depth == 0:
        return leaf
    sub = _tree(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(st.sampled_from("+-*/"), sub, sub).map(_binary),
        sub.map(_negate),
        st.tuples(sub, st.integers(-3, 3)).map(_power),
    )


def _wrap(node, needs_parens: bool) -> str:
    return f"({node[0]})" if needs_parens else node[0]


def _binary(args):
    op, left, right = args
    precedence = SUM if op in "+-" else PRODUCT
    # left-associative: the right operand of - and / needs parentheses at equal precedence
    right_parens = right[2] < precedence or (right[2] == precedence and op in "-/")
    text = f"{_wrap(left, left[2] < precedence)} {op} {_wrap(right, right_parens)}"
    a, b = left[1], right[1]
    if a is None or b is None or (op == "/" and b == 0):
        return text, None, precedence
    result = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else None}[op]
    return text, result, precedence


def _negate(node):
    return "-" + _wrap(node, node[2] < UNARY), None if node[1] is None else -node[1], UNARY


def _power(args):
    base, exponent = args
    text = f"{_wrap(base, base[2] != ATOM)}^{exponent if exponent >= 0 else f'({exponent})'}"
    if base[1] is None or (base[1] == 0 and exponent < 0):
        return text, None, POWER
    return text, base[1] ** exponent, POWER


@settings(max_examples=400, deadline=None)
@given(_tree(3))
def test_precedence_and_exact_values_match_an_independent_oracle(node):
    text, expected, _ = node
    if expected is None:
        with pytest.raises(AnswerError, match="division by zero"):
            read_number(text)
        return
    if max(expected.numerator.bit_length(), expected.denominator.bit_length()) > 1_000:
        return  # beyond the size cap: covered by the size tests
    assert read_number(text).value == expected
    assert read_number(text.replace("^", "**")).value == expected


# --- refusals ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("", "got nothing"), ("   ", "got nothing"), ("0x10", "plain decimal"), ("1_000", "plain decimal"),
    ("0o17", "plain decimal"), ("1j", "complex"), ("True", "not a number"), ("'3'", "not a number"),
    ("nan", "not a finite number"), ("inf", "not a finite number"), ("-inf", "not a finite number"),
    ("1e999", "too large"), ("1/0", "division by zero"), ("0^-1", "division by zero"), ("1/(1-1)", "division by zero"),
    ("exp(1000)", "too large"), ("10.0^400", "too large"), ("sqrt(-1)", "not real"), ("log(0)", "undefined"),
    ("(-8)^(1/3)", "fractional power"), ("2pi", "write products with *"), ("2(3)", "products"),
    ("x + 1", "unknown name 'x'"), ("exp", "is a function"), ("exp(1, 2)", "exactly one argument"),
    ("exp(x=1)", "one plain argument"), ("5 % 3", "'%' is not allowed"), ("7 // 2", "'//' is not allowed"),
    ("1 < 2", "comparison"), ("1 if 1 else 2", "if/else"), ("1, 2", "got a list"), ("[1]", "got a list"),
    ("(1", "never closed"), ("1)", "unexpected ')'"), ("1 +", "could not read"), ("math.pi", "attribute access"),
])
def test_refusals_say_why(text, message):
    with pytest.raises(AnswerError, match=re.escape(message)):
        read_number(text)


@pytest.mark.parametrize("text", ["9**9**9**9", "10**10**10", "2**-99999", "2**-100000", "(10**100)**100",
                                  "9^9^9", "(1/3)^5000", "1e400", "1e-400", "2.0^5000", "exp(exp(exp(10)))",
                                  "2^(10^330)", "(1/2)^(10^320)", "2.5^(10^320)", "10^320 * 1.5",
                                  "1.8e308", "330999991e300", "-2e308", "1 + 1.8e308"])
def test_huge_powers_are_refused_before_they_are_computed(text):
    # computing any of these would take minutes or all memory: a bound of seconds tells that it was
    # refused first, with room for a loaded machine (how fast a refusal is lives in benchmarks/)
    start = time.perf_counter()
    with pytest.raises(AnswerError, match="too large"):
        read_number(text)
    assert time.perf_counter() - start < 2.0


def test_operation_count_is_capped():
    with pytest.raises(AnswerError, match=f"more than {MAX_OPERATIONS} operations"):
        read_number("1" + "+1" * (MAX_OPERATIONS + 1))
    with pytest.raises(AnswerError, match="too complex"):
        read_number("-" * 1_000 + "1")


def test_nesting_and_length_are_capped():
    with pytest.raises(AnswerError, match="too deeply nested"):
        read_number("(" * 40 + "1" + ")" * 40)
    with pytest.raises(AnswerError, match="too long"):
        read_number("1" * 3_000)


def test_a_long_chain_of_exact_operations_stays_within_the_caps():
    terms = range(1, MAX_OPERATIONS // 2)  # n − 1 additions and n divisions
    assert value("+".join(f"1/{n}" for n in terms)) == sum(Fraction(1, n) for n in terms)


def _reads_or_refuses(text: str) -> None:
    start = time.perf_counter()
    try:
        result = read_number(text).value
    except AnswerError as exc:
        assert str(exc)
    else:
        assert math.isfinite(float(result))
    assert time.perf_counter() - start < 2.0  # never a hang (see the test of huge powers)


TOKENS = ["0", "1", "2", "9", "10", "0.5", "-1", "1e300", "1e-300", "330", "99999", "(", ")", "(", ")", "+", "-",
          "*", "/", "^", "**", "exp(", "log(", "sqrt(", "abs(", "tanh(", "sin(", "pi", "e", ",", " "]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789+-*/^().e pisqrtxl,", max_size=120))
def test_any_text_either_reads_as_a_finite_number_or_is_refused_quickly(text):
    _reads_or_refuses(text)


@settings(max_examples=1_500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25))
def test_any_token_soup_reads_as_a_finite_number_or_is_refused_quickly(tokens):
    _reads_or_refuses("".join(tokens))


@settings(max_examples=2000, deadline=None)
@given(st.from_regex(r"\A[ ]?[+-]?[0-9]{0,25}(\.[0-9]{0,12})?([eE][+-]?[0-9]{1,3})?[ ]?\Z"))
def test_plain_decimals_read_fast_as_the_exact_reader_reads_them(text):
    """``read_real`` reads a plain decimal without the general reader: the same float, the same
    resolution and significant digits, the same refusal at the edges of the exponent range."""
    def outcome(read):
        try:
            value = read(text)
        except AnswerError as exc:
            return str(exc)
        reading = value if isinstance(value, Reading) else Reading(float(value), value.decimals, value.significant)
        return float(reading.value), reading.decimals, reading.significant

    assert outcome(read_real) == outcome(read_number)
