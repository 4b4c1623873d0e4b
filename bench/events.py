"""Benchmark registration under load and the program dashboards (`make bench-events`).

Two measurements on a dedicated database:

1. Registration throughput: many clients (threads, each with its own database connection)
   register at once for one event through `take_place`, which locks the event row and recounts
   its places for every registration. Compared in the same run with the same number of plain
   INSERTs by as many threads (no lock, no recount, no audit entry, no e-mail task) and with
   `take_place` from a single client. Afterwards the event must have exactly `capacity`
   confirmed places and a waiting list with distinct positions.
2. Dashboards: a synthetic program with 1,000 municipalities and 5,000 local workshops (with
   registrations, goals and results) is generated once with bulk_create and reused; the
   program dashboard and one process dashboard are requested as the program office and
   compared with a trivial view served through the same middleware.

The command refuses databases that hold anything but its own (or `make bench`'s) data."""

import contextlib
import cProfile
import io
import pstats
import statistics
import threading
import time
from datetime import timedelta

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone

import bruecken.urls
from bruecken.accounts.models import AuditEntry, Role
from bruecken.actors.models import Person
from bruecken.events.models import Event, Registration
from bruecken.events.services.places import take_place
from bruecken.programs.models import (
    Admission,
    Goal,
    GoalRating,
    LocalProcess,
    Program,
    Rating,
    Result,
    ResultKind,
    ResultStatus,
    WorkshopKind,
)
from bruecken.programs.services import load_default_template

from .common import (
    BENCH_DOMAIN,
    OFFICE_EMAIL,
    BenchCommand,
    analyze,
    bench_user,
    check_database,
    client_settings,
    dedicated,
    fetch,
    migrate,
    refresh_search_index,
    seeded,
    staff_client,
)
from .dataset import FIRST_NAMES, LAST_NAMES, create_municipalities
from .timing import explain, figures, percentile, ratio, time_calls

Status = Registration.Status
Source = Registration.Source

# Everything this command creates is marked: programs by name, people and users by address.
PROGRAM_NAME = "Bench: Kommunale Prozesse"
LOAD_PROGRAM_NAME = "Bench: Anmeldungen unter Last"
PARTICIPANT_PREFIX = "teilnahme-"
LOAD_PREFIX = "anmeldung-"
SEED = 20251
DEFAULT_MUNICIPALITIES = 1_000
DEFAULT_EVENTS = 5_000
PROGRAM_LEVEL_EVENTS = 4
BATCH = 1_000
TARGET_MS = 300
BASELINE_PATH = "/bench-trivial/"

# The steps of a local process: the template's four, with more extended workshops where a
# process has more than four.
INITIATIVE = (WorkshopKind.INITIATIVE, "Initiativworkshop", 12, 15, Admission.INVITED)
EXTENDED = (WorkshopKind.EXTENDED, "Erweiterter Workshop", 30, 40, Admission.OPEN)
EVALUATION = (WorkshopKind.EVALUATION, "Auswertungsworkshop", 12, 15, Admission.INITIATIVE_CIRCLE)
GOAL_TITLES = [
    "Netzwerk der Diaspora-Organisationen stärken",
    "Schulpartnerschaft anbahnen",
    "Runder Tisch Entwicklungspolitik einrichten",
    "Fairen Handel in der Beschaffung verankern",
    "Migrantenorganisationen in den Integrationsbeirat holen",
    "Gemeinsames Projekt mit der Partnerkommune beantragen",
    "Veranstaltungsreihe Globales Lernen",
]
RESULT_TEXTS = [
    "Vereinbarung über regelmäßige Treffen im Rathaus",
    "Projektidee: Ausbildungspartnerschaft mit dem Herkunftsland",
    "Erkenntnis: Termine am Wochenende erreichen mehr Ehrenamtliche",
    "Neue Kooperation zwischen Volkshochschule und Kulturverein",
    "Offene Frage: Wer übernimmt die Koordination nach Projektende?",
]


def trivial(request):
    """The baseline: a view that does nothing but what every staff page does first, load the
    logged-in user through the session and authentication middleware."""
    return HttpResponse("ok" if request.user.is_authenticated else "anonymous")


# Used as ROOT_URLCONF while the command measures: the project's URLs plus the baseline view.
urlpatterns = [path(BASELINE_PATH.strip("/") + "/", trivial), *bruecken.urls.urlpatterns]


class Command(BenchCommand):
    help = (
        "Benchmark registration under concurrent load and the program dashboards on a "
        "synthetic program (1,000 municipalities, 5,000 workshops). " + dedicated("bench-events")
    )
    timed = (20, 3, "page")
    explained = "dashboard"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--municipalities", type=int, default=DEFAULT_MUNICIPALITIES)
        parser.add_argument(
            "--events", type=int, default=DEFAULT_EVENTS, help="Workshops of local processes."
        )
        parser.add_argument("--clients", type=int, default=50, help="Concurrent registrants.")
        parser.add_argument(
            "--per-client", type=int, default=4, help="Registrations each client makes."
        )
        parser.add_argument("--capacity", type=int, default=40, help="Places of the event.")
        parser.add_argument(
            "--only", choices=["registration", "dashboards"], help="Run one part only."
        )
        parser.add_argument(
            "--profile",
            action="store_true",
            help="Profile one request of each dashboard (cProfile, the top functions).",
        )

    def handle(self, *args, **options):
        municipalities, events = options["municipalities"], options["events"]
        if municipalities < 1 or events < 2 * municipalities:
            raise CommandError("Needs at least 1 municipality and 2 workshops per municipality.")
        if min(options["clients"], options["per_client"], options["capacity"]) < 1:
            raise CommandError("Needs at least 1 client, 1 registration each and 1 place.")
        programs = ~Q(name__in=[PROGRAM_NAME, LOAD_PROGRAM_NAME])
        others = [("programs", Program, programs)]
        check_database(options["yes"], "bench-events", others=others, seeded_by=Person)
        migrate(self.stdout, schema=False, reference=False)
        office = bench_user(OFFICE_EMAIL, "Bench Programmbüro", Role.PROGRAM_OFFICE)
        if options["only"] != "dashboards":
            self.registration(options)
        if options["only"] != "registration":
            self.stdout.write("")
            program = prepare_program(self, municipalities, events)
            self.dashboards(program, office, options)

    # 1. Registration under load

    def registration(self, options):
        clients, per_client, capacity = (
            options["clients"],
            options["per_client"],
            options["capacity"],
        )
        total = clients * per_client
        people = load_people(total)
        program = load_program()
        sqlite = connection.vendor == "sqlite"
        self.stdout.write(
            f"\nRegistration throughput on {connection.vendor}: {clients} clients × "
            f"{per_client} registrations = {total} on one event with {capacity} places (source "
            "self; each client a thread with its own database connection)."
        )
        if sqlite:
            self.stdout.write(
                "SQLite serialises writers (IMMEDIATE transactions, one writer at a time): the "
                "concurrent figures show queueing for the write lock, not parallel work."
            )
        chunks = [people[i::clients] for i in range(clients)]
        runs = []
        for label, how, threads in (
            (f"take_place, {clients} clients", "take_place", clients),
            (f"plain INSERT, {clients} clients", "insert", clients),
            ("take_place, 1 client", "take_place", 1),
        ):
            event = load_event(program, capacity, label)
            try:
                groups = chunks if threads > 1 else [people]
                elapsed, latencies, errors = run_clients(event, groups, how)
                check = verify(event, total, capacity) if how == "take_place" else None
                runs.append(
                    {
                        "case": label,
                        "done": len(latencies),
                        "errors": errors,
                        "seconds": elapsed,
                        "rate": ratio(len(latencies), elapsed),
                        "median": statistics.median(latencies) if latencies else 0,
                        "p90": percentile(latencies, 90) if latencies else 0,
                        "check": check,
                    }
                )
            finally:
                remove_event(event)
        self.report_registration(runs, total, capacity)

    def report_registration(self, runs, total, capacity):
        baseline = runs[1]["rate"]
        self.stdout.write("")
        self.write_table(
            f"{'case':<28} {'done':>5} {'seconds':>8} {'per s':>8} {'median ms':>9} "
            f"{'p90 ms':>7} │ {'vs INSERT':>9}"
        )
        for run in runs:
            self.stdout.write(
                f"{run['case']:<28} {run['done']:>5} {run['seconds']:>8.2f} {run['rate']:>8.1f} "
                f"{run['median'] * 1000:>9.1f} {run['p90'] * 1000:>7.1f} │ "
                f"{ratio(run['rate'], baseline):>8.2f}×"
            )
        self.stdout.write(
            "\ndone: registrations made; per s: done / wall clock of the whole run; median, p90: "
            "per registration,\nas a client waits for it (lock included); vs INSERT: per s / per "
            "s of the plain INSERTs (the baseline:\none INSERT per transaction, no lock, no "
            "recount, no audit entry, no e-mail task)."
        )
        failed = False
        for run in runs:
            for error in run["errors"][:3]:
                self.stdout.write(self.style.ERROR(f"{run['case']}: {error}"))
            if run["errors"]:
                failed = True
            check = run["check"]
            if check is None:
                continue
            verdict = "holds" if check["holds"] else "BROKEN"
            self.stdout.write(
                f"Invariant after {run['case']}: {check['confirmed']} confirmed (capacity "
                f"{capacity}), {check['waiting']} waiting with {check['positions']} distinct "
                f"positions 1…{check['waiting']}, {check['registrations']} of {total} registered "
                f"once each: {verdict}."
            )
            failed = failed or not check["holds"]
        if failed:
            raise CommandError("Registration under load failed; see above.")

    # 2. The dashboards

    def dashboards(self, program, office, options):
        process = (
            LocalProcess.objects.filter(program=program)
            .annotate(registrations=Count("workshops__registrations"))
            .order_by("-registrations", "pk")
            .first()
        )
        with client_settings(ROOT_URLCONF=__name__):
            pages = [
                ("trivial view (baseline)", BASELINE_PATH),
                ("program dashboard", reverse("programs:program_detail", args=[program.pk])),
                ("process dashboard", reverse("programs:process_detail", args=[process.pk])),
            ]
            client = staff_client(office)
            results = []
            for label, url in pages:

                def request(url=url):
                    return fetch(client, url)

                timings, response, log = time_calls(request, options["requests"], options["warmup"])
                results.append(
                    {"page": label, "bytes": len(response.content), **figures(timings, log)}
                )
                if options["explain"] and url != BASELINE_PATH:
                    queries = log.last_call()
                    slowest = max(queries, key=lambda query: query[2])
                    title = f"{label} (the plan of the slowest query)"
                    explain(self.stdout.write, title, queries, [slowest])
                if options["profile"] and url != BASELINE_PATH:
                    self.profile(label, request)
        self.report_dashboards(results, program, process, options)

    def profile(self, title, request):
        profiler = cProfile.Profile()
        profiler.runcall(request)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        self.stdout.write(f"\n{title}, one request under cProfile:\n{out.getvalue()}")

    def report_dashboards(self, results, program, process, options):
        baseline = results[0]["median"]
        rows = LocalProcess.objects.filter(program=program).count()
        self.stdout.write(
            f"\nDashboards as the program office, {connection.vendor}: program with "
            f"{program.municipalities.count():,} municipalities, "
            f"{Event.objects.filter(program=program).count():,} events, "
            f"{Registration.objects.filter(event__program=program).count():,} registrations, "
            f"{Goal.objects.filter(process__program=program).count():,} goals, "
            f"{Result.objects.filter(workshop__program=program).count():,} results; process "
            f"dashboard of {process.municipality} ({process.registrations} registrations).\n"
            f"{options['requests']} timed requests per page after {options['warmup']} warm-up; "
            "times in ms around the test client's request (middleware, queries, templates).\n"
        )
        self.write_table(
            f"{'page':<24} {'KiB':>6} {'median':>7} {'p90':>7} {'CPU':>7} {'DB':>7} "
            f"{'queries':>7} │ {'vs trivial':>10}"
        )
        for r in results:
            self.stdout.write(
                f"{r['page']:<24} {r['bytes'] / 1024:>6.0f} {r['median'] * 1000:>7.1f} "
                f"{r['p90'] * 1000:>7.1f} {r['cpu'] * 1000:>7.1f} {r['db'] * 1000:>7.1f} "
                f"{r['queries']!s:>7} │ {ratio(r['median'], baseline):>9.1f}×"
            )
        self.stdout.write(
            "\nKiB: size of the page; median, p90: wall clock; CPU: median CPU time of this "
            "process (Python, and SQLite's work);\nDB: median time in the database driver's "
            "execute(); vs trivial: median / median of the trivial view (same client, same "
            "middleware, logged in)."
        )
        self.verdict(results[1:], TARGET_MS, f"at {rows:,} municipalities", lambda r: r["page"])


# Registration under load


def load_people(count):
    """The registrants: people with bench addresses, made once and reused."""
    emails = [f"{LOAD_PREFIX}{number}@{BENCH_DOMAIN}" for number in range(count)]
    existing = set(Person.objects.filter(email__in=emails).values_list("email", flat=True))
    new = [
        Person(name=f"Anmeldung {number}", email=email, search_text=email)
        for number, email in enumerate(emails)
        if email not in existing
    ]
    Person.objects.bulk_create(new, batch_size=BATCH)
    by_email = {p.email: p for p in Person.objects.filter(email__in=emails)}
    return [by_email[email] for email in emails]


def load_program():
    program, _created = Program.objects.get_or_create(
        name=LOAD_PROGRAM_NAME,
        defaults={
            "office": "Bench",
            "starts_on": timezone.localdate() - timedelta(days=365),
            "ends_on": timezone.localdate() + timedelta(days=365),
            "template": load_default_template(),
        },
    )
    return program


def load_event(program, capacity, label):
    now = timezone.now()
    return Event.objects.create(
        program=program,
        kind=WorkshopKind.EXCHANGE,
        title=f"Bench: {label}",
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=6),
        venue="Rathaus",
        capacity=capacity,
        admission=Admission.OPEN,
        is_published=True,
    )


def run_clients(event, groups, how):
    """Each group of people registered by one thread; wall-clock seconds of the whole run,
    seconds per registration, and the errors."""
    barrier = threading.Barrier(len(groups) + 1)
    latencies, errors, lock = [], [], threading.Lock()
    # An in-memory SQLite database (the tests') shares its cache between connections, and a
    # locked table there fails at once instead of waiting: take turns.
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    turn = threading.Lock() if in_memory else contextlib.nullcontext()

    def client(people):
        mine = []
        try:
            connection.ensure_connection()
            barrier.wait()
            for person in people:
                started = time.perf_counter()
                with turn:
                    if how == "take_place":
                        take_place(event, person, source=Source.SELF)
                    else:
                        with transaction.atomic():
                            Registration.objects.create(
                                event=event,
                                person=person,
                                status=Status.CONFIRMED,
                                source=Source.SELF,
                            )
                mine.append(time.perf_counter() - started)
        except Exception as error:  # reported, and the run fails
            errors.append(f"{type(error).__name__}: {error}")
            barrier.abort()
        finally:
            with lock:
                latencies.extend(mine)
            connection.close()

    threads = [threading.Thread(target=client, args=(group,)) for group in groups]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def verify(event, total, capacity):
    registrations = list(Registration.objects.filter(event=event))
    confirmed = sum(1 for r in registrations if r.status == Status.CONFIRMED)
    waiting = [r for r in registrations if r.status == Status.WAITING]
    positions = {r.waiting_position() for r in waiting}
    people = {r.person_id for r in registrations}
    holds = (
        confirmed == min(capacity, total)
        and len(waiting) == total - confirmed
        and positions == set(range(1, len(waiting) + 1))
        and len(registrations) == len(people) == total
    )
    return {
        "confirmed": confirmed,
        "waiting": len(waiting),
        "positions": len(positions),
        "registrations": len(people),
        "holds": holds,
    }


def remove_event(event):
    """The event, its registrations, their audit entries and their queued e-mails."""
    from django_tasks_db.models import DBTaskResult

    ids = list(Registration.objects.filter(event=event).values_list("pk", flat=True))
    AuditEntry.objects.filter(
        object_type=Registration._meta.label_lower, object_id__in=[str(pk) for pk in ids]
    ).delete()
    DBTaskResult.objects.filter(
        task_path__endswith="send_notification", enqueued_at__gte=event.created_at
    ).delete()
    event.delete()


# Generation


def prepare_program(command, municipalities, events, seed=SEED):
    """The program of local processes in `municipalities` synthetic municipalities with `events`
    workshops, reused when it has that size."""
    program = Program.objects.filter(name=PROGRAM_NAME).first()
    if program is not None:
        found = (
            LocalProcess.objects.filter(program=program).count(),
            Event.objects.filter(program=program, process__isnull=False).count(),
        )
        if found == (municipalities, events):
            command.stdout.write(
                f"Reusing the synthetic program: {municipalities:,} municipalities, "
                f"{events:,} workshops."
            )
            refresh_search_index(command.stdout)
            return program
        command.stdout.write(
            f"The database holds another synthetic program ({found[0]:,} processes, "
            f"{found[1]:,} workshops); replacing it."
        )

    def make():
        delete_program()
        return generate(seeded(seed), municipalities, events)

    program = command.generate(
        f"Generating a program with {municipalities:,} municipalities and {events:,} workshops "
        f"(seed {seed}) …",
        make,
    )
    refresh_search_index(command.stdout)
    analyze()
    return program


def delete_program():
    for program in Program.objects.filter(name=PROGRAM_NAME):
        program.delete()
    Person.objects.filter(email__startswith=PARTICIPANT_PREFIX).delete()


def steps_for(count):
    """A process's workshops: initiative, extended ones, evaluation."""
    extended = count - 2
    return [
        (INITIATIVE, 1),
        *[
            ((EXTENDED[0], f"{EXTENDED[1]} {number}", *EXTENDED[2:]), number + 1)
            for number in range(1, extended + 1)
        ],
        (EVALUATION, count),
    ]


def generate(rng, municipality_count, event_count):
    now = timezone.now()
    template = load_default_template()
    # The synthetic ones come last, after the model municipalities of the reference data.
    municipalities = create_municipalities(rng, municipality_count)[-municipality_count:]
    program = Program.objects.create(
        name=PROGRAM_NAME,
        office="Servicestelle Kommunen in der Einen Welt",
        description="Synthetisches Programm für Lasttests.",
        starts_on=timezone.localdate() - timedelta(days=400),
        ends_on=timezone.localdate() + timedelta(days=400),
        template=template,
    )
    Through = Program.municipalities.through
    Through.objects.bulk_create(
        [Through(program_id=program.pk, municipality_id=m.pk) for m in municipalities],
        batch_size=BATCH,
    )
    processes = LocalProcess.objects.bulk_create(
        [LocalProcess(program=program, municipality=m, template=template) for m in municipalities],
        batch_size=BATCH,
    )
    counts = {"people": 0, "events": 0, "registrations": 0, "goals": 0, "ratings": 0}
    counts["results"] = 0

    # People: a pool per municipality, from which its workshops draw.
    pools, people = {}, []
    for process in processes:
        size = rng.randint(55, 90)
        pool = []
        for _ in range(size):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{PARTICIPANT_PREFIX}{len(people)}@{BENCH_DOMAIN}"
            person = Person(
                name=f"{first} {last}",
                email=email,
                municipality_id=process.municipality_id,
                search_text=f"{first} {last}\n{email}".casefold(),
            )
            people.append(person)
            pool.append(person)
        pools[process.pk] = pool
    Person.objects.bulk_create(people, batch_size=BATCH)
    counts["people"] = len(people)

    # Workshops: each process has reached a step; those before it are held.
    per_process, extra = divmod(event_count, len(processes))
    events, plans = [], []
    for index, process in enumerate(processes):
        steps = steps_for(per_process + (1 if index < extra else 0))
        held = rng.choices(range(len(steps) + 1), weights=[2, *[3] * len(steps)])[0]
        for number, ((kind, title, low, high, admission), position) in enumerate(steps):
            event = Event(
                program=program,
                process=process,
                position=position,
                kind=kind,
                title=f"{title} {process.municipality.name}",
                capacity_min=low,
                capacity=high,
                admission=admission,
                venue="Rathaus, Ratssaal",
            )
            if number < held:
                state = "held"
                event.starts_at = now - timedelta(days=35 * (held - number) + rng.randint(0, 20))
                event.is_published = True
            elif number == held:
                state = "next"
                event.starts_at = now + timedelta(days=rng.randint(1, 45), hours=rng.randint(0, 8))
                event.is_published = rng.random() < 0.8
                if rng.random() < 0.03:
                    event.cancelled_at = now - timedelta(days=1)
            else:
                state = "later"
                if rng.random() < 0.5:
                    event.starts_at = now + timedelta(days=35 * (number - held + 1))
            if event.starts_at:
                event.ends_at = event.starts_at + timedelta(hours=5)
            events.append(event)
            plans.append((process, state))
    for number in range(PROGRAM_LEVEL_EVENTS):
        kind = WorkshopKind.EXCHANGE if number % 2 == 0 else WorkshopKind.SEMINAR
        start = now + timedelta(days=60 * number - 90)
        events.append(
            Event(
                program=program,
                kind=kind,
                title=f"Erfahrungsaustausch {number + 1}",
                starts_at=start,
                ends_at=start + timedelta(hours=6),
                venue="Bonn",
                capacity=60,
                places_per_municipality=2,
                admission=Admission.DELEGATES,
                is_published=True,
            )
        )
    Event.objects.bulk_create(events, batch_size=BATCH)
    counts["events"] = len(events)

    # Registrations, goals, results.
    registrations, workshops_of = [], {}
    for event, (process, state) in zip(events, plans, strict=False):
        workshops_of.setdefault(process.pk, []).append((event, state))
        if state == "later" or (state == "next" and not event.is_published):
            continue
        pool = pools[process.pk]
        if state == "held":
            confirmed = rng.randint(max(event.capacity_min - 3, 1), event.capacity)
            waiting = 0
        else:
            confirmed = rng.randint(0, event.capacity)
            waiting = rng.randint(0, 8) if confirmed == event.capacity else 0
        chosen = rng.sample(pool, min(confirmed + waiting + rng.randint(0, 2), len(pool)))
        for number, person in enumerate(chosen):
            registered = event.starts_at - timedelta(days=rng.randint(2, 40))
            if number < confirmed:
                status = Status.CONFIRMED
            elif number < confirmed + waiting:
                status = Status.WAITING
            else:
                status = Status.CANCELLED
            registrations.append(
                Registration(
                    event=event,
                    person=person,
                    status=status,
                    source=rng.choice([Source.SELF, Source.SELF, Source.INVITATION]),
                    registered_at=registered,
                    queued_at=registered if status == Status.WAITING else None,
                    attended=(rng.random() < 0.85)
                    if state == "held" and status == Status.CONFIRMED
                    else None,
                )
            )
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    counts["registrations"] = len(registrations)

    goal_rows = []
    for process in processes:
        workshops = workshops_of[process.pk]
        initiative, initiative_state = workshops[0]
        if initiative_state != "held":
            continue
        for _ in range(rng.randint(3, 6)):
            goal = Goal(
                process=process,
                workshop=initiative,
                title=rng.choice(GOAL_TITLES),
                indicator="Bis Projektende messbar erreicht",
                target_date=timezone.localdate() + timedelta(days=rng.randint(30, 400)),
            )
            goal_rows.append(goal)
    Goal.objects.bulk_create(goal_rows, batch_size=BATCH)
    counts["goals"] = len(goal_rows)
    goals_of = {}
    for goal in goal_rows:
        goals_of.setdefault(goal.process_id, []).append(goal)

    ratings, results = [], []
    for process in processes:
        workshops = workshops_of[process.pk]
        evaluation, evaluation_state = workshops[-1]
        if evaluation_state == "held":
            ratings += [
                GoalRating(goal=goal, workshop=evaluation, rating=rng.choice(Rating.values))
                for goal in goals_of.get(process.pk, [])
            ]
        for event, state in workshops:
            if state != "held":
                continue
            for _ in range(rng.randint(1, 4)):
                results.append(
                    Result(
                        workshop=event,
                        kind=rng.choice(ResultKind.values),
                        text=rng.choice(RESULT_TEXTS),
                        status=rng.choice(ResultStatus.values),
                    )
                )
    GoalRating.objects.bulk_create(ratings, batch_size=BATCH)
    Result.objects.bulk_create(results, batch_size=BATCH)
    counts["ratings"], counts["results"] = len(ratings), len(results)
    ResultGoal = Result.goals.through
    links = []
    for result in results:
        candidates = goals_of.get(result.workshop.process_id, [])
        if candidates and rng.random() < 0.6:
            links.append(ResultGoal(result_id=result.pk, goal_id=rng.choice(candidates).pk))
    ResultGoal.objects.bulk_create(links, batch_size=BATCH)
    return program, counts
