"""Benchmark the API's organisation list on the synthetic dataset of `make bench`.

Fills (or reuses) the dataset of `bench_actor_list` (50,000 organisations, 200,000 people),
then requests /api/v1/organisations at page size 50 through the Django test client: anonymously
and with a municipal coordinator's token, unfiltered, filtered, and deep in the list. Each case
is compared with a baseline: the same rows fetched with one hand-written queryset (count plus
page, the many-to-many lists) and serialised to JSON by hand. Target: median ≤ 50 ms."""

import json
import statistics
import time
import warnings

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation

from bruecken.actors.management.commands import bench_actor_list as actor_bench
from bruecken.actors.models import Organisation
from bruecken.api import services
from bruecken.api.models import ApiToken

TARGET_MS = 50
PAGE_SIZE = 50
TOKEN_NAME = "bench"  # noqa: S105 (the name, not the secret)


def percentile(values, pct):
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def baseline(user_filter, params, offset):
    """The rows of one page, fetched and serialised by hand: what the API cannot beat. Without
    the count, which the API keeps per content version (the "no cache" case counts)."""
    queryset = Organisation.objects.filter(user_filter)
    if params.get("kind"):
        queryset = queryset.filter(kind=params["kind"])
    rows = list(
        queryset.order_by("name_key", "pk").values(
            "pk", "name", "kind", "municipality_id", "municipality__name", "updated_at"
        )[offset : offset + PAGE_SIZE]
    )
    ids = [row["pk"] for row in rows]
    through = Organisation.countries.through
    countries = {}
    for organisation_id, code in through.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "country__code"
    ):
        countries.setdefault(organisation_id, []).append(code)
    return json.dumps(
        {
            "results": [
                {
                    **row,
                    "updated_at": row["updated_at"].isoformat(),
                    "countries": countries.get(row["pk"], []),
                }
                for row in rows
            ],
        }
    )


def describe(params):
    return ", ".join(f"{key}={value}" for key, value in params.items()) or "unfiltered"


class Command(BaseCommand):
    help = "Time the API's organisation list (page size 50) on a synthetic dataset."

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=actor_bench.DEFAULT_ORGANISATIONS)
        parser.add_argument("--people", type=int, default=actor_bench.DEFAULT_PEOPLE)
        parser.add_argument("--requests", type=int, default=30, help="Timed requests per case.")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests per case.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Fill an empty database whose name does not contain 'bench'.",
        )

    def handle(self, *args, **options):
        if min(options["organisations"] - 1, options["people"], options["requests"]) < 1:
            raise CommandError("Needs at least 2 organisations, 1 person and 1 request.")
        actor_bench.check_database(options["yes"])
        call_command("migrate", interactive=False, verbosity=0)
        actor_bench.check_schema()
        call_command("load_reference", stdout=self.stdout)
        actor_bench.Command(stdout=self.stdout).prepare_dataset(
            options["organisations"], options["people"]
        )
        _office, coordinator = actor_bench.bench_users()
        ApiToken.objects.filter(user=coordinator, name=TOKEN_NAME).delete()
        _token, raw = services.create_token(coordinator, TOKEN_NAME)
        with (
            warnings.catch_warnings(),
            translation.override(settings.LANGUAGE_CODE),
            override_settings(
                ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
                API_RATE_LIMIT_ANONYMOUS=0,
                API_RATE_LIMIT_TOKEN=0,
            ),
        ):
            warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
            results = self.measure(coordinator, raw, options)
        self.report(results, options)

    def measure(self, coordinator, raw, options):
        from django.contrib.auth.models import AnonymousUser

        from bruecken.actors.scopes import organisation_filter

        total = Organisation.objects.filter(consent_given_at__isnull=False).count()
        deep = max(min(total - PAGE_SIZE, total // 2), 0)
        token = {"Authorization": f"Bearer {raw}"}
        # (reader, filters, headers, offset, count cached per content version)
        cases = [
            ("anonymous", {}, {}, 0, True),
            ("anonymous", {"kind": "migrant_organisation"}, {}, 0, True),
            ("coordinator token", {}, token, 0, True),
            ("anonymous, no cache", {}, {}, 0, False),
            ("anonymous", {}, {}, deep, True),
        ]
        client = Client()
        results = []
        for who, params, headers, offset, cached in cases:
            user = coordinator if headers else AnonymousUser()
            query = {**params, "limit": PAGE_SIZE, "offset": offset}
            headers = {**headers, "Accept-Language": "de"}

            def call(query=query, headers=headers):
                response = client.get("/api/v1/organisations", query, headers=headers, secure=True)
                if response.status_code != 200:
                    raise CommandError(f"{response.status_code}: {response.content[:300]!r}")
                return response

            def base(user=user, params=params, offset=offset):
                return baseline(organisation_filter(user), params, offset)

            with override_settings(WEBSITE_CACHE_SECONDS=600 if cached else 0):
                api_times, queries = self.time(call, options)
            base_times, _ = self.time(base, options)
            rows = len(call().json()["results"])
            results.append(
                {
                    "case": f"{who}, {describe(params)}, offset {offset:,}",
                    "rows": rows,
                    "median": statistics.median(api_times) * 1000,
                    "p95": percentile(api_times, 95) * 1000,
                    "baseline": statistics.median(base_times) * 1000,
                    "queries": queries,
                    "first_page": offset == 0 and cached,
                }
            )
        return results

    def time(self, call, options):
        for _ in range(options["warmup"]):
            call()
        timings = []
        with CaptureQueriesContext(connection) as context:
            for _ in range(options["requests"]):
                started = time.perf_counter()
                call()
                timings.append(time.perf_counter() - started)
        return timings, len(context.captured_queries) / options["requests"]

    def report(self, results, options):
        self.stdout.write(
            f"\nGET /api/v1/organisations, page size {PAGE_SIZE}, {options['requests']} timed "
            f"requests per case ({connection.vendor}):\n"
        )
        header = (
            f"{'case':58} {'rows':>4} {'median':>9} {'p95':>9} {'baseline':>9} {'ratio':>6} "
            f"{'queries':>7}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        worst = 0
        for r in results:
            ratio = r["median"] / r["baseline"] if r["baseline"] else float("inf")
            if r["first_page"]:
                worst = max(worst, r["median"])
            self.stdout.write(
                f"{r['case']:58} {r['rows']:>4} {r['median']:>7.1f}ms {r['p95']:>7.1f}ms "
                f"{r['baseline']:>7.1f}ms {ratio:>5.1f}× {r['queries']:>7.1f}"
            )
        verdict = "met" if worst <= TARGET_MS else "MISSED"
        self.stdout.write(
            f"\nTarget median ≤ {TARGET_MS} ms for the first page of 50 as served (cache on): "
            f"{verdict} (slowest median {worst:.1f} ms)."
        )
        self.stdout.write(
            "The baseline fetches the same page with one hand-written queryset and serialises it "
            "by hand, without the count, filters by role, labels or the other lists. The API "
            "keeps the count per content version (website cache); the 'no cache' case counts "
            "every time. A page deep in the list walks the rows before it."
        )
