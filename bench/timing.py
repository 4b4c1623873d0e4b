"""Timing the benchmarks: wall clock and CPU time per call, the queries each call made (with
the time execute() took), percentiles, ratios and the plans of queries."""

import statistics
import time
from contextlib import nullcontext

from django.db import connection


def time_calls(call, times, warmup=0, offset=0, queries=True):
    """Seconds per call (wall clock, and CPU time of this process, which includes SQLite's), the
    last call's result, and the log of the calls' queries (empty unless `queries`). The calls
    are made `offset` frames deeper than this function."""
    for _ in range(warmup):
        call()
    timings, log = [], QueryLog()
    with connection.execute_wrapper(log) if queries else nullcontext():
        for _ in range(times):
            log.calls.append([])
            started, cpu = time.perf_counter(), time.process_time()
            result = deeper(offset, call)
            timings.append((time.perf_counter() - started, time.process_time() - cpu))
    return timings, result, log


def deeper(frames, call):
    return deeper(frames - 1, call) if frames else call()


def clock(call):
    """One call: its result, and its wall-clock and CPU seconds."""
    [(wall, cpu)], result, _log = time_calls(call, 1, queries=False)
    return result, wall, cpu


def figures(timings, log):
    """The figures of timed calls: wall clock (median and p90), CPU and database time (median),
    and the queries per call."""
    wall = [seconds for seconds, _cpu in timings]
    return {
        "median": statistics.median(wall),
        "p90": percentile(wall, 90),
        "cpu": statistics.median(cpu for _wall, cpu in timings),
        "db": statistics.median(
            sum(seconds for _sql, _params, seconds in call) for call in log.calls
        ),
        "queries": log.queries_per_call(),
    }


class QueryLog:
    """Each call's queries with the time execute() took (a database execute wrapper; cheaper
    than CaptureQueriesContext's debug cursor, and precise below a millisecond)."""

    def __init__(self):
        self.calls = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.calls[-1].append((sql, params, time.perf_counter() - started))

    def queries_per_call(self):
        counts = sorted({len(queries) for queries in self.calls})
        return counts[0] if len(counts) == 1 else counts

    def mean_queries(self):
        return statistics.mean(len(queries) for queries in self.calls)

    def last_call(self):
        return self.calls[-1]


def percentile(values, pct):
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def explain(write, title, queries, chosen):
    """Each query with the time execute() took, and the plans of the `chosen` ones."""
    # SQLite computes most of a page's rows while they are fetched, after execute().
    write(f"\n{title}: {len(queries)} queries, time in execute()")
    for sql, _params, seconds in queries:
        write(f"  {seconds * 1000:8.2f} ms  {sql[:140]}")
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    for sql, params, _seconds in chosen:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            plan = cursor.fetchall()
        write(f"  {sql}\n  with {params}; its plan:")
        for row in plan:
            write("    " + " ".join(str(part) for part in row))


def ratio(value, baseline):
    return value / baseline if baseline else float("inf")


def time_within(call, requests, warmup=1, budget=5.0, queries=False):
    """Like time_calls, but fewer timed calls where one takes long: at most `requests`, as many
    as fit in `budget` seconds by the first (untimed) call, at least 3; where that call alone
    took longer than the budget, it is the one timing (a warm cache saves nothing noticeable
    then). Pages that take seconds today still finish in minutes."""
    started, cpu = time.perf_counter(), time.process_time()
    result = call()
    first = time.perf_counter() - started
    if first > budget:
        return [(first, time.process_time() - cpu)], result, QueryLog()
    for _ in range(warmup - 1):
        call()
    fit = int(budget / max(first, 1e-6))
    return time_calls(call, max(min(3, requests), min(requests, fit)), queries=queries)
