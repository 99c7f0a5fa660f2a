"""Start-up time of the CLI against two floors, in fresh interpreters, interleaved.

- the DESIGN floor: a bare Typer app with as many commands, each printing "ok";
- the work-matched floor: the same app, but its `check` imports numpy and draws from
  ``numpy.random.default_rng`` (the contract seeds problems with numpy's Generator, so no
  numeric check can do less), so that the ratio shows mpcheck's own overhead.

Budgets (DESIGN.md): `--help` and `topics` ≤ 1.2× the floor; a numeric `check` ≤ 1.5×.
mpcheck's runs find the catalogue of registered problems already written (one run before the
timing writes it), as every run after the first does.

    python benchmarks/startup.py [--runs 21] [--check]

With --check the exit code is 1 when a budget against the DESIGN floor is exceeded.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

FLOOR_TEMPLATE = '''
import typer
app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode="rich",
                  pretty_exceptions_enable=False)
{commands}
app()
'''

COMMAND_TEMPLATE = '''
@app.command("{name}")
def command_{index}(topic: str = typer.Argument(None), json: bool = typer.Option(False, "--json"),
                    seed: int = typer.Option(None, "--seed"), answer: str = typer.Option(None, "--answer"),
                    params: str = typer.Option(None, "--params")):
    """Command {index}: a docstring of typical length for the help screen."""
    {body}
'''

WORK = {  # what the work-matched floor does in these commands
    "check": """if seed is not None:
        import numpy
        numpy.random.default_rng(seed).integers(0, 10, size=8)
    print("ok")""",
}

PARAMS = ('{"in_channels": 64, "height": 62, "width": 62, "out_channels": 128, "kernel": 3, '
          '"padding": 2, "stride": 1, "dilation": 1}')
CASES = [  # (label, args for both apps, budget)
    ("--help", ["--help"], 1.2),
    ("topics", ["topics"], 1.2),
    ("check --seed", ["check", "cnn.conv-output-size", "--seed", "1", "--answer", "16x15x15"], 1.5),
    # the same problem from explicit params: no draw from numpy, so no numpy at all
    ("check --params", ["check", "cnn.conv-output-size", "--params", PARAMS, "--answer", "128x64x64"], 1.5),
]


def command_names() -> list[str]:
    from mpcheck.cli import app
    from mpcheck.host import plugins

    plugins.add_commands(app)
    return [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]


def write_floor(directory: Path, work: bool) -> Path:
    names = command_names()
    for required in ("topics", "check"):
        if required not in names:
            names.append(required)
    commands = "".join(COMMAND_TEMPLATE.format(name=n, index=i, body=WORK.get(n, 'print("ok")') if work
                                               else 'print("ok")') for i, n in enumerate(names))
    path = directory / ("work_floor_app.py" if work else "floor_app.py")
    path.write_text(FLOOR_TEMPLATE.format(commands=textwrap.dedent(commands)))
    return path


def mpcheck_command() -> list[str]:
    """The console script a user runs (falls back to ``python -m mpcheck``)."""
    script = Path(sys.executable).with_name("mpcheck")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mpcheck"]



def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def compile_bytecode() -> None:
    """Byte-compile mpcheck and its plugins first, as ``pip install`` does: otherwise, with
    PYTHONDONTWRITEBYTECODE set, every run would compile our sources and not the floor's."""
    import compileall
    import importlib.util

    from mpcheck.host import entrypoints

    packages = {"mpcheck", *(e.value.partition(":")[0].split(".")[0] for e in entrypoints.plugin_entries())}
    for name in sorted(packages):
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                compileall.compile_dir(folder, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--check", action="store_true", help="exit 1 when a budget is exceeded")
    args = parser.parse_args()
    over = False
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        floor, matched = write_floor(Path(tmp), work=False), write_floor(Path(tmp), work=True)
        print(f"{'command':<16}{'mpcheck ms':>11}{'floor ms':>10}{'ratio':>7}{'budget':>8}"
              f"{'work-matched ms':>17}{'ratio':>7}")
        for label, argv, budget in CASES:
            wall([*mpcheck_command(), *argv])  # writes the caches a first run writes
            mine, base, same_work = [], [], []
            for _ in range(args.runs):  # interleaved, so drift hits all alike
                mine.append(wall([*mpcheck_command(), *argv]))
                base.append(wall([sys.executable, str(floor), *argv]))
                same_work.append(wall([sys.executable, str(matched), *argv]))
            m, b, w = (statistics.median(x) * 1000 for x in (mine, base, same_work))
            over |= m / b > budget
            flag = "" if m / b <= budget else "  OVER"
            print(f"{label:<16}{m:>11.1f}{b:>10.1f}{m / b:>7.2f}{budget:>8.1f}{w:>17.1f}{m / w:>7.2f}{flag}")
    return 1 if (over and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
