"""Remember recent results per params object.

A problem's answer and each of its mistakes are computed from the same params object, and the
redraw loop that keeps mistakes distinguishable asks for each mistake twice. Params are never changed
in place, so a result keyed by the object's identity stays right; each entry keeps its params alive,
so that identity cannot be reused while the entry is cached.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

SIZE = 256
_CACHE: OrderedDict = OrderedDict()


def memo(params: dict, key: tuple, compute: Callable[[], Any]) -> Any:
    full = (id(params), *key)
    hit = _CACHE.get(full)
    if hit is not None and hit[0] is params:
        return hit[1]
    value = compute()
    _CACHE[full] = (params, value)
    if len(_CACHE) > SIZE:
        _CACHE.popitem(last=False)
    return value
