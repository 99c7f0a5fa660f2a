"""Registering the cnn topic stays cheap: no numpy, sympy or torch until a problem runs."""

import subprocess
import sys

CODE = """
import sys
import mpcheck_cnn
from mpcheck_cnn import backward, forward, grids, layers, pooling, sizes, transposed, references, derivations
registered = []
for hook in (mpcheck_cnn.register_topics, mpcheck_cnn.register_generators,
             mpcheck_cnn.register_derivations, mpcheck_cnn.register_references):
    hook(registered.append)
print(len(registered), sorted(m for m in ("numpy", "sympy", "torch") if m in sys.modules))
"""


def test_plugin_registers_without_heavy_imports():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    count, heavy = result.stdout.split(maxsplit=1)
    # 1 topic + 13 generators + at least 10 questions + 1 derivation + 6 references
    assert int(count) >= 31
    assert heavy.strip() == "[]"
