"""Building millions of small objects at once (a roster's pairs, a pool's codes)."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off while millions of small lists, tuples and sets are
    built (each collection would walk them all again; they form no cycles), then back as
    it was.  Garbage made meanwhile is collected at the next collection after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` run inside :func:`no_gc`."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with no_gc():
            return fn(*args, **kwargs)

    return run
