"""Benchmark the API's organisation list on the synthetic dataset of `make bench`.

Fills (or reuses) the dataset of `make bench` (50,000 organisations, 200,000 people),
then requests /api/v1/organisations at page size 50 through the Django test client: anonymously
and with a municipal coordinator's token, unfiltered, filtered, and deep in the list. Each case
is compared with a baseline: the same rows fetched with one hand-written queryset (count plus
page, the many-to-many lists) and serialised to JSON by hand. Target: median ≤ 50 ms."""

import json
import statistics

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from bruecken.actors.models import Organisation
from bruecken.api import services
from bruecken.api.models import ApiToken

from .common import check_database, client_settings, fetch, migrate
from .dataset import DatasetCommand, bench_users, prepare_dataset
from .timing import percentile, ratio, time_calls

TARGET_MS = 50
PAGE_SIZE = 50
TOKEN_NAME = "bench"  # noqa: S105 (the name, not the secret)


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


class Command(DatasetCommand):
    help = "Time the API's organisation list (page size 50) on a synthetic dataset."

    def handle(self, *args, **options):
        check_database(options["yes"], "bench-api", database="bench")
        migrate(self.stdout)
        prepare_dataset(self, options["organisations"], options["people"])
        _office, coordinator = bench_users()
        ApiToken.objects.filter(user=coordinator, name=TOKEN_NAME).delete()
        _token, raw = services.create_token(coordinator, TOKEN_NAME)
        with client_settings(API_RATE_LIMIT_ANONYMOUS=0, API_RATE_LIMIT_TOKEN=0):
            results = self.measure(coordinator, raw, options)
        self.report(results, options)

    def measure(self, coordinator, raw, options):
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
                return fetch(client, "/api/v1/organisations", query, headers)

            def base(user=user, params=params, offset=offset):
                return baseline(Organisation.visibility_q(user), params, offset)

            timed = options["requests"], options["warmup"]
            with override_settings(WEBSITE_CACHE_SECONDS=600 if cached else 0):
                api_times, _response, log = time_calls(call, *timed)
            base_times, _result, _log = time_calls(base, *timed)
            api_times = [wall for wall, _cpu in api_times]
            rows = len(call().json()["results"])
            results.append(
                {
                    "case": f"{who}, {describe(params)}, offset {offset:,}",
                    "rows": rows,
                    "median": statistics.median(api_times) * 1000,
                    "p95": percentile(api_times, 95) * 1000,
                    "baseline": statistics.median(wall for wall, _cpu in base_times) * 1000,
                    "queries": log.mean_queries(),
                    "first_page": offset == 0 and cached,
                }
            )
        return results

    def report(self, results, options):
        self.stdout.write(
            f"\nGET /api/v1/organisations, page size {PAGE_SIZE}, {options['requests']} timed "
            f"requests per case ({connection.vendor}):\n"
        )
        self.write_table(
            f"{'case':58} {'rows':>4} {'median':>9} {'p95':>9} {'baseline':>9} {'ratio':>6} "
            f"{'queries':>7}",
            "-",
        )
        worst = 0
        for r in results:
            if r["first_page"]:
                worst = max(worst, r["median"])
            self.stdout.write(
                f"{r['case']:58} {r['rows']:>4} {r['median']:>7.1f}ms {r['p95']:>7.1f}ms "
                f"{r['baseline']:>7.1f}ms {ratio(r['median'], r['baseline']):>5.1f}× "
                f"{r['queries']:>7.1f}"
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
