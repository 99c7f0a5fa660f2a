"""Reading a formula a student typed into a SymPy expression, without running any of it.

User text never reaches ``eval``, ``sympify`` or ``parse_expr``. Reading goes:
1. raw checks on the text (length, nesting depth, characters), Unicode normalised
   (− × · ÷, Greek letters, superscripts);
2. SymPy's tokenizer and transformations (implicit multiplication, ``^`` as power) turn the text
   into Python source: a string, nothing runs;
3. ``ast.parse`` of that source, and a walk over a whitelist of node types that builds SymPy
   objects itself: numbers, declared variables, e and pi, whitelisted functions, + − × ÷ and
   powers with bounded exponents.

SymPy is imported inside the functions: ``mpcheck.api`` may import this module at CLI start.
"""

from __future__ import annotations

from functools import lru_cache

import ast
import unicodedata
from typing import Any

from mpcheck.errors import AnswerError

MAX_CHARS = 1000
MAX_DEPTH = 30
MAX_NODES = 400
MAX_EXPONENT = 100
#: a number's magnitude bound, in decimal digits, for numeric powers such as 10^10^10
MAX_DIGITS = 300
TIME_LIMIT_S = 2.0
NUMERIC_POINTS = 20
NUMERIC_RTOL = 1e-7

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda_", "μ": "mu", "ν": "nu", "ξ": "xi",
    "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "ϕ": "phi", "ϵ": "epsilon",
}
SYMBOLS = {"−": "-", "–": "-", "×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/", "√": "sqrt"}
SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"}
ALLOWED_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ +-*/^().,\t")
FUNCTIONS = ("exp", "log", "ln", "sqrt", "abs", "Abs", "sin", "cos", "tan", "tanh", "sinh", "cosh",
             "asin", "acos", "atan", "arcsin", "arccos", "arctan", "sec", "csc", "cot", "sech", "csch",
             "coth", "sigmoid", "softplus")
CONSTANTS = ("e", "E", "pi")
#: names SymPy's number transformation emits around literals
NUMBER_WRAPPERS = ("Integer", "Float", "Rational")


def normalise(text: str) -> str:
    """Unicode math to ASCII: − × · ÷ √, Greek letters by name, superscript powers."""
    out, superscript = [], ""
    for char in text:
        if char in SUPERSCRIPTS:
            superscript += SUPERSCRIPTS[char]
            continue
        if superscript:
            out.append(_power_text(superscript))
            superscript = ""
        if char in GREEK:
            out.append(f" {GREEK[char]} ")
        else:
            out.append(SYMBOLS.get(char, char))
    if superscript:
        out.append(_power_text(superscript))
    return "".join(out)


def _power_text(superscript: str) -> str:
    # "^" (not "**") keeps "log σ²" readable by SymPy's implicit-application rule
    return f"^{superscript}" if superscript.isdigit() else f"^({superscript})"


def _check_raw(text: Any) -> str:
    if not isinstance(text, str):
        raise AnswerError("an expression must be text")
    if len(text) > MAX_CHARS:
        raise AnswerError(f"the expression is too long ({len(text)} characters; at most {MAX_CHARS})")
    depth = deepest = 0
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise AnswerError(f"the expression nests parentheses too deeply (more than {MAX_DEPTH})")
    text = normalise(text).strip()
    if not text:
        raise AnswerError("the answer is empty: type an expression such as -x/y")
    for char in text:
        if char not in ALLOWED_CHARS:
            name = unicodedata.name(char, "unknown character")
            raise AnswerError(f"unexpected character {char!r} (U+{ord(char):04X} {name}); use letters, "
                              "digits, + - * / ^ and parentheses")
    return text


def _to_python_source(text: str, variables: tuple[str, ...]) -> str:
    """SymPy's tokenizer and transformations, used only to produce source text."""
    import sympy as sp
    from sympy.parsing.sympy_parser import (
        convert_xor, implicit_application, implicit_multiplication, standard_transformations,
        stringify_expr,
    )

    # Only the names matter to the transformations: functions stay calls, variables stay names.
    known = {name: sp.Symbol(name) for name in variables}
    functions = {name: sp.Function(name) for name in FUNCTIONS}
    wrappers = {"Integer": sp.Integer, "Float": sp.Float, "Rational": sp.Rational,
                "Symbol": sp.Symbol, "Function": sp.Function}
    constants = {name: sp.Symbol(name) for name in CONSTANTS if name not in known}
    transformations = standard_transformations + (implicit_multiplication, implicit_application,
                                                  convert_xor)
    try:
        return stringify_expr(text, known, {**functions, **wrappers, **constants}, transformations)
    except Exception as exc:  # the tokenizer's errors are the student's syntax errors
        raise AnswerError(f"could not read the expression: {type(exc).__name__}: {exc}") from None


class _Builder:
    """Builds SymPy objects from a whitelisted Python AST."""

    def __init__(self, symbols: dict[str, Any]):
        import sympy as sp

        self.sp = sp
        self.symbols = symbols
        self.functions = {
            "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs,
            "Abs": sp.Abs, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh,
            "sinh": sp.sinh, "cosh": sp.cosh, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan,
            "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan,
            # the reciprocals, as textbooks write tanh' = sech²: built from the functions above
            "sec": lambda u: 1 / sp.cos(u), "csc": lambda u: 1 / sp.sin(u), "cot": lambda u: 1 / sp.tan(u),
            "sech": lambda u: 1 / sp.cosh(u), "csch": lambda u: 1 / sp.sinh(u), "coth": lambda u: 1 / sp.tanh(u),
            # σ(u) = 1 / (1 + e^(−u)),  softplus(u) = log(1 + e^u)
            "sigmoid": lambda u: 1 / (1 + sp.exp(-u)),
            "softplus": lambda u: sp.log(1 + sp.exp(u)),
        }
        self.constants = {"E": sp.E, "e": sp.E, "pi": sp.pi}
        self.nodes = 0

    def build(self, node: ast.AST) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise AnswerError(f"the expression is too large (more than {MAX_NODES} parts)")
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise AnswerError(f"not allowed in an expression: {_describe(node)}")
        return method(node)

    def _Expression(self, node: ast.Expression) -> Any:
        return self.build(node.body)

    def _Name(self, node: ast.Name) -> Any:
        if node.id in self.symbols:
            return self.symbols[node.id]
        if node.id in self.constants:
            return self.constants[node.id]
        if node.id in self.functions:
            raise AnswerError(f"{node.id} is a function: write {node.id}(...)")
        raise AnswerError(_unknown_name(node.id, self.symbols))

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        operand = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise AnswerError(f"not allowed in an expression: {_describe(node)}")

    def _BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.build(node.left), self.build(node.right)
        op = node.op
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right == 0:
                raise AnswerError("division by zero")
            return left / right
        if isinstance(op, ast.Pow):
            return self._power(left, right)
        raise AnswerError(f"not allowed in an expression: {_describe(node)}")

    def _power(self, base: Any, exponent: Any) -> Any:
        sp = self.sp
        if exponent.is_number:
            value = abs(complex(exponent.evalf(15)))
            if value > MAX_EXPONENT:
                raise AnswerError(f"exponent {value:.4g} is too large (at most {MAX_EXPONENT})")
            if base.is_number and base != 0:
                # |b^k| has about k·log10|b| digits: refuse numbers nobody writes by hand
                digits = value * abs(float(sp.log(sp.Abs(base), 10).evalf(15)))
                if digits > MAX_DIGITS:
                    raise AnswerError("a number in the expression is too large")
        elif sp.count_ops(exponent) > 20:
            raise AnswerError("the exponent is too complex")
        return base**exponent

    def _Call(self, node: ast.Call) -> Any:
        if node.keywords or not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Call) and _call_name(node.func) == "Function":
                name = _string_arg(node.func)
                raise AnswerError(f"unknown function {name!r} (allowed: {', '.join(FUNCTIONS)})")
            raise AnswerError(f"not allowed in an expression: {_describe(node)}")
        name = node.func.id
        if name in NUMBER_WRAPPERS:
            return self._number(node)
        if name == "Symbol":
            raise AnswerError(_unknown_name(_string_arg(node) if node.args else name, self.symbols))
        if name in self.symbols:
            raise AnswerError(f"{name} is a variable, not a function: write {name}*(...) for a product")
        if name not in self.functions:
            raise AnswerError(f"unknown function {name!r} (allowed: {', '.join(FUNCTIONS)})")
        args = [self.build(arg) for arg in node.args]
        arity = (1, 2) if name in ("log", "ln") else (1,)
        if len(args) not in arity:
            raise AnswerError(f"{name} takes {' or '.join(map(str, arity))} argument(s), got {len(args)}")
        if name in ("log", "ln") and len(args) == 2:
            return self.sp.log(args[0]) / self.sp.log(args[1])
        return self.functions[name](*args)

    def _number(self, node: ast.Call) -> Any:
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant) or node.keywords:
            raise AnswerError("could not read a number in the expression")
        literal = node.args[0].value
        if isinstance(literal, bool) or not isinstance(literal, (int, str)):
            raise AnswerError("could not read a number in the expression")
        if len(str(literal)) > 40:
            raise AnswerError("a number in the expression has too many digits")
        # a decimal is the exact number it writes (0.1 is 1/10, not the float nearest it), so
        # constants are compared exactly; the exponent is bounded like a power's
        wrapper = "Rational" if node.func.id == "Float" else node.func.id
        exponent = str(literal).lower().partition("e")[2]
        if exponent and abs(int(exponent or 0)) > MAX_DIGITS:
            raise AnswerError("a number in the expression is too large or too small")
        try:
            return getattr(self.sp, wrapper)(literal)
        except (TypeError, ValueError):
            raise AnswerError(f"could not read the number {literal!r}") from None


def _call_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else None


def _string_arg(node: ast.Call) -> str:
    if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return _call_name(node) or "?"


def _unknown_name(name: str, symbols: dict) -> str:
    known = ", ".join(symbols) or "none"
    hint = ""
    if len(name) > 1 and all(c in symbols for c in name):
        hint = f"; write {'*'.join(name)} for a product"
    return f"unknown name {name!r} (variables: {known}{hint})"


def _describe(node: ast.AST) -> str:
    names = {"Attribute": "attribute access (.)", "Subscript": "indexing [ ]", "Lambda": "lambda",
             "Constant": "a bare literal", "Compare": "comparisons", "BoolOp": "and/or",
             "Tuple": "a tuple (comma)", "List": "a list", "Call": "this function call",
             "IfExp": "if/else", "Starred": "*", "keyword": "keyword arguments"}
    return names.get(type(node).__name__, type(node).__name__)


def parse_expression(text: Any, variables: tuple[str, ...], positive: tuple[str, ...] = ()) -> Any:
    """User text -> SymPy expression in the declared ``variables``; raises ``AnswerError``."""
    if isinstance(text, str) and isinstance(variables, tuple) and isinstance(positive, tuple):
        # a problem reads its answer and each mistake's more than once (and a sampler redraws):
        # the same text gives the same (immutable) expression, so it is read once
        return _parse_once(text, variables, positive)
    return _parse(text, variables, positive)


@lru_cache(maxsize=1024)
def _parse_once(text: str, variables: tuple[str, ...], positive: tuple[str, ...]) -> Any:
    return _parse(text, variables, positive)


def _parse(text: Any, variables: tuple[str, ...], positive: tuple[str, ...]) -> Any:
    import sympy as sp

    from mpcheck.limits import TimeLimitExceeded, time_limit

    clean = _check_raw(text)
    symbols = {name: sp.Symbol(name, positive=True) if name in positive else sp.Symbol(name, real=True)
               for name in variables}
    try:
        with time_limit(TIME_LIMIT_S):
            source = _to_python_source(clean, variables)
            try:
                tree = ast.parse(source, mode="eval")
            except (SyntaxError, ValueError):
                raise AnswerError("could not read the expression: check the operators and "
                                  "parentheses") from None
            expr = _Builder(symbols).build(tree)
    except TimeLimitExceeded:
        raise AnswerError("the expression is too complex to check in time") from None
    except RecursionError:
        raise AnswerError("the expression nests too deeply") from None
    if not isinstance(expr, sp.Expr) or expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise AnswerError("the expression is undefined (e.g. a division by zero)")
    return expr
