"""Benchmark the public website as production serves it (`make bench-website`).

The command fills a dedicated database with the synthetic dataset of `make bench`
(organisations, people, ties) and the synthetic program of `make bench-events` (local processes,
workshops, goals, results), adds what the public site shows besides (public goals and results,
partnerships abroad, news), collects the static files, and starts gunicorn through
`bruecken serve` with DEBUG off on a free local port. It then requests the home page, the
filtered organisation directory and a municipality page in German and English, and a static
file served by the same server as the baseline, over HTTP: once with the page cache on and once
with it off. With the cache on it also checks that a change made through the ORM (an
organisation's consent withdrawn) shows at once. It refuses databases that hold anything but
its own data."""

import contextlib
import html
import http.client
import os
import re
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation

from bruecken.actors.models import Organisation, Person
from bruecken.events.models import Event
from bruecken.places.models import Country, Municipality, Partnership, PartnershipKind
from bruecken.programs.models import Goal, LocalProcess, Program, Result
from bruecken.translation import localized
from bruecken.website.models import NewsArticle

from .common import analyze, check_database, dedicated, migrate, seeded
from .dataset import SEED, SYNTHETIC_KEY, DatasetCommand, prepare_dataset
from .events import (
    LOAD_PROGRAM_NAME,
    PARTICIPANT_PREFIX,
    PROGRAM_NAME,
    delete_program,
    prepare_program,
)
from .timing import percentile, ratio

TARGET_MS = 50
WORKSHOPS_PER_PROCESS = 5
NEWS_ARTICLES = 30
# Marks what this command adds to the website's own tables.
NEWS_PREFIX = "bench-"
PARTNERSHIP_NOTE = "Synthetische Partnerschaft für Lasttests."
STATIC_PATH = "/static/css/app.css"
READY_PATH = f"{STATIC_PATH}?ready"
# Africa, the most common topic, and a word in thousands of names: a few hundred results at
# 50,000 organisations.
DEFAULT_FILTERS = "region=002&topic=sdg-4&q=verein"
# Partner localities abroad, by country of the diaspora.
PARTNER_TOWNS = {
    "GH": "Kumasi",
    "NG": "Enugu",
    "CM": "Bamenda",
    "SN": "Thiès",
    "KE": "Kisumu",
    "TZ": "Moshi",
    "ET": "Bahir Dar",
    "MA": "Agadir",
    "MZ": "Beira",
    "VN": "Hue",
    "PE": "Cusco",
    "BO": "Sucre",
    "UA": "Tscherkassy",
}
# How the server is started: the `bruecken` command line, from this interpreter.
CLI = "import sys; from bruecken.cli import main; sys.exit(main(sys.argv))"
# gunicorn's access log, one line per request: status|request time in µs|path|query.
ACCESS_LOG_FORMAT = "%(s)s|%(D)s|%(U)s|%(q)s"
READY_SECONDS = 60


class Command(DatasetCommand):
    help = (
        "Benchmark the public website (home, filtered directory, a municipality page; German "
        "and English) as production serves it: gunicorn through `bruecken serve`, DEBUG off, "
        "real HTTP requests, compared with a static file served by the same server, once with "
        "the page cache on and once off, on a synthetic dataset (50,000 organisations, 200,000 "
        "people, a program with every municipality). "
        + dedicated("bench-website")
        + " The server inherits the environment (e.g. DATABASE_CONN_MAX_AGE); the run with the "
        "cache on keeps pages for WEBSITE_CACHE_SECONDS (600 if unset or 0)."
    )

    timed = (30, 5, "page and cache setting")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="gunicorn workers (WEB_WORKERS; default: %(default)s, as in production).",
        )
        parser.add_argument(
            "--filters",
            default=DEFAULT_FILTERS,
            help="Query string of the filtered directory (default: %(default)s).",
        )

    def handle(self, *args, **options):
        if options["workers"] < 1:
            raise CommandError("Needs at least 1 worker.")
        others = [
            ("programs", Program, ~Q(name__in=[PROGRAM_NAME, LOAD_PROGRAM_NAME])),
            ("news articles", NewsArticle, ~Q(slug__startswith=NEWS_PREFIX)),
        ]
        check_database(options["yes"], "bench-website", others=others)
        database_url = server_database_url()
        migrate(self.stdout)
        # The program's participants are people too: it goes first, and is made again.
        participants = Q(email__startswith=PARTICIPANT_PREFIX)
        prepare_dataset(
            self, options["organisations"], options["people"], participants, delete_program
        )
        program = self.prepare_program()
        process = publish_website_content(program)
        program.refresh_from_db()
        cases = page_cases(program, process.municipality, options["filters"])
        on_seconds = settings.WEBSITE_CACHE_SECONDS or 600
        runs = {}
        invalidation = None
        with tempfile.TemporaryDirectory(prefix="bench-website-") as tmp:
            static_root = kept_static_root("bench-website-static")
            environ = server_environ(database_url, static_root, options["workers"])
            collected_static(environ, self.stdout.write)
            for label, seconds in (("on", on_seconds), ("off", 0)):
                self.stdout.write(
                    f"Measuring with the page cache {label} (WEBSITE_CACHE_SECONDS={seconds}) …"
                )
                log = Path(tmp) / f"access-{label}.log"
                with Server({**environ, "WEBSITE_CACHE_SECONDS": str(seconds)}, log) as server:
                    runs[label] = measure(server, cases, options["warmup"], options["requests"])
                    if label == "on":
                        directory = next(c for c in cases if c.kind == "directory")
                        invalidation = check_invalidation(server, directory)
        self.report(runs, cases, process, program, invalidation, on_seconds, options)

    # The dataset

    def prepare_program(self):
        """The program of `make bench-events` over the synthetic municipalities (reused when it
        matches them), with the model municipalities of the reference data taking part as well."""
        municipalities = Municipality.objects.filter(ags__regex=SYNTHETIC_KEY).count()
        events = WORKSHOPS_PER_PROCESS * municipalities
        program = prepare_program(self, municipalities, events, SEED + 2)
        Through = Program.municipalities.through
        Through.objects.bulk_create(
            [
                Through(program_id=program.pk, municipality_id=pk)
                for pk in Municipality.objects.values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )
        analyze()
        return program

    # The report

    def report(self, runs, cases, process, program, invalidation, on_seconds, options):
        w = self.stdout.write
        public = Organisation.objects.filter(consent_given_at__isnull=False).count()
        municipality = process.municipality
        found = runs[next(iter(runs))][next(c.key for c in cases if c.kind == "directory")].count
        connections = connection.settings_dict["CONN_MAX_AGE"]
        w(
            f"\nPublic website on {connection.vendor}, served by gunicorn (`bruecken serve`, "
            f"{options['workers']} sync worker{'s' if options['workers'] > 1 else ''}, DEBUG "
            f"off): {Organisation.objects.count():,} organisations ({public:,} with consent, in "
            f"the directory), {Person.objects.count():,} people; a program with "
            f"{program.municipalities.count():,} municipalities, "
            f"{LocalProcess.objects.filter(program=program).count():,} local processes, "
            f"{Event.objects.filter(program=program).count():,} events; "
            f"{NewsArticle.objects.published().count()} news articles.\n"
            f"Municipality page: {municipality.name} ("
            f"{municipality.organisations.filter(consent_given_at__isnull=False).count():,} "
            f"organisations with consent, "
            f"{Event.objects.filter(process=process, is_published=True).count()} published "
            f"workshops, {Goal.objects.filter(process=process, is_public=True).count()} public "
            "goals, "
            f"{Result.objects.filter(workshop__process=process, is_public=True).count()} public "
            f"results, {municipality.partnerships.count()} partnerships).\n"
            f"Filtered directory: ?{options['filters']} ("
            f"{'?' if found is None else f'{found:,}'} found).\n"
            f"{options['requests']} timed requests per page after {options['warmup']} warm-up, "
            "the pages taking turns; every response checked (status 200, expected content). "
            "Database connections: "
            + (
                ("kept open" if connections is None else f"kept for {connections} s")
                if connections != 0
                else "a new one per request (DATABASE_CONN_MAX_AGE=0)"
            )
            + "."
        )
        w(
            "Times in ms: median and p90 of the round trip measured by the client (http.client "
            "on one connection; the sync workers close it after each response, so each request "
            "includes a local TCP connect);\nserver: median of gunicorn's own request time (its "
            "access log); ratio: median / median of the static file in the same run.\n"
        )
        sides = {"on": f"page cache on ({on_seconds} s)", "off": "page cache off"}
        width = 36
        head = f"{'page':<22} {'lang':<4} {'KiB':>5} "
        w((head + "".join(f"│ {sides[label]:<{width}}" for label in runs)).rstrip())
        columns = f"{'median':>7} {'p90':>7} {'server':>7} {'ratio':>7}    "
        header = f"{'':<{len(head)}}" + "".join(f"│ {columns:<{width}}" for _label in runs)
        w(header.rstrip())
        w("─" * len(header))
        for case in cases:
            first = runs[next(iter(runs))][case.key]
            line = f"{case.label:<22} {case.language or '–':<4} {first.kib:>5.0f} "
            for label in runs:
                r = runs[label][case.key]
                static = runs[label][cases[0].key].median
                server = f"{r.server * 1000:7.1f}" if r.server is not None else f"{'–':>7}"
                mark = "" if case.kind == "static" else (" ✓" if r.met else " ✗")
                cell = (
                    f"{r.median * 1000:7.1f} {r.p90 * 1000:7.1f} {server} "
                    f"{ratio(r.median, static):6.1f}×{mark}"
                )
                line += f"│ {cell:<{width}}"
            w(line.rstrip())
        w(f"\n✓ / ✗: target median ≤ {TARGET_MS} ms warm (the round trip) met / missed.")
        for label in runs:
            pages = [(case, runs[label][case.key]) for case in cases if case.kind != "static"]
            missed = [(case, r) for case, r in pages if not r.met]
            slowest_case, slowest = max(pages, key=lambda item: item[1].median)
            if missed:
                verdict = "MISSED by " + ", ".join(
                    f"{case.label} ({case.language}) {r.median * 1000:.1f} ms" for case, r in missed
                )
            else:
                verdict = (
                    f"met by every page; slowest median {slowest.median * 1000:.1f} ms "
                    f"({slowest_case.label}, {slowest_case.language})"
                )
            w(f"Target median ≤ {TARGET_MS} ms warm, {sides[label]}: {verdict}.")
            cookies = sorted({f"{case.label} ({case.language})" for case, r in pages if r.cookie})
            if label == "on" and cookies:
                w(
                    self.style.WARNING(
                        "Not cacheable, they set a cookie: " + ", ".join(cookies) + "."
                    )
                )
        if invalidation is not None:
            w(f"Invalidation on change: {invalidation}")


def server_database_url():
    """The DATABASE_URL under which the server opens the database this process uses."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise CommandError(
                "The database is in memory: the server, another process, cannot open it. Use a "
                "database file (DATABASE_URL=sqlite:///…)."
            )
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "localhost"
        port = f":{db['PORT']}" if db["PORT"] else ""
        return (
            f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/"
            f"{quote(db['NAME'], safe='')}"
        )
    raise CommandError(f"The benchmark runs on SQLite or PostgreSQL, not {connection.vendor}.")


# What the public site shows besides the actors and the program


def publish_website_content(program):
    """Public goals and results, partnerships abroad and news; made again on every run (a few
    hundred rows). Returns the local process whose municipality page is measured: the one with
    the most organisations with consent, among those with goals if any has them."""
    now = timezone.now()
    rng = seeded(SEED + 3)
    with transaction.atomic():
        # Two of three goals and results are public, the rest internal.
        for model, in_program in ((Goal, "process__program"), (Result, "workshop__program")):
            rows = model.objects.filter(**{in_program: program}).annotate(third=F("pk") % 3)
            rows.filter(third=0).update(is_public=False)
            rows.filter(third__gt=0).update(is_public=True)
        process = (
            LocalProcess.objects.filter(program=program)
            .annotate(
                has_goals=Exists(Goal.objects.filter(process=OuterRef("pk"))),
                public=Count(
                    "municipality__organisations",
                    filter=Q(municipality__organisations__consent_given_at__isnull=False),
                ),
            )
            .select_related("municipality")
            .order_by("-has_goals", "-public", "pk")
            .first()
        )
        Goal.objects.filter(process=process).update(is_public=True)
        Result.objects.filter(workshop__process=process).update(is_public=True)
        # Its next workshop is open for registration.
        Event.objects.filter(process=process, starts_at__gt=now).update(
            is_published=True, cancelled_at=None
        )
        Program.objects.filter(pk=program.pk).update(
            name_en="Bench: Municipal processes",
            description_en="A synthetic program for load tests.",
        )

        Partnership.objects.filter(note=PARTNERSHIP_NOTE).delete()
        countries = dict(Country.objects.filter(code__in=PARTNER_TOWNS).values_list("code", "pk"))
        towns = [code for code in PARTNER_TOWNS if code in countries]
        kinds = [PartnershipKind.CITY, PartnershipKind.PROJECT, PartnershipKind.CLIMATE]
        partnerships = []
        processes = LocalProcess.objects.filter(program=program).order_by("pk")
        for municipality_id in processes.values_list("municipality_id", flat=True):
            chosen = municipality_id == process.municipality_id
            if towns and (chosen or rng.random() < 0.3):
                for code in rng.sample(towns, min(3 if chosen else rng.randint(1, 2), len(towns))):
                    partnerships.append(
                        Partnership(
                            municipality_id=municipality_id,
                            partner_name=PARTNER_TOWNS[code],
                            country_id=countries[code],
                            kind=rng.choice(kinds),
                            since=rng.randint(1975, 2023),
                            note=PARTNERSHIP_NOTE,
                        )
                    )
        Partnership.objects.bulk_create(partnerships)

        NewsArticle.objects.filter(slug__startswith=NEWS_PREFIX).delete()
        others = list(processes.values_list("municipality_id", flat=True)[:50])
        articles = []
        for number in range(NEWS_ARTICLES):
            municipality_id = process.municipality_id if number % 6 == 0 else rng.choice(others)
            articles.append(
                NewsArticle(
                    slug=f"{NEWS_PREFIX}{number + 1}",
                    title=f"Neues aus dem Programm, Folge {number + 1}",
                    title_en=f"News from the program, part {number + 1}" if number % 2 else "",
                    summary="Ein Workshop, eine neue Partnerschaft und viele Ideen.",
                    summary_en="A workshop, a new partnership and many ideas."
                    if number % 2
                    else "",
                    body="## Rückblick\n\nSynthetischer Artikel für Lasttests. " * 20,
                    body_en="## Review\n\nA synthetic article for load tests. " * 20
                    if number % 2
                    else "",
                    # The last is a draft, the one before due next week: neither is shown.
                    is_published=number < NEWS_ARTICLES - 1,
                    published_at=now
                    + timedelta(days=7 if number == NEWS_ARTICLES - 2 else -7 * number - 1),
                    municipality_id=municipality_id,
                )
            )
        NewsArticle.objects.bulk_create(articles)
    return process


# The pages


@dataclass
class Case:
    kind: str  # static, home, directory, municipality
    label: str
    language: str
    path: str
    expected: list = field(default_factory=list)
    organisation_link: re.Pattern = None
    # A new address every request (another query string): the page cache misses, while what
    # many pages share (the directory's select lists) stays cached, as for a visitor trying
    # filters nobody tried before.
    fresh: bool = False

    @property
    def key(self):
        return (self.kind + (" fresh" if self.fresh else ""), self.language)

    def path_for(self, number):
        if not self.fresh:
            return self.path
        return self.path + ("&" if "?" in self.path else "?") + f"visit={number}"

    def logged(self, url):
        if self.fresh:
            return url.startswith(self.path_for(0).removesuffix("0"))
        return url == self.path


def page_cases(program, municipality, filters):
    cases = [Case("static", "static file (baseline)", "", STATIC_PATH, ["{"])]
    for language in (code for code, _name in settings.LANGUAGES):
        with translation.override(language):
            # The site's own pages in this language: <html lang="…">.
            expected = [f'<html lang="{language}"']
            link = reverse("website:organisation", args=[0]).replace("/0/", "/")
            directory = reverse("website:directory") + (f"?{filters}" if filters else "")
            listed = re.compile(re.escape(link) + r"(\d+)/")
            cases += [
                Case(
                    "home",
                    "home",
                    language,
                    reverse("home"),
                    [*expected, html.escape(localized(program, "name"))],
                ),
                Case("directory", "directory, filtered", language, directory, expected, listed),
                Case(
                    "directory",
                    "directory, new address",
                    language,
                    directory,
                    expected,
                    listed,
                    fresh=True,
                ),
                Case(
                    "municipality",
                    "municipality",
                    language,
                    reverse("website:municipality", args=[municipality.pk]),
                    [*expected, html.escape(municipality.name)],
                ),
            ]
    # In the order the report shows them: by page, German before English.
    order = ["static", "home", "directory", "municipality"]
    return sorted(cases, key=lambda case: (order.index(case.kind), case.fresh, case.language))


# "<p id="result-count" …>212 Organisationen gefunden", or "212 organisations".
RESULT_COUNT = [
    re.compile(r'id="result-count"[^>]*>\s*(?:<[^>]+>\s*)*([\d.,]+)'),
    re.compile(r"([\d.,]+)\s*(?:</\w+>\s*)*(?:Organisationen|organisations)\b"),
]


def result_count(content):
    for pattern in RESULT_COUNT:
        found = pattern.search(content)
        if found:
            return int(re.sub(r"\D", "", found[1]))
    return None


# The server


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environ(database_url, static_root, workers):
    """Production settings, but plain HTTP on a local port."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or f"bench-{secrets.token_urlsafe(40)}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url,
        "WEB_WORKERS": str(workers),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "PYTHONUNBUFFERED": "1",
    }


def kept_static_root(name):
    """Where a benchmark keeps the collected static files between runs: beside its SQLite
    database, else in var/ (collecting takes a while on a busy machine)."""
    if connection.vendor == "sqlite":
        return Path(connection.settings_dict["NAME"]).resolve().parent / name
    return Path(settings.VAR_DIR) / name


def static_is_current(root):
    """Whether `root` holds the collected static files newer than every source file."""
    manifest = root / "staticfiles.json"
    if not manifest.exists():
        return False
    newest = 0.0
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            newest = max(newest, Path(storage.path(path)).stat().st_mtime)
    return manifest.stat().st_mtime > newest


def collected_static(environ, write):
    """The collected static files in the environment's STATIC_ROOT: collected again only when a
    source file is newer than them."""
    root = Path(environ["STATIC_ROOT"])
    if static_is_current(root):
        write(f"Reusing the static files in {root} …")
    else:
        write(f"Collecting the static files (as for production) into {root} …")
        collect_static(environ)


def collect_static(environ):
    """As for production: WhiteNoise's manifest storage needs the collected, hashed files."""
    done = subprocess.run(  # noqa: S603 (our own interpreter and command line)
        [sys.executable, "-c", CLI, "collectstatic", "--no-input", "--verbosity=0"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise CommandError(f"collectstatic failed:\n{done.stderr[-3000:]}")


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    seconds: float

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")


class Server:
    """gunicorn through `bruecken serve` in a process group of its own, stopped on leaving the
    block, whatever ends it (an error, Ctrl+C)."""

    def __init__(self, environ, access_log):
        self.port = free_port()
        self.access_log = Path(access_log)
        self.environ = {
            **environ,
            "GUNICORN_CMD_ARGS": shlex.join(
                [
                    "--access-logfile",
                    str(self.access_log),
                    "--access-logformat",
                    ACCESS_LOG_FORMAT,
                ]
            ),
        }
        self.process = None
        self.output = None
        self.connection = None

    def __enter__(self):
        self.output = tempfile.TemporaryFile()
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and command line)
            [sys.executable, "-c", CLI, "serve", f"127.0.0.1:{self.port}"],
            env=self.environ,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            # Its own group: Ctrl+C reaches this command only, which then stops the server.
            start_new_session=True,
        )
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def wait_until_ready(self):
        deadline = time.monotonic() + READY_SECONDS
        while True:
            if self.process.poll() is not None:
                raise CommandError(f"The server exited ({self.process.returncode}):\n{self.log()}")
            try:
                # Its own address, so that the access log tells it from the measured requests.
                if self.get(READY_PATH).status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise CommandError(f"The server did not answer in {READY_SECONDS} s:\n{self.log()}")
            time.sleep(0.1)

    def get(self, path):
        """One GET on the kept connection (opened again when the server closed it)."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            started = time.perf_counter()
            self.connection.request("GET", path)
            response = self.connection.getresponse()
            body = response.read()
            seconds = time.perf_counter() - started
        except (OSError, http.client.HTTPException):
            self.close_connection()
            raise
        if response.will_close:
            self.close_connection()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Response(response.status, headers, body, seconds)

    def close_connection(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def log(self):
        self.output.seek(0)
        return self.output.read().decode(errors="replace")[-3000:]

    def access_lines(self):
        if not self.access_log.exists():
            return []
        return self.access_log.read_text().splitlines()

    def stop(self):
        self.close_connection()
        if self.process is not None and self.process.poll() is None:
            # gunicorn's graceful stop for the arbiter and its workers; then the hard way.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.output is not None:
            self.output.close()
            self.output = None


# The measurements


@dataclass
class Figures:
    median: float
    p90: float
    server: float | None
    kib: float
    cookie: bool
    count: int | None

    @property
    def met(self):
        return self.median * 1000 <= TARGET_MS


def check(case, response):
    """A broken page must not be measured as a fast one."""
    problem = None
    if response.status != 200:
        problem = f"status {response.status}"
    elif case.kind == "static":
        if not response.headers.get("content-type", "").startswith("text/css"):
            problem = f"content type {response.headers.get('content-type')}"
    else:
        text = response.text
        missing = [snippet for snippet in case.expected if snippet not in text]
        if missing:
            problem = f"no {missing[0]!r} in the page"
        elif case.organisation_link and not case.organisation_link.search(text):
            problem = "no organisation listed (a filter the directory does not know?)"
    if problem:
        raise CommandError(f"{case.label} ({case.language or 'static'}), {case.path}: {problem}.")


def measure(server, cases, warmup, requests):
    """Every page in turn, round after round, so that whatever else the machine does weighs on
    all of them alike."""
    seconds = {case.key: [] for case in cases}
    last = {}
    for number in range(warmup + requests):
        for case in cases:
            response = server.get(case.path_for(number))
            check(case, response)
            if number >= warmup:
                seconds[case.key].append(response.seconds)
            last[case.key] = response
    server_times = read_server_times(server, cases, warmup, requests)
    figures = {}
    for case in cases:
        response = last[case.key]
        figures[case.key] = Figures(
            median=statistics.median(seconds[case.key]),
            p90=percentile(seconds[case.key], 90),
            server=server_times.get(case.key),
            kib=len(response.body) / 1024,
            cookie="set-cookie" in response.headers,
            count=result_count(response.text) if case.kind == "directory" else None,
        )
    return figures


def read_server_times(server, cases, warmup, requests):
    """Median of gunicorn's request time of each page's timed requests. A worker writes its
    line after the response: wait for all of them."""
    wanted = warmup + requests
    deadline = time.monotonic() + 5
    while True:
        by_path = {}
        for line in server.access_lines():
            status, micros, path, query = [*line.split("|", 3), "", "", ""][:4]
            if status == "200" and micros.isdigit():
                url = path + (f"?{query}" if query and query != "-" else "")
                by_path.setdefault(url, []).append(int(micros) / 1_000_000)
        times = {
            case.key: [t for url, ts in by_path.items() if case.logged(url) for t in ts]
            for case in cases
        }
        complete = all(len(times[case.key]) >= wanted for case in cases)
        if complete or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return {
        case.key: statistics.median(times[case.key][warmup:wanted])
        for case in cases
        if len(times[case.key]) >= wanted
    }


def check_invalidation(server, case):
    """Withdraw the consent of an organisation the (cached) filtered directory lists, through the
    ORM as any change would be saved; it must be gone from the next response, and back once the
    consent is given again."""
    before = server.get(case.path)
    check(case, before)
    listed = case.organisation_link.findall(before.text)
    organisation = Organisation.objects.get(pk=int(listed[0]))
    given_at, given_by = organisation.consent_given_at, organisation.consent_given_by
    counted = result_count(before.text)
    organisation.consent_given_at = None
    organisation.save()
    try:
        after = server.get(case.path)
        check(case, after)
    finally:
        organisation.consent_given_at, organisation.consent_given_by = given_at, given_by
        organisation.save()
    back = server.get(case.path)
    check(case, back)
    gone = str(organisation.pk) not in case.organisation_link.findall(after.text)
    returned = str(organisation.pk) in case.organisation_link.findall(back.text)
    recounted, restored = result_count(after.text), result_count(back.text)
    counts_ok = counted is None or (recounted == counted - 1 and restored == counted)
    counts = f", {counted:,} → {recounted:,} found → {restored:,}" if counted is not None else ""
    verdict = "yes" if gone and returned and counts_ok else "NO"
    return (
        f"{verdict} (the consent of organisation {organisation.pk} withdrawn through the ORM: "
        f"{'gone from' if gone else 'STILL IN'} the filtered directory ({case.language}) at "
        f"once{counts}; {'back' if returned else 'NOT back'} after the consent was restored)."
    )
