"""Benchmark the staff organisation list on a large synthetic dataset (`make bench`).

The command fills a dedicated database with synthetic organisations, people, memberships and
ties (once; a second run reuses them), requests the organisation list as the program office and
as a municipal coordinator, and compares each page with one hand-written SQL query for the same
rows. It refuses databases that hold anything but its own data."""

import random
import re
import statistics
import time
import warnings
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from bruecken.accounts.models import Role, RoleAssignment, User
from bruecken.actors.models import (
    EngagementForm,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    Tie,
    TieKind,
    Topic,
    name_key,
)
from bruecken.places.models import (
    Country,
    FederalState,
    Language,
    Municipality,
    MunicipalityKind,
    WorldRegion,
    validate_ags,
)


def words(text):
    return text.split()


# Every organisation, person and user the command creates has an address at this domain; a
# database holding any other is not a bench database.
BENCH_DOMAIN = "bench.example"
OFFICE_EMAIL = f"office@{BENCH_DOMAIN}"
COORDINATOR_EMAIL = f"coordinator@{BENCH_DOMAIN}"
SEED = 20250
DEFAULT_ORGANISATIONS = 50_000
DEFAULT_PEOPLE = 200_000
MAX_MUNICIPALITIES = 400
ORGANISATIONS_PER_MUNICIPALITY = 125
TIES_PER_ORGANISATION = 2
CHUNK = 5_000
BATCH = 1_000
TARGET_MS = 150
STACK_OFFSET_STEP = 8

# Three filters and a search term that leave a few pages of results at 50,000 organisations:
# the search term is in about 7 % of the organisations' competences.
SEARCH_TERM = "jugendaustausch"
DEFAULT_FILTERS = f"region=002&topic=sdg-4&form=remittances&q={SEARCH_TERM}"

# Countries of the diaspora (weight, demonym, main language); Africa weighs most, as in the
# program's regions.
DIASPORA = {
    "GH": (6, "Ghanaischer", "tw"),
    "NG": (6, "Nigerianischer", "yo"),
    "CM": (5, "Kamerunischer", "fr"),
    "SN": (4, "Senegalesischer", "wo"),
    "CI": (3, "Ivorischer", "fr"),
    "TG": (3, "Togoischer", "ee"),
    "KE": (4, "Kenianischer", "sw"),
    "TZ": (3, "Tansanischer", "sw"),
    "ET": (4, "Äthiopischer", "am"),
    "ER": (4, "Eritreischer", "ti"),
    "SO": (3, "Somalischer", "so"),
    "CD": (3, "Kongolesischer", "fr"),
    "MA": (4, "Marokkanischer", "ar"),
    "EG": (2, "Ägyptischer", "ar"),
    "MZ": (2, "Mosambikanischer", "pt"),
    "ZW": (2, "Simbabwischer", "sn"),
    "SY": (6, "Syrischer", "ar"),
    "AF": (5, "Afghanischer", "fa"),
    "IQ": (3, "Irakischer", "ar"),
    "TR": (6, "Türkischer", "tr"),
    "VN": (4, "Vietnamesischer", "vi"),
    "MN": (1, "Mongolischer", "mn"),
    "UZ": (1, "Usbekischer", "uz"),
    "IN": (2, "Indischer", "hi"),
    "LK": (1, "Srilankischer", "ta"),
    "PH": (1, "Philippinischer", "tl"),
    "BO": (1, "Bolivianischer", "es"),
    "PE": (2, "Peruanischer", "es"),
    "CO": (2, "Kolumbianischer", "es"),
    "BR": (2, "Brasilianischer", "pt"),
    "CU": (1, "Kubanischer", "es"),
    "UA": (4, "Ukrainischer", "uk"),
    "RS": (2, "Serbischer", "sr"),
    "XK": (1, "Kosovarischer", "sq"),
}
MIGRANT_PATTERNS = [
    "{demonym} Verein {city}",
    "{demonym} Kulturverein {city}",
    "{demonym} Frauennetzwerk {city}",
    "{demonym} Elternverein {city}",
    "{demonym} Studierendenverein {city}",
    "Jugend für {country} {city}",
    "Brücke nach {country} {city}",
    "Freundeskreis {country} {city}",
    "Hilfe für {country} {city}",
]
OTHER_PATTERNS = {
    OrganisationKind.ADMINISTRATION: [
        "Stadtverwaltung {city} – Büro für Internationales",
        "Integrationsbeirat {city}",
        "Amt für Integration {city}",
    ],
    OrganisationKind.NGO: [
        "Weltladen {city}",
        "Initiative Nord-Süd {city}",
        "Eine-Welt-Verein {city}",
        "Partnerschaftsverein {city}",
    ],
    OrganisationKind.EDUCATION: [
        "Volkshochschule {city}",
        "Gesamtschule {city}",
        "Gymnasium {city}",
    ],
    OrganisationKind.FAITH_COMMUNITY: [
        "Evangelische Kirchengemeinde {city}",
        "Katholische Pfarrei {city}",
        "Moscheegemeinde {city}",
    ],
    OrganisationKind.FOUNDATION: ["Bürgerstiftung {city}", "Stiftung Weltoffenes {city}"],
    OrganisationKind.BUSINESS: ["Fair-Handelshaus {city}", "Kaffeerösterei {city}"],
    OrganisationKind.NETWORK: ["Eine-Welt-Netzwerk {city}", "Netzwerk Migration {city}"],
    OrganisationKind.OTHER: ["Arbeitskreis Entwicklung {city}", "Forum Globales {city}"],
}
KIND_WEIGHTS = {
    OrganisationKind.MIGRANT_ORGANISATION: 55,
    OrganisationKind.NGO: 12,
    OrganisationKind.EDUCATION: 8,
    OrganisationKind.FAITH_COMMUNITY: 6,
    OrganisationKind.ADMINISTRATION: 5,
    OrganisationKind.NETWORK: 4,
    OrganisationKind.OTHER: 4,
    OrganisationKind.FOUNDATION: 3,
    OrganisationKind.BUSINESS: 3,
}
QUARTERS = ["Nord", "Süd", "Ost", "West", "Mitte", "Altstadt", "Innenstadt"]
COMPETENCES = [
    "Kontakte zu Schulen und Gesundheitsstationen im Herkunftsland",
    "Übersetzung und Dolmetschen",
    "Erfahrung mit Kleinprojekten und ihrer Abrechnung",
    "Bildungsarbeit an Schulen: Globales Lernen aus erster Hand",
    "Kulturveranstaltungen und Feste",
    "Beratung zu Rücküberweisungen und Kleinkrediten",
    "Netzwerk zu Kommunalverwaltungen im Herkunftsland",
    "Fachwissen in Landwirtschaft und Wasserversorgung",
    "Schulpartnerschaften und Jugendaustausch",
    "Öffentlichkeitsarbeit und soziale Medien",
    "Fundraising und Antragstellung",
    "Begleitung neu Zugewanderter",
    "Ausstellungen und Lesungen",
    "Berufliche Bildung und Ausbildungspartnerschaften",
    "Gesundheitsaufklärung",
    "Frauenförderung und Empowerment",
    "Sport- und Freizeitangebote",
    "Erneuerbare Energien und Klimaschutzprojekte",
    "Fairer Handel und Direktimport",
    "Moderation und Konfliktvermittlung",
]
DESCRIPTIONS = [
    "Synthetische Organisation für Lasttests.",
    "Engagiert sich seit vielen Jahren für Projekte im Herkunftsland.",
    "Bringt Menschen aus der Diaspora mit kommunalen Akteuren zusammen.",
    "Arbeitet ehrenamtlich und trifft sich monatlich.",
    "Unterstützt Bildungs- und Gesundheitsprojekte.",
    "Organisiert Veranstaltungen zu globalen Themen.",
    "Kooperiert mit Partnerorganisationen vor Ort.",
]
FIRST_NAMES = words(
    "Abena Kwame Ama Kofi Yaw Efua Lucía Mateo Valeria Diego Bolormaa Dilnoza Rustam Amina "
    "Mariam Ahmad Neema Baraka Wanjiru Omar Lina Selam Dawit Minh Aylin Mehmet Tendai Rutendo "
    "Chinedu Ngozi Fatou Moussa Aïcha Anna Lukas Sabine Thomas Julia Stefan Katrin Jonas "
    "Monika Michael Laura Peter Sophie Markus Olena Dmytro Ana Hamid Layla Samir Nour"
)
LAST_NAMES = words(
    "Mensah Owusu Asante Quispe Mamani Rojas Ganbaatar Karimova Nkemdirim Traoré Kouassi "
    "Haidari Mwangi Otieno Al-Khatib Tesfaye Bekele Nguyen Tran Yilmaz Demir Moyo Okafor "
    "Diallo Ndiaye Schmidt Müller Becker Wagner Hoffmann Schulz Keller Richter Wolf Neumann "
    "Kovalenko Petrenko Silva Santos Hassan Ibrahim Rahimi Haddad Mohammed"
)
ROLES = ["Vorsitz", "stellv. Vorsitz", "Kassenwart", "Mitglied", "Projektleitung", "Referentin"]
PLACE_PREFIXES = ["", "", "", "Bad ", "Neu", "Ober", "Unter", "Alt", "Hohen", "Klein"]
PLACE_STEMS = words(
    "linden eichen birken buchen rosen wald berg tal see brunn mühl stein kirch sonnen "
    "marien friedrichs wilhelms karls ludwigs heide"
)
PLACE_SUFFIXES = words("dorf hausen feld burg berg stadt heim au brück ingen rode walde")


class Command(BaseCommand):
    help = (
        "Benchmark the staff organisation list on a synthetic dataset (50,000 organisations, "
        "200,000 people). Only for a dedicated database, e.g. `make bench` (var/bench.sqlite3): "
        "it refuses databases holding anything but its own data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=DEFAULT_ORGANISATIONS)
        parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
        parser.add_argument("--requests", type=int, default=30, help="Timed requests per case.")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests per case.")
        parser.add_argument(
            "--stack-offsets",
            type=int,
            default=1,
            help=(
                "For investigating CPython's call-depth effect (see calibrate()): try this many "
                "call depths and time each case at the fastest. The default, 1, measures plainly "
                "at the command's own depth, as the figures should be reported."
            ),
        )
        parser.add_argument(
            "--filters",
            default=DEFAULT_FILTERS,
            help="Query string of the filtered cases (default: %(default)s).",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Fill an empty database whose name does not contain 'bench' (e.g. a test one).",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="Show each case's queries with their time, and the plan of the slowest.",
        )

    def handle(self, *args, **options):
        if min(options["organisations"] - 1, options["people"], options["requests"]) < 1:
            raise CommandError("Needs at least 2 organisations, 1 person and 1 request.")
        if options["stack_offsets"] < 1 or options["warmup"] < 0:
            raise CommandError("Needs at least 1 stack offset and no negative warm-up.")
        check_database(options["yes"])
        call_command("migrate", interactive=False, verbosity=0)
        check_schema()
        call_command("load_reference", stdout=self.stdout)
        self.prepare_dataset(options["organisations"], options["people"])
        office, coordinator = bench_users()
        filters = dict(parse_qsl(options["filters"]))
        with (
            warnings.catch_warnings(),
            translation.override(settings.LANGUAGE_CODE),
            # No collectstatic here: plain static URLs instead of the manifest, and the test
            # client's host allowed.
            override_settings(
                STORAGES={
                    **settings.STORAGES,
                    "staticfiles": {
                        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                    },
                },
                ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            ),
        ):
            # WhiteNoise warns that there is no collected static directory.
            warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
            results = self.measure(office, coordinator, filters, options)
        self.report(results, filters, options)

    # The dataset

    def prepare_dataset(self, organisations, people):
        existing = Organisation.objects.count(), Person.objects.count()
        if existing == (organisations, people):
            self.stdout.write(
                f"Reusing the synthetic dataset: {organisations:,} organisations, "
                f"{people:,} people."
            )
            with transaction.atomic():
                refreshed = refresh_derived_fields()
            if refreshed:
                self.stdout.write(
                    f"Recomputed name_key and search_text of {refreshed:,} organisations (the "
                    "rules of Organisation.save() changed since the dataset was made)."
                )
            return
        if any(existing):
            self.stdout.write(
                f"The database holds another synthetic dataset ({existing[0]:,} organisations, "
                f"{existing[1]:,} people); replacing it."
            )
        self.stdout.write(
            f"Generating {organisations:,} organisations and {people:,} people (seed {SEED}) …"
        )
        started = time.perf_counter()
        with transaction.atomic():
            delete_actors()
            counts = generate(random.Random(SEED), organisations, people)
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{number:,} {what}" for what, number in counts.items())
        self.stdout.write(f"Generated in {elapsed:.1f} s: {summary}.")

    # The measurements

    def measure(self, office, coordinator, filters, options):
        path = reverse("actors:organisation_list")
        detail = re.compile(re.escape(path) + r"(\d+)/")
        # "<p id="result-count" …>212 Organisationen gefunden", or its htmx out-of-band swap.
        result_count = re.compile(r'id="result-count"[^>]*>\s*(\d+)')
        page_size = settings.ACTOR_LIST_PAGE_SIZE
        cases = [
            ("filtered, page 1", filters, 1, {}),
            ("filtered, page 2", filters, 2, {}),
            # What a change of filters fetches: the results without the page around them.
            ("filtered, htmx", filters, 1, {"HX-Request": "true"}),
            ("unfiltered, page 1", {}, 1, {}),
        ]
        offsets = [index * STACK_OFFSET_STEP for index in range(options["stack_offsets"])]
        results = []
        for label, user in (("program office", office), ("coordinator", coordinator)):
            client = Client()
            client.force_login(user)
            for case, params, page, headers in cases:
                query = {**params, **({"page": page} if page > 1 else {})}
                baseline = BaselineQuery(user, params)
                found = baseline.count()
                if (page - 1) * page_size >= max(found, 1):
                    results.append({"user": label, "case": case, "skipped": found})
                    continue

                def request(query=query, client=client, headers=headers):
                    response = client.get(path, query, headers=headers, secure=True)
                    if response.status_code != 200:
                        raise CommandError(f"{path}?{urlencode(query)}: {response.status_code}")
                    return response

                for _ in range(options["warmup"]):
                    request()
                offset, tried = calibrate(request, offsets)
                timings, response, log = time_calls(request, options["requests"], 0, offset)
                content = response.content.decode()
                shown = [int(pk) for pk in detail.findall(content)]
                counted = result_count.search(content)
                counted = int(counted[1]) if counted else found  # Not shown: not compared.
                expected = [pk for pk, _name in baseline.page(page, page_size)]
                if shown != expected or counted != found:
                    raise CommandError(
                        f"{label}, {case}: the page lists {shown[:3]}… of {counted}, the plain "
                        f"SQL {expected[:3]}… of {found}: the baseline no longer matches the "
                        "view's query."
                    )
                plain, _result, _log = time_calls(
                    lambda page=page, baseline=baseline: baseline.run(page, page_size),
                    options["requests"],
                    options["warmup"],
                )
                wall = [seconds for seconds, _cpu in timings]
                results.append(
                    {
                        "user": label,
                        "case": case,
                        "rows": len(shown),
                        "found": found,
                        "median": statistics.median(wall),
                        "p90": percentile(wall, 90),
                        "cpu": statistics.median(cpu for _wall, cpu in timings),
                        "queries": log.queries_per_call(),
                        "plain": statistics.median(seconds for seconds, _cpu in plain),
                        "offsets": tried,
                    }
                )
                if options["explain"]:
                    self.explain(f"{label}, {case}", log.last_call())
        return results

    def explain(self, title, queries):
        """Each query with its time, and the plans of those that read the organisations (the
        count and the page)."""
        # SQLite computes most of a page's rows while they are fetched, after execute().
        self.stdout.write(f"\n{title}: {len(queries)} queries, time in execute()")
        for sql, _params, seconds in queries:
            self.stdout.write(f"  {seconds * 1000:7.2f} ms  {sql[:150]}")
        table = f"FROM {connection.ops.quote_name(Organisation._meta.db_table)}"
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
        for sql, params, _seconds in queries:
            if table not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql, params)
                plan = cursor.fetchall()
            self.stdout.write(f"  {sql}\n  with {params}; its plan:")
            for row in plan:
                self.stdout.write("    " + " ".join(str(part) for part in row))

    def report(self, results, filters, options):
        organisations, people = Organisation.objects.count(), Person.objects.count()
        self.stdout.write(
            f"\nStaff organisation list, {organisations:,} organisations, {people:,} people, "
            f"{connection.vendor}; {options['requests']} timed requests per case after "
            f"{options['warmup']} warm-up.\nFiltered: ?{urlencode(filters)}. Times in ms, "
            "measured around the test client's request (middleware, queries, templates).\n"
        )
        header = (
            f"{'user':<15} {'case':<19} {'rows':>4} {'found':>6} {'median':>7} {'p90':>7} "
            f"{'CPU':>6} {'queries':>7} │ {'plain SQL':>9} {'ratio':>6}"
        )
        self.stdout.write(header)
        self.stdout.write("─" * len(header))
        for r in results:
            if "skipped" in r:
                self.stdout.write(
                    f"{r['user']:<15} {r['case']:<19} skipped: {r['skipped']} found, no such page"
                )
                continue
            ratio = r["median"] / r["plain"] if r["plain"] else float("inf")
            self.stdout.write(
                f"{r['user']:<15} {r['case']:<19} {r['rows']:>4} {r['found']:>6} "
                f"{r['median'] * 1000:>7.1f} {r['p90'] * 1000:>7.1f} {r['cpu'] * 1000:>6.1f} "
                f"{r['queries']!s:>7} │ {r['plain'] * 1000:>9.1f} {ratio:>5.1f}×"
            )
        self.stdout.write(
            "\nrows: on the page; found: in all pages; median, p90: wall clock; CPU: median CPU "
            "time of this process\n(Python and SQLite); plain SQL: median of one hand-written "
            "query for the same page plus a COUNT,\nthe database's share; ratio: median / plain "
            "SQL median."
        )
        measured = [r for r in results if "skipped" not in r]
        slowest = max(measured, key=lambda r: r["median"])
        met = slowest["median"] * 1000 <= TARGET_MS
        self.stdout.write(
            f"\nTarget median ≤ {TARGET_MS} ms (set for SQLite at {DEFAULT_ORGANISATIONS:,} "
            f"organisations; measured on {connection.vendor} at {organisations:,}): "
            f"{'met' if met else 'MISSED'}; slowest median {slowest['median'] * 1000:.1f} ms "
            f"({slowest['user']}, {slowest['case']})."
        )
        self.stdout.write(f"Queries per request constant: {query_verdict(measured)}.")
        effects = [
            (max(r["offsets"].values()) / min(r["offsets"].values()) - 1, r)
            for r in measured
            if r["offsets"] and min(r["offsets"].values()) > 0
        ]
        if effects:
            effect, worst = max(effects, key=lambda item: item[0])
            self.stdout.write(
                f"Call depth: each case was timed at the fastest of {len(worst['offsets'])} "
                f"stack offsets; the slowest offset cost up to {effect:.0%} more CPU "
                f"({worst['user']}, {worst['case']}; CPython issue gh-142183, see calibrate())."
            )
        wall = sum(r["median"] for r in measured)
        cpu = sum(r["cpu"] for r in measured)
        if connection.vendor == "sqlite" and wall > 1.25 * cpu:
            by_cpu = max(measured, key=lambda r: r["cpu"])
            self.stdout.write(
                self.style.WARNING(
                    f"The wall-clock times are {wall / cpu - 1:.0%} above the CPU times: the "
                    "machine was busy with something else. Run again on a quiet machine for "
                    "figures to compare. By CPU time the target is "
                    f"{'met' if by_cpu['cpu'] * 1000 <= TARGET_MS else 'MISSED'}: slowest "
                    f"median {by_cpu['cpu'] * 1000:.1f} ms ({by_cpu['user']}, {by_cpu['case']})."
                )
            )
        if not any(r["found"] for r in measured if r["case"].startswith("filtered")):
            self.stdout.write(self.style.WARNING("The filtered cases found nothing."))


def query_verdict(measured):
    """Constant means: the same count on every call, page and for each user; only which filters
    are set and whether htmx asks may change it."""
    by_kind = {}
    for r in measured:
        kind = re.sub(r", page \d+$", "", r["case"])
        by_kind.setdefault(kind, set()).add(str(r["queries"]))
    constant = all(
        len(counts) == 1 and "[" not in next(iter(counts)) for counts in by_kind.values()
    )
    counts = "; ".join(f"{kind}: {' / '.join(sorted(c))}" for kind, c in by_kind.items())
    if constant:
        return f"yes, the same on every page and for both users ({counts})"
    return f"NO ({counts})"


def time_calls(call, times, warmup, offset=0):
    """Seconds per call (wall clock, and CPU time of this process, which includes SQLite's), the
    last call's result, and the log of the calls' queries. The calls are made `offset` frames
    deeper than this function."""
    for _ in range(warmup):
        call()
    timings, log = [], QueryLog()
    with connection.execute_wrapper(log):
        for _ in range(times):
            log.calls.append([])
            started, cpu = time.perf_counter(), time.process_time()
            result = deeper(offset, call)
            timings.append((time.perf_counter() - started, time.process_time() - cpu))
    return timings, result, log


def deeper(frames, call):
    return deeper(frames - 1, call) if frames else call()


def calibrate(call, offsets):
    """The stack offset at which a call runs fastest, with the CPU seconds at each offset tried.

    In CPython up to 3.12 (and 3.13 and 3.14 releases without the fix for issue gh-142183), a
    call that crosses a boundary between the chunks of the interpreter's frame stack allocates
    and frees a chunk each time. Template rendering recurses deeply, so a request can take half
    as long again merely because of the depth it starts at, an accident of the caller (here this
    command, in production the WSGI server). The timed requests are made at the depth that
    avoids it."""
    if len(offsets) == 1:
        return offsets[0], {}
    cpu = {}
    for offset in offsets:
        timings, _result, _log = time_calls(call, 2, 0, offset)
        cpu[offset] = min(seconds for _wall, seconds in timings)
    return min(cpu, key=cpu.get), cpu


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

    def last_call(self):
        return self.calls[-1]


def percentile(values, pct):
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


# Safety


def check_database(yes):
    """Refuse any database holding organisations, people or users the bench did not create; an
    empty one only if its name says it is a bench database, or with --yes."""
    tables = set(connection.introspection.table_names())
    name = str(connection.settings_dict["NAME"])
    foreign = {}
    for label, model in (("organisations", Organisation), ("people", Person), ("users", User)):
        if model._meta.db_table in tables:
            count = model.objects.exclude(email__endswith="@" + BENCH_DOMAIN).count()
            if count:
                foreign[label] = count
    if foreign:
        found = ", ".join(f"{count:,} {label}" for label, count in foreign.items())
        raise CommandError(
            f"The database {name} holds data that is not synthetic bench data ({found}). The "
            "benchmark fills its database with tens of thousands of rows: point DATABASE_URL at "
            "a database of its own (`make bench` uses var/bench.sqlite3)."
        )
    has_bench_data = Organisation._meta.db_table in tables and Organisation.objects.exists()
    if not (has_bench_data or "bench" in Path(name).name or yes):
        raise CommandError(
            f"The database {name} is not a bench database (its name does not contain 'bench'). "
            "Use `make bench`, or pass --yes to fill this empty database with synthetic data."
        )


def check_schema():
    """Migrations rewritten in place (as long as the project is unreleased) leave an existing
    bench database with the old schema: refuse to measure that."""
    missing = []
    with connection.cursor() as cursor:
        for model in (Organisation, Person, Membership, Tie, Municipality, RoleAssignment):
            table = model._meta.db_table
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, table)
            }
            missing += [
                f"{table}.{field.column}"
                for field in model._meta.concrete_fields
                if field.column not in columns
            ]
            constraints = connection.introspection.get_constraints(cursor, table)
            missing += [
                index.name for index in model._meta.indexes if index.name not in constraints
            ]
    if missing:
        raise CommandError(
            f"The database's schema is older than the models (no {', '.join(missing)}): the "
            "migrations were changed after it was made. Delete it (var/bench.sqlite3 for `make "
            "bench`) and run again."
        )


def bench_users():
    """A program office user and the coordinator of the biggest synthetic municipality; they
    cannot log in with a password (the client logs them in)."""
    office = bench_user(OFFICE_EMAIL, "Bench Programmbüro")
    RoleAssignment.objects.get_or_create(user=office, role=Role.PROGRAM_OFFICE)
    coordinator = bench_user(COORDINATOR_EMAIL, "Bench Koordination")
    municipality = Municipality.objects.get(ags=synthetic_keys(1)[0])
    RoleAssignment.objects.get_or_create(
        user=coordinator, role=Role.COORDINATOR, municipality=municipality
    )
    return office, coordinator


def bench_user(email, full_name):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name)
        user.set_unusable_password()
        user.save()
    return user


def delete_actors():
    for model in (Tie, Membership, Person, Organisation):
        model.objects.all().delete()


# Generation


SYNTHETIC_KEY = r"^[0-9]{2}9[0-9]{5}$"


def synthetic_keys(count):
    """Official keys no real municipality has: 8 digits, a federal state, then a 9."""
    states = FederalState.values
    return [f"{states[i % len(states)]}9{i:05d}" for i in range(count)]


def weighted_sample(rng, items, cum_weights, k):
    chosen = []
    while len(chosen) < min(k, len(items)):
        item = rng.choices(items, cum_weights=cum_weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def create_municipalities(rng, count):
    keys = synthetic_keys(count)
    existing = set(Municipality.objects.filter(ags__in=keys).values_list("ags", flat=True))
    names, new = set(), []
    for ags in keys:
        while True:
            prefix, stem = rng.choice(PLACE_PREFIXES), rng.choice(PLACE_STEMS)
            name = prefix + stem.title() if prefix.endswith(" ") else (prefix + stem).title()
            name += rng.choice(PLACE_SUFFIXES)
            if name not in names:
                names.add(name)
                break
        if ags not in existing:
            kind = MunicipalityKind.CITY if rng.random() < 0.3 else MunicipalityKind.MUNICIPALITY
            validate_ags(ags, kind)
            new.append(Municipality(name=name, kind=kind, ags=ags, federal_state=ags[:2]))
    Municipality.objects.bulk_create(new, batch_size=BATCH)
    position = {ags: index for index, ags in enumerate(keys)}
    synthetic = sorted(Municipality.objects.filter(ags__in=keys), key=lambda m: position[m.ags])
    # The model municipalities from the reference data are the big cities.
    others = list(Municipality.objects.exclude(ags__regex=SYNTHETIC_KEY).order_by("ags"))
    return others + synthetic


def generate(rng, organisation_count, people_count):
    now = timezone.now()
    municipalities = create_municipalities(
        rng,
        max(2, min(MAX_MUNICIPALITIES, organisation_count // ORGANISATIONS_PER_MUNICIPALITY)),
    )
    # A few big cities, many small places.
    weights = list(accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(municipalities))))
    countries = {c.code: c for c in Country.objects.filter(code__in=DIASPORA)}
    codes = [code for code in DIASPORA if code in countries]
    country_weights = list(accumulate(DIASPORA[code][0] for code in codes))
    languages = {lang.code: lang.pk for lang in Language.objects.all()}
    topics = list(Topic.objects.values_list("pk", "code"))
    # Education and partnership topics are the most common.
    topic_weights = list(
        accumulate(
            {"sdg-4": 12, "sdg-17": 8, "sdg-10": 6, "migration-development": 8}.get(code, 2)
            for _pk, code in topics
        )
    )
    forms = dict(EngagementForm.objects.values_list("code", "pk"))
    migrant_forms = ["aid-projects", "remittances", "knowledge-transfer", "contacts-networks"]
    other_forms = ["development-education", "contacts-networks", "fair-trade", "aid-projects"]
    kinds, kind_weights = list(KIND_WEIGHTS), list(accumulate(KIND_WEIGHTS.values()))

    CountryThrough = Organisation.countries.through
    TopicThrough = Organisation.topics.through
    FormThrough = Organisation.engagement_forms.through
    LanguageThrough = Organisation.languages.through
    counts = dict.fromkeys(
        ["organisations", "people", "memberships", "ties", "many-to-many rows"], 0
    )
    used_names = set()
    organisations = []  # (pk, municipality_id)
    for start in range(0, organisation_count, CHUNK):
        batch, engaged = [], []
        for number in range(start, min(start + CHUNK, organisation_count)):
            municipality = rng.choices(municipalities, cum_weights=weights)[0]
            city = municipality.name
            kind = rng.choices(kinds, cum_weights=kind_weights)[0]
            migrant = kind == OrganisationKind.MIGRANT_ORGANISATION
            picked = weighted_sample(
                rng, codes, country_weights, rng.randint(1, 3) if migrant else rng.randint(0, 2)
            )
            if migrant:
                first = countries[picked[0]]
                pattern = rng.choice(MIGRANT_PATTERNS)
                name = pattern.format(
                    demonym=DIASPORA[picked[0]][1], country=first.name_de, city=city
                )
            else:
                name = rng.choice(OTHER_PATTERNS[kind]).format(city=city)
            name = unique_name(rng, name, used_names)
            email = f"kontakt{number}@{BENCH_DOMAIN}"
            organisation = Organisation(
                name=name,
                name_key=name_key(name),
                kind=kind,
                municipality=municipality,
                competences="\n".join(rng.sample(COMPETENCES, rng.randint(1, 2))),
                description=" ".join(rng.sample(DESCRIPTIONS, rng.randint(1, 2))),
                website=f"https://org{number}.{BENCH_DOMAIN}",
                email=email,
                founded=rng.randint(1960, 2024),
            )
            organisation.search_text = organisation_search_text(organisation)
            if rng.random() < 0.5:
                organisation.consent_given_at = now - timedelta(days=rng.randint(1, 2000))
                organisation.consent_given_by = "Vorstand"
            batch.append(organisation)
            spoken = [languages["de"]] if rng.random() < 0.85 else []
            spoken += [
                languages[DIASPORA[code][2]]
                for code in picked
                if migrant and DIASPORA[code][2] in languages
            ]
            engaged.append(
                (
                    [countries[code].pk for code in picked],
                    [
                        pk
                        for pk, _code in weighted_sample(
                            rng, topics, topic_weights, rng.randint(1, 4)
                        )
                    ],
                    [
                        forms[code]
                        for code in rng.sample(
                            migrant_forms if migrant else other_forms, rng.randint(1, 2)
                        )
                        if code in forms
                    ],
                    list(dict.fromkeys(spoken)),
                )
            )
        Organisation.objects.bulk_create(batch, batch_size=BATCH)
        rows = {CountryThrough: [], TopicThrough: [], FormThrough: [], LanguageThrough: []}
        for organisation, (country_ids, topic_ids, form_ids, language_ids) in zip(
            batch, engaged, strict=True
        ):
            pk = organisation.pk
            organisations.append((pk, organisation.municipality_id))
            rows[CountryThrough] += [
                CountryThrough(organisation_id=pk, country_id=c) for c in country_ids
            ]
            rows[TopicThrough] += [TopicThrough(organisation_id=pk, topic_id=t) for t in topic_ids]
            rows[FormThrough] += [
                FormThrough(organisation_id=pk, engagementform_id=f) for f in form_ids
            ]
            rows[LanguageThrough] += [
                LanguageThrough(organisation_id=pk, language_id=lang) for lang in language_ids
            ]
        for model, objects in rows.items():
            model.objects.bulk_create(objects, batch_size=BATCH)
            counts["many-to-many rows"] += len(objects)
    counts["organisations"] = len(organisations)

    by_municipality = {}
    for pk, municipality_id in organisations:
        by_municipality.setdefault(municipality_id, []).append(pk)
    municipality_of = dict(organisations)
    counts["people"], counts["memberships"], m2m = create_people(
        rng, people_count, organisations, by_municipality, languages, countries, now
    )
    counts["many-to-many rows"] += m2m
    counts["ties"] = create_ties(rng, organisations, by_municipality, municipality_of)
    return counts


def organisation_search_text(organisation):
    """What Organisation.save() stores (bulk_create does not call it)."""
    parts = (
        organisation.name,
        organisation.competences,
        organisation.description,
        organisation.email,
    )
    return "\n".join(part.casefold() for part in parts)


def refresh_derived_fields():
    """Recompute name_key and search_text where the rules of Organisation.save() changed since
    the dataset was made; returns how many organisations changed."""
    changed = []
    fields = ("name", "competences", "description", "email", "name_key", "search_text")
    for organisation in Organisation.objects.only(*fields).iterator(chunk_size=CHUNK):
        derived = name_key(organisation.name), organisation_search_text(organisation)
        if derived != (organisation.name_key, organisation.search_text):
            changed.append((*derived, organisation.pk))
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {q(Organisation._meta.db_table)} SET {q('name_key')} = %s, "
            f"{q('search_text')} = %s WHERE {q('id')} = %s",
            changed,
        )
    return len(changed)


def unique_name(rng, name, used):
    """Unique across all municipalities, so that the list's order is the same in every query."""
    candidate = name
    while name_key(candidate) in used:
        candidate = f"{name} {rng.choice(QUARTERS)} {rng.randint(2, 999)}"
    used.add(name_key(candidate))
    return candidate


def create_people(rng, count, organisations, by_municipality, languages, countries, now):
    PersonLanguage = Person.languages.through
    PersonCountry = Person.countries.through
    country_ids = [c.pk for c in countries.values()]
    language_ids = [languages[code] for _w, _d, code in DIASPORA.values() if code in languages]
    memberships = m2m = 0
    start_day = date(2000, 1, 1)
    for start in range(0, count, CHUNK):
        batch, joined = [], []
        for number in range(start, min(start + CHUNK, count)):
            organisation_id, municipality_id = rng.choice(organisations)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            email = f"{first}.{last}.{number}@{BENCH_DOMAIN}".lower()
            person = Person(
                name=name,
                email=email,
                municipality_id=municipality_id if rng.random() < 0.85 else None,
                competences=rng.choice(COMPETENCES) if rng.random() < 0.4 else "",
                is_decision_maker=rng.random() < 0.1,
                is_multiplier=rng.random() < 0.25,
            )
            person.search_text = "\n".join(
                part.casefold() for part in (name, email, person.competences)
            )
            if rng.random() < 0.3:
                person.consent_given_at = now - timedelta(days=rng.randint(1, 2000))
                person.consent_given_by = name
            batch.append(person)
            organisation_ids = [organisation_id]
            if rng.random() < 0.5:
                second = rng.choice(by_municipality[municipality_id])
                if second != organisation_id:
                    organisation_ids.append(second)
            joined.append(organisation_ids)
        Person.objects.bulk_create(batch, batch_size=BATCH)
        member_rows, language_rows, country_rows = [], [], []
        for person, organisation_ids in zip(batch, joined, strict=True):
            for index, organisation_id in enumerate(organisation_ids):
                member_rows.append(
                    Membership(
                        person_id=person.pk,
                        organisation_id=organisation_id,
                        role=rng.choice(ROLES),
                        is_contact=index == 0 and rng.random() < 0.15,
                        started_on=start_day + timedelta(days=rng.randint(0, 9000))
                        if rng.random() < 0.6
                        else None,
                    )
                )
            spoken = {languages["de"], rng.choice(language_ids)}
            language_rows += [PersonLanguage(person_id=person.pk, language_id=i) for i in spoken]
            if rng.random() < 0.5:
                country_rows.append(
                    PersonCountry(person_id=person.pk, country_id=rng.choice(country_ids))
                )
        Membership.objects.bulk_create(member_rows, batch_size=BATCH)
        PersonLanguage.objects.bulk_create(language_rows, batch_size=BATCH)
        PersonCountry.objects.bulk_create(country_rows, batch_size=BATCH)
        memberships += len(member_rows)
        m2m += len(language_rows) + len(country_rows)
    return count, memberships, m2m


def create_ties(rng, organisations, by_municipality, municipality_of):
    """Mostly within a municipality, some across; no tie twice, none with itself."""
    wanted = len(organisations) * TIES_PER_ORGANISATION
    kinds = list(TieKind.values)
    seen, ties = set(), []
    attempts = 0
    start_day = date(2000, 1, 1)
    while len(ties) < wanted and attempts < wanted * 3:
        attempts += 1
        source = rng.choice(organisations)[0]
        if rng.random() < 0.8:
            target = rng.choice(by_municipality[municipality_of[source]])
        else:
            target = rng.choice(organisations)[0]
        kind = rng.choice(kinds)
        key = (min(source, target), max(source, target), kind)
        if source == target or key in seen:
            continue
        seen.add(key)
        started = start_day + timedelta(days=rng.randint(0, 9000)) if rng.random() < 0.7 else None
        ties.append(Tie(source_id=source, target_id=target, kind=kind, started_on=started))
    for start in range(0, len(ties), CHUNK * 4):
        Tie.objects.bulk_create(ties[start : start + CHUNK * 4], batch_size=BATCH)
    return len(ties)


class BaselineQuery:
    """The same page of organisations in one hand-written query, plus a COUNT."""

    def __init__(self, user, params):
        q = connection.ops.quote_name
        o = Organisation._meta
        conditions, args = [], []
        coordinated = list(
            RoleAssignment.objects.filter(user=user, role=Role.COORDINATOR).values_list(
                "municipality_id", flat=True
            )
        )
        if not RoleAssignment.objects.filter(user=user, role=Role.PROGRAM_OFFICE).exists():
            placeholders = ", ".join(["%s"] * len(coordinated)) or "NULL"
            conditions.append(
                f"(o.{q('consent_given_at')} IS NOT NULL OR o.{q('municipality_id')} "
                f"IN ({placeholders}))"
            )
            args += coordinated
        for term in (params.get("q") or "").casefold().split()[:10]:
            if not re.fullmatch(r"\w+", term):
                raise CommandError("The plain SQL baseline supports plain search words only.")
            conditions.append(f"o.{q('search_text')} LIKE %s")
            args.append(f"%{term}%")

        def through(field, column, value, join=""):
            table = q(Organisation._meta.get_field(field).remote_field.through._meta.db_table)
            conditions.append(
                f"EXISTS (SELECT 1 FROM {table} t {join} WHERE t.{q('organisation_id')} = "
                f"o.{q('id')} AND {column} = %s)"
            )
            args.append(value)

        if params.get("region"):
            region = WorldRegion.objects.get(code=params["region"]).pk
            country = q(Country._meta.db_table)
            join = f"INNER JOIN {country} c ON c.{q('id')} = t.{q('country_id')}"
            through("countries", f"c.{q('region_id')}", region, join)
        if params.get("topic"):
            through("topics", f"t.{q('topic_id')}", Topic.objects.get(code=params["topic"]).pk)
        if params.get("form"):
            form = EngagementForm.objects.get(code=params["form"]).pk
            through("engagement_forms", f"t.{q('engagementform_id')}", form)
        unsupported = set(params) - {"q", "region", "topic", "form"}
        if unsupported:
            raise CommandError(f"The plain SQL baseline does not know {sorted(unsupported)}.")
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        table = q(o.db_table)
        self.count_sql = f"SELECT COUNT(*) FROM {table} o {where}"
        self.page_sql = (
            f"SELECT o.{q('id')}, o.{q('name')} FROM {table} o {where} "
            f"ORDER BY {model_order(Organisation)} LIMIT %s OFFSET %s"
        )
        self.args = args

    def count(self):
        with connection.cursor() as cursor:
            cursor.execute(self.count_sql, self.args)
            return cursor.fetchone()[0]

    def page(self, number, size):
        with connection.cursor() as cursor:
            cursor.execute(self.page_sql, [*self.args, size, (number - 1) * size])
            return cursor.fetchall()

    def run(self, number, size):
        return self.count(), self.page(number, size)


def model_order(model):
    """The model's default ordering as SQL, for the table aliased `o`."""
    terms = []
    for name in model._meta.ordering:
        if not isinstance(name, str):
            raise CommandError(f"The plain SQL baseline cannot order by {name!r}.")
        field_name = name.lstrip("-")
        field = model._meta.pk if field_name == "pk" else model._meta.get_field(field_name)
        column = connection.ops.quote_name(field.column)
        terms.append(f"o.{column} {'DESC' if name.startswith('-') else 'ASC'}")
    return ", ".join(terms)
