"""Benchmark the real size of issue #16 in one run (`make bench-size`).

On a dedicated database it fills (or reuses) the synthetic dataset of `make bench` (50,000
organisations, 200,000 people) and the synthetic program of `make bench-website` over its
municipalities, then measures, each beside its target and a baseline from the same run:

- the picker search (organisations, people, municipalities) for the program office and a
  coordinator, against the list page's LIKE on the same rows (bench/size_staff.py);
- every staff form page's size and time for both, against the staff list page (same module);
- the full-text search against the LIKE on search_text it replaces (bench/size_search.py);
- importing 200,000 people with 300,000 memberships through the transfer importers, against
  the same rows written one by one through the actors' services at a small scale
  (bench/size_import.py);
- the guideline composer at 1,000 municipalities, first load against the next ones
  (bench/size_composer.py);
- the public directory on a cache miss, alone and under 32 concurrent connections, served by
  gunicorn, against a static file (bench/size_directory.py).

--scale shrinks all sizes at once (0.1: 5,000 organisations, 20,000 people, an import of 20,000
people, a composer at 100 municipalities) for a quick run; the targets are for scale 1. It
refuses databases holding anything but its own data."""

import time

from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q

from bruecken.actors.models import Organisation, Person
from bruecken.places.models import Municipality
from bruecken.programs.models import Program
from bruecken.website.models import NewsArticle

from . import size_composer, size_directory, size_import, size_search, size_staff
from .common import analyze, check_database, dedicated, migrate
from .dataset import (
    DEFAULT_ORGANISATIONS,
    DEFAULT_PEOPLE,
    SYNTHETIC_KEY,
    DatasetCommand,
    bench_users,
    prepare_dataset,
)
from .events import LOAD_PROGRAM_NAME, PARTICIPANT_PREFIX, PROGRAM_NAME, delete_program
from .events import prepare_program as prepare_events_program
from .website import NEWS_PREFIX

SECTIONS = {
    "pickers": size_staff.measure_pickers,
    "forms": size_staff.measure_forms,
    "search": size_search.measure,
    "import": size_import.measure,
    "composer": size_composer.measure,
    "directory": size_directory.measure,
}
WORKSHOPS_PER_PROCESS = 5


class Command(DatasetCommand):
    help = (
        "Benchmark the real size of issue #16 in one run: picker search, staff forms, full-text "
        "search, the import of people and memberships, the guideline composer and the public "
        "directory on a cache miss, each with its target and a baseline. " + dedicated("bench-size")
    )
    timed = (15, 2, "case")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Not given: the full size times --scale (a value equal to the default still wins).
        parser.set_defaults(organisations=None, people=None)
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=(
                "All sizes times this (default: %(default)s: 50,000 organisations, 200,000 "
                "people, 200,000 imported people, 1,000 municipalities in the composer); "
                "--organisations and --people, when given, win for the dataset."
            ),
        )
        parser.add_argument(
            "--only",
            action="append",
            choices=list(SECTIONS),
            help="Measure only this part (repeatable; default: all).",
        )
        parser.add_argument(
            "--baseline-rows",
            type=int,
            default=size_import.BASELINE_PEOPLE,
            help=(
                "People (with 1.5 memberships each) written one by one as the import's "
                "baseline, extrapolated linearly (default: %(default)s)."
            ),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="gunicorn workers for the directory (default: %(default)s, as in production).",
        )
        parser.add_argument(
            "--connections",
            type=int,
            default=size_directory.CONNECTIONS,
            help="Concurrent connections to the directory (default: %(default)s).",
        )

    def execute(self, *args, **options):
        if options["scale"] <= 0 or options["scale"] > 10:
            raise CommandError("Needs a scale above 0 and at most 10.")
        if min(options["workers"], options["connections"], options["baseline_rows"]) < 1:
            raise CommandError("Needs at least 1 worker, 1 connection and 1 baseline row.")
        # The dataset's own options win where given; else the full size times the scale.
        scale = options["scale"]
        options["organisations"] = scaled(options["organisations"], scale, DEFAULT_ORGANISATIONS, 2)
        options["people"] = scaled(options["people"], scale, DEFAULT_PEOPLE, 1)
        return super().execute(*args, **options)

    def handle(self, *args, **options):
        scale = options["scale"]
        organisations, people = options["organisations"], options["people"]
        others = [
            ("programs", Program, ~Q(name__in=[PROGRAM_NAME, LOAD_PROGRAM_NAME])),
            ("news articles", NewsArticle, ~Q(slug__startswith=NEWS_PREFIX)),
        ]
        check_database(options["yes"], "bench-size", others=others)
        migrate(self.stdout)
        size_import.delete_imported()
        # The program's participants are people too: it goes first, and is made again.
        participants = Q(email__startswith=PARTICIPANT_PREFIX)
        prepare_dataset(self, organisations, people, participants, delete_program)
        count = Municipality.objects.filter(ags__regex=SYNTHETIC_KEY).count()
        program = prepare_events_program(self, count, WORKSHOPS_PER_PROCESS * count, seed=20253)
        office, coordinator = bench_users()
        analyze(vacuum=True)
        context = Context(self, options, office, coordinator, program, scale)
        self.stdout.write(
            f"\nReal size (#16) on {connection.vendor}, scale {scale:g}: "
            f"{Organisation.objects.count():,} organisations, "
            f"{Person.objects.exclude(participants).count():,} people (+ the program's "
            f"{Person.objects.filter(participants).count():,} participants), "
            f"{count:,} synthetic municipalities in the program."
        )
        for name in options["only"] or SECTIONS:
            started = time.perf_counter()
            SECTIONS[name](context)
            self.stdout.write(f"({name}: {time.perf_counter() - started:.0f} s)")
        self.summary(context)

    def summary(self, context):
        w = self.stdout.write
        w(f"\nSummary (targets of issue #16, set for scale 1; this run: scale {context.scale:g})")
        header = (
            f"{'figure':<54} {'measured':>10} {'target':>9}  {'baseline':<28} {'ratio':>7}  verdict"
        )
        self.write_table(header)
        for row in context.rows:
            w(
                f"{row.label[:60]:<60} {row.measured:>10} {row.target:>9}  {row.baseline:<24} "
                f"{row.ratio:>7}  {row.verdict}"
            )
        missed = [row.label for row in context.rows if row.verdict == "MISSED"]
        w(
            f"\n{len(context.rows) - len(missed)} of {len(context.rows)} figures within target"
            + (f"; missed: {', '.join(missed)}." if missed else ".")
        )
        if context.scale != 1:
            w(
                "The targets are for scale 1 (50,000 organisations, 200,000 people): at another "
                "scale the verdicts only indicate."
            )
        w(
            "Times are wall clock on a machine that may be busy with other work: compare the "
            "ratios, which are measured side by side in the same run."
        )


def scaled(value, scale, default, minimum):
    """An option's value, or its default times the scale when it was not given."""
    if value is not None:
        return value
    return max(minimum, round(default * scale))


class Row:
    """One line of the summary."""

    def __init__(self, label, measured, target, baseline="", ratio="", verdict=""):
        self.label, self.measured, self.target = label, measured, target
        self.baseline, self.ratio, self.verdict = baseline, ratio, verdict


class Context:
    """What every part gets: the command (its output, options) and the bench users and program;
    each part adds its lines to the summary."""

    def __init__(self, command, options, office, coordinator, program, scale):
        self.command, self.options, self.scale = command, options, scale
        self.office, self.coordinator, self.program = office, coordinator, program
        self.rows = []
        self.write = command.stdout.write
        self.style = command.style

    def add(self, label, measured, target, baseline="", ratio="", met=None):
        verdict = "" if met is None else ("met" if met else "MISSED")
        self.rows.append(Row(label, measured, target, baseline, ratio, verdict))
