"""For tests that run a pipeline in a child process and kill it mid-transaction
(test_batching, test_poll_batches): a method that ends the process at its Nth call, and a
clock for ``Store.batches`` that moves a tenth of a second at each reading."""

from __future__ import annotations

import os
from collections.abc import Callable
from itertools import count


def crash_at_call(target: object, name: str, call: int) -> None:
    """Replace ``target.name`` so that its ``call``-th call ends the process (exit 3)."""
    method, calls = getattr(target, name), count(1)

    def crashing(*args: object, **kwargs: object) -> object:
        if next(calls) == call:
            os._exit(3)  # killed mid-transaction: no rollback, no cleanup
        return method(*args, **kwargs)

    setattr(target, name, crashing)


def ticking(step: float = 0.1) -> Callable[[], float]:
    """A timer for ``Pipeline(timer=...)``: ``step`` seconds later at each reading."""
    ticks = count()
    return lambda: step * next(ticks)
