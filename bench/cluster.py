"""Benchmark one app server against two on this machine (`make bench-cluster`, issue #18).

The command fills a dedicated database with a small synthetic dataset (the organisations and
people of `make bench`, a program of local processes) and participants with accounts, then
starts the app servers of the topology (bench/topology.py: `bruecken serve`, gunicorn, DEBUG
off, WEB_WORKERS each) four times: one server and two, each with the embedded cache (every
process its own) and with Redis (a private redis-server, REDIS_URL). Each time it sends, over
HTTP from several client threads taking the servers in turn, anonymous requests for public pages
(home, the directory, a search in it, an organisation; the page cache on) and signed-in
registrations for a new workshop with half as many places as registrations (the event page
opened first, untimed; then the POSTs, timed), and checks that exactly the places were
confirmed. On one machine a second server adds no cores: the ratio two / one shows what the
second server costs or saves, not what a second machine would add. Without redis-server the
Redis runs are skipped, with the reason printed."""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from bruecken.actors.models import Organisation, Person
from bruecken.programs.models import Program

from . import topology
from .common import (
    BENCH_DOMAIN,
    bench_user,
    check_database,
    dedicated,
    migrate,
    signed_in_session,
)
from .dataset import DatasetCommand, prepare_dataset
from .events import LOAD_PROGRAM_NAME, load_event, load_program, remove_event, verify
from .timing import percentile, ratio
from .website import server_database_url

ACCOUNT_PREFIX = "cluster-"
PAGE_TIMEOUT = 60


class Command(DatasetCommand):
    help = (
        "Public pages and registrations per second through one app server and through two "
        "(gunicorn, DEBUG off, real HTTP), with the embedded cache and with Redis (a private "
        "redis-server; skipped with the reason printed where there is none), on a small "
        "synthetic dataset. " + dedicated("bench-cluster")
    )

    timed = (400, 20, "run of public pages")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(organisations=2_000, people=4_000)
        parser.add_argument(
            "--registrations",
            type=int,
            default=200,
            help="Registrations per run, for a workshop with half as many places "
            "(default: %(default)s).",
        )
        parser.add_argument(
            "--clients",
            type=int,
            default=8,
            help="Client threads sending at once (default: %(default)s).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="gunicorn workers per server (WEB_WORKERS; default: %(default)s).",
        )

    def handle(self, *args, **options):
        if options["registrations"] < 2 or options["clients"] < 1 or options["workers"] < 1:
            raise CommandError("Needs at least 2 registrations, 1 client and 1 worker.")
        others = [
            ("programs", Program, ~Q(name=LOAD_PROGRAM_NAME)),
        ]
        check_database(options["yes"], "bench-cluster", others=others)
        database_url = server_database_url()
        migrate(self.stdout)
        prepare_dataset(self, options["organisations"], options["people"], ~Q(user=None))
        participants = participant_accounts(options["registrations"])
        paths = public_paths()
        with translation.override(settings.LANGUAGE_CODE):
            program = load_program()
        skipped = topology.missing_redis()
        caches = ["embedded"] + ([] if skipped else ["Redis"])
        runs = {}
        sessions = [signed_in_session(user, second_factor=False) for user in participants]
        try:
            with topology.folder("bench-cluster-") as folder:
                environment = topology.environ(
                    database_url, folder / "static", WEB_WORKERS=str(options["workers"])
                )
                self.stdout.write("Collecting the static files (hashed, as for production) …")
                topology.prepare_static(environment)
                for cache in caches:
                    for count in (1, 2):
                        self.stdout.write(
                            f"Measuring {count} server{'s' if count > 1 else ''}, {cache} cache …"
                        )
                        runs[cache, count] = self.measure(
                            environment, folder, cache, count, paths, program, sessions, options
                        )
        finally:
            Session.objects.filter(session_key__in=[s.session_key for s in sessions]).delete()
        self.report(runs, caches, skipped, paths, options)

    def measure(self, environment, folder, cache, count, paths, program, sessions, options):
        with ExitStack() as stack:
            extra = {}
            if cache == "Redis":
                redis = stack.enter_context(topology.Redis())
                extra["REDIS_URL"] = redis.url
            servers = [
                stack.enter_context(
                    topology.AppServer(f"{cache}-{count}-{name}", {**environment, **extra}, folder)
                )
                for name in "AB"[:count]
            ]
            pages = measure_pages(servers, paths, options)
            registrations = measure_registrations(servers, program, sessions, options)
        return {"pages": pages, "registrations": registrations}

    def report(self, runs, caches, skipped, paths, options):
        w = self.stdout.write
        places = options["registrations"] // 2
        workers = f"{options['workers']} sync worker{'s' if options['workers'] > 1 else ''}"
        w(
            f"\nOne app server against two on one machine ({connection.vendor}; gunicorn "
            f"`bruecken serve`, {workers} each, DEBUG off), "
            f"{options['clients']} client threads taking the servers in turn:\n"
            f"public pages: {options['requests']} anonymous requests per run after "
            f"{options['warmup']} untimed ({', '.join(paths)}; page cache on);\n"
            f"registrations: {options['registrations']} participants signed in, for a workshop "
            f"with {places} places (each POST a registration; the event page fetched first, "
            "untimed).\n"
            "Figures: requests per second over the run (wall clock), median and p90 round trip "
            "in ms; two / one: per second with two servers against one."
        )
        if connection.vendor == "sqlite":
            w(
                "SQLite: the servers share one database file, which only works on one machine; "
                "set DATABASE_URL=postgres://… for the topology of several."
            )
        if skipped:
            w(f"Redis runs skipped: {skipped}.")
        sides = "".join(f"│ {label:<26}" for label in ("one server", "two servers"))
        w("\n" + " " * 25 + sides + "│ two / one")
        header = f"{'workload':<15}{'cache':<10}" + f"│ {'/s':>7} {'median':>8} {'p90':>8}  " * 2
        header += "│"
        self.write_table(header)
        for workload, label in (("pages", "public pages"), ("registrations", "registrations")):
            for cache in caches:
                one, two = runs[cache, 1][workload], runs[cache, 2][workload]
                line = f"{label:<15}{cache:<10}"
                for figures in (one, two):
                    line += (
                        f"│ {figures['rate']:7.1f} {figures['median'] * 1000:8.1f} "
                        f"{figures['p90'] * 1000:8.1f}  "
                    )
                w(line + f"│ {ratio(two['rate'], one['rate']):6.2f}×")
        if "Redis" in caches:
            parts = []
            for workload, label in (("pages", "public pages"), ("registrations", "registrations")):
                rates = [
                    ratio(
                        runs["Redis", count][workload]["rate"],
                        runs["embedded", count][workload]["rate"],
                    )
                    for count in (1, 2)
                ]
                per = [f"one server {rates[0]:.2f}×", f"two servers {rates[1]:.2f}×"]
                parts.append(f"{label}: {', '.join(per)}")
            w("\nRedis / embedded (per second): " + "; ".join(parts) + ".")
        exact = all(run["registrations"]["exact"] for run in runs.values())
        w(
            f"Places exact after every run: {'yes' if exact else 'NO'} ({places} confirmed, the "
            "rest on the waiting list, each participant once)."
        )
        if not exact:
            raise CommandError("A run confirmed more or fewer registrations than places.")


def participant_accounts(count):
    """People with accounts (no usable password: the bench signs them in), made once."""
    users = []
    for number in range(count):
        email = f"{ACCOUNT_PREFIX}{number}@{BENCH_DOMAIN}"
        user = bench_user(email, f"Teilnahme {number}")
        Person.objects.get_or_create(
            user=user, defaults={"name": f"Teilnahme {number}", "email": email}
        )
        users.append(user)
    return users


def public_paths():
    """Home, the directory (all, and a search) and the first organisation with consent
    (German)."""
    with translation.override(settings.LANGUAGE_CODE):
        public = Organisation.objects.filter(consent_given_at__isnull=False)
        organisation = public.order_by("pk").first()
        if organisation is None:
            raise CommandError("The dataset has no organisation with consent.")
        directory = reverse("website:directory")
        return [
            reverse("home"),
            directory,
            directory + "?q=verein",
            reverse("website:organisation", args=[organisation.pk]),
        ]


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def run_at_once(clients, jobs):
    """`jobs` (callables) by `clients` threads; the seconds of each and of the whole run."""
    start = threading.Barrier(clients + 1)
    index = iter(range(len(jobs)))
    lock = threading.Lock()
    seconds, errors = [], []

    def client():
        start.wait(timeout=PAGE_TIMEOUT)
        while True:
            with lock:
                number = next(index, None)
            if number is None:
                return
            try:
                problem, took = timed(jobs[number])
            except Exception as error:  # reported below, the run fails
                problem, took = f"{type(error).__name__}: {error}", 0
            with lock:
                seconds.append(took)
                if problem:
                    errors.append(problem)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait(timeout=PAGE_TIMEOUT)
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise CommandError(f"{len(errors)} requests failed, e.g. {errors[0]}")
    return {
        "rate": len(jobs) / wall,
        "median": statistics.median(seconds),
        "p90": percentile(seconds, 90),
    }


def measure_pages(servers, paths, options):
    """Each client thread a visitor of its own, taking the servers and the pages in turn."""
    visitors, local = [], threading.local()

    def request(number):
        def job():
            visitor = getattr(local, "visitor", None)
            if visitor is None:
                visitor = local.visitor = topology.Browser()
                visitors.append(visitor)
            server = servers[number % len(servers)]
            path = paths[number % len(paths)]
            response = visitor.get(server, path)
            if response.status_code != 200:
                return f"{server}{path}: {response.status_code}"
            return None

        return job

    try:
        total = options["warmup"] + options["requests"]
        for number in range(options["warmup"]):
            if problem := request(number)():
                raise CommandError(problem)
        jobs = [request(number) for number in range(options["warmup"], total)]
        return run_at_once(options["clients"], jobs)
    finally:
        for visitor in visitors:
            visitor.close()


def measure_registrations(servers, program, sessions, options):
    count = options["registrations"]
    places = count // 2
    with translation.override(settings.LANGUAGE_CODE):
        event = load_event(program, places, "Anmeldungen über mehrere Server")
        page = reverse("participate:event", args=[event.pk])
        register = reverse("participate:register", args=[event.pk])
    try:
        visitors = []
        for session in sessions[:count]:
            visitor = topology.Browser()
            visitor.session.cookies.set(settings.SESSION_COOKIE_NAME, session.session_key)
            visitors.append(visitor)
        sides = [servers[n % len(servers)] for n in range(count)]
        with ThreadPoolExecutor(options["clients"]) as pool:
            tokens = list(pool.map(lambda v, s: v.token(s, page), visitors, sides))

        def registration(number):
            def job():
                response = visitors[number].post(sides[number], register, token=tokens[number])
                if response.status_code != 302:
                    return f"{sides[number]}{register}: {response.status_code}"
                return None

            return job

        figures = run_at_once(options["clients"], [registration(n) for n in range(count)])
        for visitor in visitors:
            visitor.close()
        checked = verify(event, count, places)
        figures["exact"] = checked["holds"]
        return figures
    finally:
        remove_event(event)
