"""macros.batch: the cyclic collector waits while an operation runs, and is back on afterwards."""
import gc

import pytest

from macros.batch import batch
from macros.collect import run_collect
from macros.validate import run_validate


def test_the_collector_waits_during_the_operation_and_is_back_after_it():
    seen = []

    @batch
    def operation():
        seen.append(gc.isenabled())
        return "done"

    assert gc.isenabled()
    assert operation() == "done"
    assert seen == [False] and gc.isenabled()


def test_the_collector_is_back_after_an_error():
    @batch
    def failing():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        failing()
    assert gc.isenabled()


def test_an_inner_operation_leaves_the_pause_to_the_outer_one():
    seen = []

    @batch
    def inner():
        seen.append(("inner", gc.isenabled()))

    @batch
    def outer():
        inner()
        seen.append(("outer after inner", gc.isenabled()))

    outer()
    assert seen == [("inner", False), ("outer after inner", False)] and gc.isenabled()


def test_collect_and_validate_run_as_batches():
    assert run_collect.__wrapped__ and run_validate.__wrapped__
