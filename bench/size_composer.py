"""The guideline composer at real size (part of `make bench-size`): the composer page of a draft
edition of a program with 1,000 municipalities (bench/guide.py's synthetic program: each with
a completed local process, 40 accepted recommendations), as the program office opens it: the
first load (nothing computed yet) against the loads after it (what is kept until something
relevant changes), and once more after a change of a result. Everything is made in a
transaction that is rolled back."""

import statistics
import time

from django.db import transaction
from django.urls import reverse

from bruecken import cache as content_cache
from bruecken.programs.models import Result

from .common import client_settings, fetch, staff_client
from .guide import create_data
from .timing import percentile, ratio, time_calls

TARGET_MS = 300
MUNICIPALITIES = 1_000
RECOMMENDATIONS = 40
# Official keys with a 7 after the state: neither the dataset's (9) nor the import's (8).
AGS_DIGIT = 7


class Rollback(Exception):
    pass


def measure(context):
    count = max(2, round(MUNICIPALITIES * context.scale))
    write, options = context.write, context.options
    write(
        f"\nGuideline composer: a draft edition of a program with {count:,} municipalities and "
        f"{RECOMMENDATIONS} accepted recommendations (made in a transaction rolled back "
        "afterwards) …"
    )
    figures = {}
    try:
        with transaction.atomic(), client_settings():
            started = time.perf_counter()
            edition = create_data(count, RECOMMENDATIONS, ags_digit=AGS_DIGIT)
            write(f"Generated in {time.perf_counter() - started:.1f} s.")
            client = staff_client(context.office)
            path = reverse("guide:edition_detail", args=[edition.pk])
            started = time.perf_counter()
            page = fetch(client, path)
            figures["first"] = time.perf_counter() - started
            timings, page, _log = time_calls(
                lambda: fetch(client, path), options["requests"], 0, queries=False
            )
            wall = [seconds for seconds, _cpu in timings]
            figures["next"], figures["p90"] = statistics.median(wall), percentile(wall, 90)
            figures["kb"] = len(page.content) / 1000
            # A change that the edition shows: the next load computes again. Its commit counts
            # the content version up; in this transaction, rolled back, that is done here.
            result = Result.objects.filter(workshop__program=edition.program).first()
            result.text += " (geändert)"
            result.save()
            if hasattr(content_cache, "bump"):
                content_cache.bump()
            started = time.perf_counter()
            fetch(client, path)
            figures["changed"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    header = f"{'composer page':<34} {'time':>9} {'p90':>9}"
    context.command.write_table(header)
    write(f"{'first load (computes)':<34} {figures['first'] * 1000:>7.0f}ms")
    write(
        f"{'next loads (median)':<34} {figures['next'] * 1000:>7.1f}ms "
        f"{figures['p90'] * 1000:>7.1f}ms"
    )
    write(f"{'first load after a result changed':<34} {figures['changed'] * 1000:>7.0f}ms")
    write(
        f"The page is {figures['kb']:.0f} KB; ratio first / next: "
        f"{ratio(figures['first'], figures['next']):.1f}×. Target ≤ {TARGET_MS} ms "
        f"at {MUNICIPALITIES:,} municipalities for the page as users load it (the next loads)."
    )
    context.add(
        f"composer, {count:,} municipalities (next loads)",
        f"{figures['next'] * 1000:.0f} ms",
        f"≤ {TARGET_MS} ms",
        f"first load {figures['first'] * 1000:,.0f} ms",
        f"{ratio(figures['first'], figures['next']):.1f}×",
        figures["next"] * 1000 <= TARGET_MS,
    )
