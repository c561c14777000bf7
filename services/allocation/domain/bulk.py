"""Many instances of a frozen, slotted dataclass at once, for columns already validated.

A draw rebuilds 200,000 ``PoolEntry`` and 50,000 ``Unit`` objects from a frozen snapshot.
One by one, the generated ``__init__`` + ``__post_init__`` cost ~2 µs each (0.4 s at
200,000); here the checks run once per column (``ranking.pool_from_columns``,
``stock.units_from_columns``) and the slots are filled by C-level loops with the same slot
setter the generated ``__init__`` reaches through ``object.__setattr__``.
"""
from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Sequence
from itertools import repeat


def build(cls: type, columns: Sequence[Sequence]) -> list:
    """``[cls(*row) for row in zip(*columns)]`` minus ``__post_init__``: only for columns the
    caller has checked to pass it unchanged. One column per field, in field order."""
    names = [f.name for f in dataclasses.fields(cls)]
    if len(columns) != len(names):
        raise ValueError(f"{cls.__name__}: {len(columns)} columns for {len(names)} fields")
    n = len(columns[0]) if columns else 0
    if any(len(c) != n for c in columns):
        raise ValueError(f"{cls.__name__}: columns of different lengths")
    objs = list(map(object.__new__, repeat(cls, n)))
    for name, column in zip(names, columns, strict=True):
        deque(map(getattr(cls, name).__set__, objs, column), maxlen=0)  # consume: set every slot
    return objs


def all_of_type(column: Sequence, kind: type) -> bool:
    """Every value is exactly ``kind`` (``type(v) is kind``; so True is not an int)."""
    return not column or set(map(type, column)) == {kind}
