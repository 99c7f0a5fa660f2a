"""The file ``mpcheck exercise start`` writes, and reading back which exercise a file is.

The signature is the solution's, read from its source with ``ast`` (nothing is imported, so
writing a skeleton needs no torch); names its annotations use (``Tensor``, ``Callable``) are
brought along from the solution's module, and the annotations are never evaluated.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
import re
import textwrap

from mpcheck.api import Reference
from mpcheck.errors import UserError

HEADER = "# mpcheck exercise: {key}"
HEADER_LINES = 30
_HEADER_RE = re.compile(r"^#\s*mpcheck exercise:\s*([\w.-]+/[\w.-]+)\s*$")
WIDTH = 100


def exercise_key(text: str) -> str | None:
    """``"cnn/conv2d"`` from a ``# mpcheck exercise: cnn/conv2d`` line near the top, else None."""
    for line in text.splitlines()[:HEADER_LINES]:
        found = _HEADER_RE.match(line.strip())
        if found:
            return found.group(1)
    return None


def default_filename(reference: Reference) -> str:
    return f"{reference.exercise.function}.py"


def _module_tree(spec: str) -> tuple[ast.Module, str]:
    module_name, _, function = spec.partition(":")
    found = importlib.util.find_spec(module_name)
    if found is None or not found.origin:
        raise UserError(f"cannot find the module {module_name}")
    with open(found.origin, encoding="utf-8") as file:
        return ast.parse(file.read()), function


def _argument(arg: ast.arg, default: ast.expr | None) -> str:
    text = arg.arg + (f": {ast.unparse(arg.annotation)}" if arg.annotation else "")
    if default is not None:
        text += (" = " if arg.annotation else "=") + ast.unparse(default)
    return text


def _parameters(args: ast.arguments) -> list[str]:
    positional = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out = [_argument(a, d) for a, d in zip(positional, defaults)]
    if args.posonlyargs:
        out.insert(len(args.posonlyargs), "/")
    if args.vararg:
        out.append("*" + _argument(args.vararg, None))
    elif args.kwonlyargs:
        out.append("*")
    out += [_argument(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    if args.kwarg:
        out.append("**" + _argument(args.kwarg, None))
    return out


def _def_line(name: str, node: ast.FunctionDef) -> str:
    """``def name(...) -> ...:``, wrapped under the opening parenthesis when too long."""
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    params = _parameters(node.args)
    opening = f"def {name}("
    line = opening + ", ".join(params) + f"){returns}:"
    if len(line) <= WIDTH:
        return line
    lines, current = [], opening
    for i, param in enumerate(params):
        piece = param + ("," if i < len(params) - 1 else f"){returns}:")
        if current.strip() and len(current) + len(piece) + 1 > WIDTH and current != opening:
            lines.append(current.rstrip())
            current = " " * len(opening)
        current += piece + " "
    return "\n".join([*lines, current.rstrip()])


def _annotation_names(node: ast.FunctionDef) -> set[str]:
    annotations = [a.annotation for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                                          node.args.vararg, node.args.kwarg) if a is not None and a.annotation]
    if node.returns:
        annotations.append(node.returns)
    return {n.id for a in annotations for n in ast.walk(a) if isinstance(n, ast.Name)}


def _definitions(tree: ast.Module, names: set[str]) -> list[str]:
    """The module-level lines of the solution's module that define ``names`` (imports, aliases)."""
    lines = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            kept = [a for a in stmt.names if (a.asname or a.name.split(".")[0]) in names]
            if kept:
                copy = ast.ImportFrom(stmt.module, kept, stmt.level) if isinstance(stmt, ast.ImportFrom) else ast.Import(kept)
                lines.append(ast.unparse(copy))
        elif isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id in names for t in stmt.targets):
            lines.append(ast.unparse(stmt))
    return lines


def _wrap_prose(line: str, indent: str) -> list[str]:
    """Wrap a line of the docstring at spaces outside ``$…$`` math; display math stays whole."""
    if not line:
        return [""]
    if len(indent + line) <= WIDTH or line.lstrip().startswith("$$"):
        return [indent + line]
    words, in_math = [], False
    for piece in line.split(" "):  # glue the words of each $…$ together: no break inside math
        if in_math:
            words[-1] += "\0" + piece
        else:
            words.append(piece)
        in_math ^= piece.count("$") % 2 == 1
    wrapped = textwrap.wrap(" ".join(words), WIDTH, initial_indent=indent, subsequent_indent=indent,
                            break_long_words=False, break_on_hyphens=False)
    return [w.replace("\0", " ") for w in wrapped]


def docstring(doc: str, indent: str = "    ") -> str:
    """The exercise's text as a raw docstring (its LaTeX keeps its backslashes)."""
    body = [out for line in doc.replace('"""', "'''").splitlines() for out in _wrap_prose(line, indent)]
    return f'{indent}r"""' + body[0].lstrip() + "\n" + "\n".join(body[1:]) + ("\n" if len(body) > 1 else "") + \
        f'{indent}"""'


def skeleton(reference: Reference, filename: str) -> str:
    """The student's starting file: header, what is not allowed, imports, and the function to write."""
    exercise = reference.exercise
    tree, solution_name = _module_tree(exercise.solution)
    node = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == solution_name), None)
    if node is None:
        raise UserError(f"cannot find {solution_name} in {exercise.solution}")
    imports = list(exercise.imports)
    code = [line.split("#")[0].split() for line in imports]
    bound = {words[-1] if "as" in words else words[1].split(".")[0] for words in code if words and words[0] == "import"}
    wanted = _annotation_names(node) - set(dir(builtins)) - bound
    extra = [line for line in _definitions(tree, wanted) if line not in imports]
    is_import = [line.startswith(("import ", "from ")) for line in extra]
    imports = [*(line for line, i in zip(extra, is_import) if i), *imports]
    aliases = [line for line, i in zip(extra, is_import) if not i]
    header = [HEADER.format(key=reference.key),
              f"# {reference.title}. Write {exercise.function} below, then check it:",
              f"#     mpcheck exercise check {filename}",
              f"# (--hint for a hint). The oracle: {reference.oracle}."]
    if exercise.forbidden:
        header += textwrap.wrap("Not allowed here (they raise an error): " + ", ".join(exercise.forbidden) + ".",
                                WIDTH - 2, initial_indent="# ", subsequent_indent="#     ")
    definition = _def_line(exercise.function, node) + "\n" + docstring(exercise.doc) + "\n    raise NotImplementedError"
    return ("\n".join(header) + "\n\nfrom __future__ import annotations\n\n" + "\n".join(imports)
            + "".join("\n\n" + line for line in aliases) + "\n\n\n" + definition + "\n")
