"""An operation runs as one batch: Python's cyclic garbage collector waits until it has ended.

collect and validate make a great many short-lived objects (cell values, XML elements, rows) and
keep most of them to the end; the collector would walk all of them several times during one run
(up to a tenth of collect's time, and most of its run-to-run spread) and free next to nothing.
Reference counting still frees everything at once; cycles left behind are collected after the run.
An operation called from another (the demo runs collect) leaves the pause to the outer one.
"""
from __future__ import annotations

import functools
import gc
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)


def batch(func: F) -> F:
    @functools.wraps(func)
    def run(*args, **kwargs):
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.enable()
    return run  # type: ignore[return-value]
