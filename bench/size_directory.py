"""The public directory on a cache miss at real size (part of `make bench-size`), served as in
production (gunicorn through `bruecken serve`, DEBUG off, the page cache on) over HTTP: every
request asks an address nobody asked before (another query string), alone and from 32
concurrent connections; the baseline is a static file from the same server. Reuses the server
machinery of `make bench-website` (bench/website.py)."""

import http.client
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from .timing import percentile, ratio
from .website import (
    DEFAULT_FILTERS,
    STATIC_PATH,
    Case,
    Server,
    check,
    collected_static,
    kept_static_root,
    result_count,
    server_database_url,
    server_environ,
)

TARGET_MS = 20
CONNECTIONS = 32
# Requests per connection under load.
PER_CONNECTION = 8


def cases():
    """(label, the Case checking the response, the address without the fresh part)."""
    with translation.override(settings.LANGUAGE_CODE):
        directory = reverse("website:directory")
    expected = [f'<html lang="{settings.LANGUAGE_CODE}"']
    found = []
    for label, query in (("filtered", DEFAULT_FILTERS), ("text search", "q=athiopisch")):
        path = f"{directory}?{query}"
        found.append(
            Case("directory", f"directory, {label}", settings.LANGUAGE_CODE, path, expected)
        )
    return found


def fresh(path, token, number):
    return f"{path}&visit={token}-{number}"


def alone(server, case, token, warmup, requests):
    """Sequential requests, each to a new address; round trips and the server's own times."""
    seconds, last = [], None
    for number in range(warmup + requests):
        response = server.get(fresh(case.path, token, number))
        check(case, response)
        if number >= warmup:
            seconds.append(response.seconds)
        last = response
    server_times = server_seconds(server, case.path + f"&visit={token}-", warmup + requests)
    return {
        "median": statistics.median(seconds),
        "p90": percentile(seconds, 90),
        "server": statistics.median(server_times[warmup:]) if server_times else None,
        "kb": len(last.body) / 1000,
        "found": result_count(last.text),
    }


def server_seconds(server, prefix, wanted):
    """gunicorn's own time of the requests whose address starts with `prefix`, from its access
    log (status|µs|path|query); a worker writes its line after the response: wait for them."""
    deadline = time.monotonic() + 5
    while True:
        found = []
        for line in server.access_lines():
            status, micros, path, query = [*line.split("|", 3), "", "", ""][:4]
            if status == "200" and micros.isdigit() and f"{path}?{query}".startswith(prefix):
                found.append(int(micros) / 1_000_000)
        if len(found) >= wanted or time.monotonic() > deadline:
            return found if len(found) >= wanted else []
        time.sleep(0.05)


def under_load(port, case, token, connections, per_connection):
    """`connections` clients at once, each its own connection (opened again after every
    response: the sync workers close it), each asking `per_connection` new addresses."""
    latencies, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(connections)

    def client(index):
        barrier.wait()
        for number in range(per_connection):
            path = fresh(case.path, f"{token}L{index}", number)
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                connection.close()
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(str(error))
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if response.status == 200 and b"<html" in body:
                    latencies.append(elapsed)
                else:
                    errors.append(f"status {response.status}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors or not latencies:
        raise CommandError(f"Under load: {len(errors)} failed requests, e.g. {errors[:3]}")
    return {
        "median": statistics.median(latencies),
        "p90": percentile(latencies, 90),
        "throughput": len(latencies) / wall,
        "requests": len(latencies),
    }


def static_median(server, requests):
    seconds = []
    for _ in range(requests):
        response = server.get(STATIC_PATH)
        if response.status != 200:
            raise CommandError(f"{STATIC_PATH}: status {response.status}")
        seconds.append(response.seconds)
    return statistics.median(seconds)


def measure(context):
    options, write = context.options, context.write
    connections = options["connections"]
    database_url = server_database_url()
    token = secrets.token_hex(4)
    results = {}
    static_root = kept_static_root("bench-size-static")
    with tempfile.TemporaryDirectory(prefix="bench-size-") as tmp:
        environ = {
            **server_environ(database_url, static_root, options["workers"]),
            "DJANGO_SETTINGS_MODULE": "bench.server_settings",
        }
        write("\nPublic directory:")
        collected_static(environ, write)
        seconds = settings.WEBSITE_CACHE_SECONDS or 600
        with Server({**environ, "WEBSITE_CACHE_SECONDS": str(seconds)}, Path(tmp) / "a.log") as s:
            static = static_median(s, options["requests"])
            for case in cases():
                results[case.label] = alone(s, case, token, options["warmup"], options["requests"])
            load_case = cases()[0]
            load = under_load(s.port, load_case, token, connections, PER_CONNECTION)
    write(
        f"Served by gunicorn ({options['workers']} sync workers, DEBUG off, page cache on), each "
        f"request to an address nobody asked before; {options['requests']} requests alone after "
        f"{options['warmup']} warm-up; static file median {static * 1000:.1f} ms (baseline)."
    )
    header = (
        f"{'page':<26} {'found':>6} {'KB':>6} {'median':>9} {'p90':>9} {'server':>9} │ {'ratio':>7}"
    )
    context.command.write_table(header)
    for label, r in results.items():
        server = f"{r['server'] * 1000:>7.1f}ms" if r["server"] is not None else f"{'–':>9}"
        found = f"{r['found']:,}" if r["found"] is not None else "?"
        write(
            f"{label:<26} {found:>6} {r['kb']:>6.0f} {r['median'] * 1000:>7.1f}ms "
            f"{r['p90'] * 1000:>7.1f}ms {server} │ {ratio(r['median'], static):>6.1f}×"
        )
    write(
        f"{load_case.label + f', {connections} conn.':<26} {'':>6} {'':>6} "
        f"{load['median'] * 1000:>7.1f}ms {load['p90'] * 1000:>7.1f}ms {'':>9} │ "
        f"{ratio(load['median'], static):>6.1f}×   {load['throughput']:.1f} requests/s "
        f"({load['requests']} requests)"
    )
    write(
        "median, p90: the round trip measured by the client; server: gunicorn's own request "
        "time; ratio: median / the static file's median. Under load every connection waits for "
        "a free worker: the median there is mostly queueing."
    )
    for label, r in results.items():
        context.add(
            f"{label} on a cache miss",
            f"{r['median'] * 1000:.1f} ms",
            f"≤ {TARGET_MS} ms",
            f"static file {static * 1000:.1f} ms",
            f"{ratio(r['median'], static):.1f}×",
            r["median"] * 1000 <= TARGET_MS,
        )
    context.add(
        f"{load_case.label}, {connections} connections",
        f"{load['median'] * 1000:.0f} ms",
        "",
        f"{load['throughput']:.1f} requests/s",
        "",
    )
