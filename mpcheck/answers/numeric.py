"""Reading one number a student typed, safely and exactly.

The text is screened (length, characters, bracket depth), parsed with ``ast.parse(mode="eval")``
and evaluated by a whitelist walk: decimal literals, + − * / ** (``^`` is read as a power),
unary signs, parentheses, the constants pi and e and a few functions. Nothing is ever passed to
``eval``. Every limit is checked *before* the work it bounds, so each evaluation is fast:
at most ``MAX_NUMBER_CHARS`` characters, ``MAX_OPERATIONS`` operations, ``MAX_DEPTH`` brackets,
and no number wider than ``MAX_BITS`` bits (a power is estimated before it is computed).

While every operand is rational the arithmetic is exact (``fractions.Fraction``), so ``1/3``
is one third and integers stay integers; a function or an irrational constant switches to float.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import unicodedata
import warnings
from dataclasses import dataclass
from fractions import Fraction

from mpcheck.errors import AnswerError

MAX_NUMBER_CHARS = 2_000
MAX_DEPTH = 32
MAX_OPERATIONS = 100
#: A float overflows past 2**1024; exact values may be a little wider before they are rounded.
MAX_BITS = 1_100
MAX_LITERAL_EXPONENT = 400

#: Unicode a student gets from a textbook or a phone keyboard, and what it means here.
UNICODE_MATH = {
    "\u2212": "-",    # − minus sign
    "\u00d7": "*",    # × multiplication sign
    "\u00b7": "*",    # · middle dot
    "\u22c5": "*",    # ⋅ dot operator
    "\u00f7": "/",    # ÷ division sign
    "\u03c0": "pi",   # π
    "\u00b2": "**2",  # ²
    "\u00b3": "**3",  # ³
}
ALLOWED_CONTROL = "\t\n\r"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_NAMES = {0: "NULL", 0x7F: "DELETE", 0x1B: "ESCAPE", 0x08: "BACKSPACE"}

Number = Fraction | float

FUNCTIONS = {
    "exp": math.exp, "log": math.log, "ln": math.log, "log2": math.log2, "log10": math.log10,
    "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos, "tan": math.tan, "tanh": math.tanh,
    "abs": abs,
}
CONSTANTS = {"pi": math.pi, "e": math.e}
NOT_FINITE_NAMES = {"nan", "inf", "infinity", "oo"}
ALLOWED_SUMMARY = ("numbers, + - * / ^, parentheses, pi, e and the functions "
                   + ", ".join(FUNCTIONS))

# A plain decimal literal: 12, -0.25, .5, 3., 1.5e-3 (no 0x, no 1_000, no 1j).
PLAIN_DECIMAL = re.compile(
    r"\s*(?P<sign>[+-]?)\s*(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[+-]?\d{1,6}))?\s*")


@dataclass(frozen=True)
class Reading:
    """A number read from text. For a plain decimal literal, ``decimals`` is its resolution
    (digits after the point, less the exponent: ``0.33`` → 2, ``3.3e-1`` → 2, ``300`` → 0) and
    ``significant`` its count of significant digits; both None for arithmetic."""

    value: Number
    decimals: int | None = None
    significant: int | None = None

    @property
    def exact(self) -> bool:
        return isinstance(self.value, Fraction)


def clip(text: str, width: int = 40) -> str:
    """Echo a bit of the student's text in a message without flooding it."""
    return text if len(text) <= width else text[: width - 1] + "…"


def check_length(text: str, limit: int) -> None:
    if len(text) > limit:
        raise AnswerError(f"answer is too long ({len(text):,} characters; at most {limit:,})")


def character_name(ch: str) -> str:
    code = ord(ch)
    name = unicodedata.name(ch, "") or CONTROL_NAMES.get(code, "control character")
    return f"U+{code:04X} {name}"


def normalise(text: str) -> str:
    """Replace the Unicode math we understand; refuse every other non-ASCII or control character,
    naming it, so that a look-alike (Cyrillic е in 'еxp', a fullwidth ２) is never half-read."""
    if text.isascii() and not _CONTROL.search(text):
        return text  # the usual answer: nothing to replace or refuse
    out = []
    for position, ch in enumerate(text, 1):
        if ch in UNICODE_MATH:
            out.append(UNICODE_MATH[ch])
        elif ord(ch) > 126 or (ord(ch) < 32 and ch not in ALLOWED_CONTROL):
            raise AnswerError(f"unexpected character {ch!r} ({character_name(ch)}) at position "
                              f"{position}; answers use plain ASCII, e.g. 0.25, 1/3, exp(-2)")
        else:
            out.append(ch)
    return "".join(out)


OPENING, CLOSING = "([{", ")]}"


def check_brackets(text: str, limit: int = MAX_DEPTH) -> None:
    """Balanced brackets nested at most ``limit`` deep: checked on the raw text, before any
    parser that recurses into them."""
    stack: list[str] = []
    for ch in text:
        if ch in OPENING:
            stack.append(ch)
            if len(stack) > limit:
                raise AnswerError(f"too deeply nested (more than {limit} levels of brackets)")
        elif ch in CLOSING:
            if not stack or OPENING.index(stack.pop()) != CLOSING.index(ch):
                raise AnswerError(f"unbalanced brackets: unexpected {ch!r}")
    if stack:
        raise AnswerError(f"unbalanced brackets: {stack[-1]!r} is never closed")


def read_number(text: str) -> Reading:
    """One number from text: screened, parsed by the whitelist, evaluated exactly where possible."""
    check_length(text, MAX_NUMBER_CHARS)
    text = normalise(text).replace("^", "**").strip()
    if not text:
        raise AnswerError("expected a number, got nothing")
    literal = PLAIN_DECIMAL.fullmatch(text)
    if literal and (literal["int"] or literal["frac"]):
        return _read_literal(literal)
    check_brackets(text)
    operators = sum(text.count(op) for op in "+-*/")
    if operators > 2 * MAX_OPERATIONS:
        raise AnswerError(f"answer is too complex (more than {MAX_OPERATIONS} operations)")
    flat = " ".join(text.split())
    try:
        with warnings.catch_warnings():
            # "invalid decimal literal" and the like would reach the user's terminal
            warnings.simplefilter("ignore")
            tree = ast.parse(flat, mode="eval")
    except SyntaxError:
        raise AnswerError(_syntax_hint(flat)) from None
    except (ValueError, RecursionError, MemoryError):
        raise AnswerError(f"could not read {clip(flat)!r} as a number") from None
    try:
        value = _Evaluator(flat).evaluate(tree.body)
    except (OverflowError, ValueError, ZeroDivisionError, RecursionError, MemoryError):
        # every case is meant to be caught with its own message above; this is the safety net
        raise AnswerError(f"could not evaluate {clip(flat)!r}: a number is out of range") from None
    return Reading(check_finite(value))


def _read_literal(m: re.Match) -> Reading:
    whole, frac, exp = m["int"], m["frac"] or "", int(m["exp"] or 0)
    if abs(exp) > MAX_LITERAL_EXPONENT:
        raise AnswerError(f"number too large or too small (exponent {exp})")
    digits = whole + frac
    # value = digits · 10^(exp − len(frac)), exactly
    shift = exp - len(frac)
    value = Fraction(int(digits)) * Fraction(10) ** shift
    if m["sign"] == "-":
        value = -value
    significant = len(digits.lstrip("0"))
    return Reading(check_finite(check_exact_size(value)), decimals=-shift, significant=significant)


def _syntax_hint(text: str) -> str:
    if re.search(r"\d\s*(pi|e|exp|log|ln|sqrt|sin|cos|tan|tanh|\()", text):
        return f"could not read {clip(text)!r}: write products with *, e.g. 2*pi or 3*(1+2)"
    if re.search(r"(^|[^\w.])0\d", text):
        return f"could not read {clip(text)!r}: a whole number cannot start with 0 (write 5, not 05)"
    return f"could not read {clip(text)!r} as a number"


def check_exact_size(value: Fraction) -> Fraction:
    if value.numerator.bit_length() > MAX_BITS or value.denominator.bit_length() > MAX_BITS:
        raise AnswerError("number too large or too small to check (more than about 330 digits)")
    return value


def check_finite(value: Number) -> Number:
    if isinstance(value, Fraction):
        try:
            float(value)
        except OverflowError:
            raise AnswerError("number too large: it does not fit in a double") from None
        return value
    if math.isnan(value):
        raise AnswerError("the answer is not a number (NaN)")
    if math.isinf(value):
        raise AnswerError("number too large: the answer is not finite")
    return value


def _float(value: Number) -> float:
    try:
        return float(value)
    except OverflowError:
        raise AnswerError("number too large: it does not fit in a double") from None


class _Evaluator:
    """The whitelist walk; ``text`` is the (ASCII, one-line) source, to quote literals."""

    def __init__(self, text: str):
        self.text = text
        self.operations = 0

    def count(self) -> None:
        self.operations += 1
        if self.operations > MAX_OPERATIONS:
            raise AnswerError(f"answer is too complex (more than {MAX_OPERATIONS} operations)")

    def evaluate(self, node: ast.AST) -> Number:
        method = getattr(self, "eval_" + type(node).__name__, None)
        if isinstance(node, (ast.Tuple, ast.List)):
            raise AnswerError("expected one number, got a list; write a single value")
        if method is None:
            raise AnswerError(f"{describe(node)} is not allowed in a number; use {ALLOWED_SUMMARY}")
        return method(node)

    def eval_Constant(self, node: ast.Constant) -> Number:
        source = self.text[node.col_offset: node.end_col_offset]
        if isinstance(node.value, complex):
            raise AnswerError(f"{clip(source)!r}: complex numbers are not allowed")
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise AnswerError(f"{clip(source)} is not a number")
        literal = PLAIN_DECIMAL.fullmatch(source)
        if not literal or literal["sign"] or not (literal["int"] or literal["frac"]):
            raise AnswerError(f"{clip(source)!r} is not a plain decimal number (write e.g. 16, 0.5 or 1e-3)")
        return _read_literal(literal).value

    def eval_UnaryOp(self, node: ast.UnaryOp) -> Number:
        self.count()
        if isinstance(node.op, ast.USub):
            return -self.evaluate(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self.evaluate(node.operand)
        raise AnswerError(f"the operator {OPERATOR_SYMBOLS.get(type(node.op), '?')!r} is not allowed")

    def eval_BinOp(self, node: ast.BinOp) -> Number:
        self.count()
        kind = type(node.op)
        if kind not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
            raise AnswerError(f"the operator {OPERATOR_SYMBOLS.get(kind, '?')!r} is not allowed; "
                              "use + - * / and ^")
        left, right = self.evaluate(node.left), self.evaluate(node.right)
        if kind is ast.Pow:
            return power(left, right)
        return arithmetic(kind, left, right)

    def eval_Name(self, node: ast.Name) -> Number:
        name = node.id
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise AnswerError(f"{name} is a function: write {name}(...)")
        if name.lower() in NOT_FINITE_NAMES:
            raise AnswerError(f"{name!r} is not a finite number")
        raise AnswerError(f"unknown name {clip(name, 20)!r}; use {ALLOWED_SUMMARY}")

    def eval_Call(self, node: ast.Call) -> Number:
        self.count()
        if isinstance(node.func, ast.Constant):
            raise AnswerError("write products with *, e.g. 2*(3), not 2(3)")
        if not isinstance(node.func, ast.Name):
            raise AnswerError(f"{describe(node.func)} is not allowed in a number")
        if node.func.id not in FUNCTIONS:
            raise AnswerError(f"calling {clip(node.func.id, 20)!r} is not allowed; the functions are "
                              + ", ".join(FUNCTIONS))
        name = node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise AnswerError(f"{name}(...) takes one plain argument")
        if len(node.args) != 1:
            raise AnswerError(f"{name}(...) takes exactly one argument, got {len(node.args)}")
        return apply_function(name, self.evaluate(node.args[0]))


OPERATOR_SYMBOLS = {
    ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.BitXor: "^", ast.BitAnd: "&",
    ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>", ast.Not: "not", ast.Invert: "~",
}

DESCRIPTIONS = {
    "Attribute": "attribute access (a.b)", "Subscript": "indexing (a[...])", "Lambda": "lambda",
    "ListComp": "a comprehension", "SetComp": "a comprehension", "DictComp": "a comprehension",
    "GeneratorExp": "a comprehension", "Compare": "a comparison", "BoolOp": "and/or",
    "IfExp": "if/else", "Dict": "braces {...}", "Set": "braces {...}",
    "Starred": "*unpacking", "NamedExpr": "assignment (:=)", "JoinedStr": "a string",
    "Await": "await", "Yield": "yield", "YieldFrom": "yield", "Slice": "a slice",
}


def describe(node: ast.AST) -> str:
    return DESCRIPTIONS.get(type(node).__name__, type(node).__name__)


ARITHMETIC = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
}


def arithmetic(kind: type, a: Number, b: Number) -> Number:
    """+ − * / exactly on fractions, in floats otherwise; every result checked."""
    if kind is ast.Div and b == 0:
        raise AnswerError("division by zero")
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return check_exact_size(ARITHMETIC[kind](a, b))
    try:
        return check_finite(ARITHMETIC[kind](_float(a), _float(b)))
    except OverflowError:
        raise AnswerError("number too large") from None


def power(base: Number, exponent: Number) -> Number:
    """base ** exponent with its size estimated before it is computed: log2|result| = n·log2|base|."""
    if base == 0 and exponent < 0:
        raise AnswerError("division by zero (0 to a negative power)")
    if isinstance(base, Fraction) and isinstance(exponent, Fraction) and exponent.denominator == 1:
        n = exponent.numerator
        if base in (0, 1) or n == 0:
            return base ** n if base != 0 or n != 0 else Fraction(1)
        if base == -1:
            return Fraction(1 if n % 2 == 0 else -1)
        widest = max(abs(base.numerator), base.denominator)
        # |base| ∉ {0, 1} so log2(widest) ≥ 1: a 33-bit exponent is hopeless, and too big for a float
        if abs(n).bit_length() > 32 or abs(n) * math.log2(widest) > MAX_BITS:
            raise AnswerError("number too large (or too small) to check: the power is too big")
        return check_exact_size(base ** n)
    x, y = _float(base), _float(exponent)
    if x < 0 and not y.is_integer():
        raise AnswerError("a negative number to a fractional power is not a real number")
    if x != 0 and abs(y * math.log2(abs(x))) > MAX_BITS:
        raise AnswerError("number too large (or too small) to check: the power is too big")
    try:
        return check_finite(x ** y)
    except OverflowError:
        raise AnswerError("number too large") from None


def _exact_sqrt(value: Fraction) -> Fraction | None:
    if value < 0:
        return None
    top, bottom = math.isqrt(value.numerator), math.isqrt(value.denominator)
    if top * top == value.numerator and bottom * bottom == value.denominator:
        return Fraction(top, bottom)
    return None


def apply_function(name: str, arg: Number) -> Number:
    if name == "abs":
        return abs(arg)
    if name == "sqrt" and isinstance(arg, Fraction) and (root := _exact_sqrt(arg)) is not None:
        return root
    if name in ("log", "ln", "log2", "log10") and arg <= 0:
        raise AnswerError(f"{name} of a number ≤ 0 is undefined")
    if name == "sqrt" and arg < 0:
        raise AnswerError("sqrt of a negative number is not real")
    try:
        return check_finite(FUNCTIONS[name](_float(arg)))
    except OverflowError:
        raise AnswerError(f"number too large: {name}(...) overflows") from None
    except ValueError:
        raise AnswerError(f"{name}(...) is undefined for that argument") from None
