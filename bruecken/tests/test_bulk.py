"""bruecken/bulk.py: the cycle collector paused for bulk work."""

import gc
import threading

import pytest

from bruecken import bulk


@pytest.fixture
def collector_on():
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_paused_inside_and_on_again_after(collector_on):
    with bulk.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error(collector_on):
    with pytest.raises(RuntimeError), bulk.collector_paused():
        raise RuntimeError("bug")
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outermost(collector_on):
    with bulk.collector_paused():
        with bulk.collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with bulk.collector_paused():
        pass
    assert not gc.isenabled()


def test_as_a_decorator(collector_on):
    @bulk.collector_paused()
    def work():
        return gc.isenabled()

    assert work() is False
    assert work() is False  # a fresh pause on each call
    assert gc.isenabled()


def test_overlapping_pauses_of_two_threads(collector_on):
    """The first to end leaves it off for the other; on again when both have ended."""
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with bulk.collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with bulk.collector_paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first ended"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"after the first ended": False}
    assert gc.isenabled()
