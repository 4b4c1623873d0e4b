"""How many calls bench/timing.py's time_within times: fewer where one takes long."""

from bench.timing import time_within


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.calls


def test_times_as_many_calls_as_asked_when_they_are_quick():
    call = Counter()
    timings, result, _log = time_within(call, 10, warmup=2, budget=60)
    assert len(timings) == 10
    assert call.calls == 12 and result == 12


def test_a_call_slower_than_the_budget_is_timed_once(monkeypatch):
    ticks = iter(range(0, 1000, 100))  # every call "takes" 100 s
    monkeypatch.setattr("bench.timing.time.perf_counter", lambda: next(ticks))
    call = Counter()
    timings, result, _log = time_within(call, 10, warmup=2, budget=5)
    assert call.calls == 1 and result == 1
    assert [wall for wall, _cpu in timings] == [100]


def test_never_more_than_asked():
    call = Counter()
    timings, _result, _log = time_within(call, 1, warmup=0, budget=60)
    assert len(timings) == 1
