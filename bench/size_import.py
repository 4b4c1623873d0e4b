"""Importing people and memberships at real size (part of `make bench-size`): 200,000 people
with 300,000 memberships in the dataset's organisations, through the transfer importers as the
program office uploads them (upload, dry run, import; inline, without a worker), against the same
rows written one by one through the actors' services (what each row cost before the importers
became set-based) at a small scale, extrapolated linearly. The imported people are deleted
again afterwards (and at the start of every run)."""

import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import translation

from bruecken import fulltext
from bruecken.accounts.models import AuditEntry, AuditSubject
from bruecken.actors import services as actor_services
from bruecken.actors.models import Membership, Organisation, Person
from bruecken.transfer import parsing, services
from bruecken.transfer.models import ImportRun

from .common import BENCH_DOMAIN, analyze, seeded
from .dataset import COMPETENCES, FIRST_NAMES, LAST_NAMES, ROLES

TARGET_SECONDS = 120
PEOPLE = 200_000
MEMBERSHIPS_PER_PERSON = 1.5
BASELINE_PEOPLE = 1_000
SEED = 20254
# Marks the imported people (the dataset's have other addresses).
PREFIX = "import-"
AUDITED = ("actors.person", "actors.membership", "transfer.importrun")
PEOPLE_HEADER = ["Name", "E-Mail", "AGS", "Kompetenzen"]
MEMBERSHIP_HEADER = ["E-Mail", "Organisation", "Kommune", "AGS", "Rolle"]


def records(count):
    """The people, each with one or two memberships (every other person two): (person values,
    [(organisation name, municipality name, AGS, role, organisation id)])."""
    rng = seeded(SEED)
    organisations = list(
        Organisation.objects.order_by("pk").values_list(
            "pk", "name", "municipality__name", "municipality__ags", "municipality_id"
        )
    )
    by_municipality = {}
    for organisation in organisations:
        by_municipality.setdefault(organisation[4], []).append(organisation)
    people = []
    for number in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        chosen = [rng.choice(organisations)]
        if number % 2 == 0:
            others = [o for o in by_municipality[chosen[0][4]] if o[0] != chosen[0][0]]
            chosen.append(rng.choice(others or [o for o in organisations if o != chosen[0]]))
        person = {
            "name": f"{first} {last}",
            "email": f"{PREFIX}{number}@{BENCH_DOMAIN}",
            "ags": chosen[0][3],
            "municipality_id": chosen[0][4],
            "competences": rng.choice(COMPETENCES) if rng.random() < 0.4 else "",
        }
        people.append(
            (
                person,
                [(name, town, ags, rng.choice(ROLES), pk) for pk, name, town, ags, _m in chosen],
            )
        )
    return people


def csv_bytes(header, rows):
    def cell(value):
        value = str(value)
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if ";" in value or '"' in value else value

    lines = [";".join(header), *(";".join(cell(value) for value in row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def files(people, rows_per_file=None):
    """The people's file, the memberships' files and the number of memberships. The importer
    reads at most `parsing.MAX_ROWS` rows a file (200,000): more memberships go into several
    files, as the program office would split them."""
    rows_per_file = rows_per_file or parsing.MAX_ROWS
    people_rows = [(p["name"], p["email"], p["ags"], p["competences"]) for p, _m in people]
    membership_rows = [
        (p["email"], name, town, ags, role)
        for p, joined in people
        for name, town, ags, role, _pk in joined
    ]
    parts = [
        membership_rows[start : start + rows_per_file]
        for start in range(0, len(membership_rows), rows_per_file)
    ]
    return (
        csv_bytes(PEOPLE_HEADER, people_rows),
        [(csv_bytes(MEMBERSHIP_HEADER, part), len(part)) for part in parts],
        len(membership_rows),
    )


def delete_imported():
    """What an earlier run imported: people, their memberships, the audit entries, the runs."""
    imported = Person.objects.filter(email__startswith=PREFIX)
    if imported.exists():
        ids = list(imported.values_list("pk", flat=True))
        Membership.objects.filter(person__in=imported)._raw_delete(connection.alias)
        for name in ("languages", "countries"):
            through = Person._meta.get_field(name).remote_field.through
            through.objects.filter(person__in=imported)._raw_delete(connection.alias)
        imported._raw_delete(connection.alias)
        # Their search documents too (the index drops those of ids that are gone): else the
        # next run finds more documents than people and indexes every person again (minutes).
        fulltext.reindex(Person, ids)
    if connection.vendor == "postgresql":
        # Each deleted entry's foreign key check asks the subjects by entry: with statistics
        # from before the import (an empty table), PostgreSQL plans that as a scan of all
        # subjects, once per entry (hours for 500,000 entries).
        tables = [connection.ops.quote_name(m._meta.db_table) for m in (AuditSubject, AuditEntry)]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
    entries = AuditEntry.objects.filter(object_type__in=AUDITED)
    AuditSubject.objects.filter(entry__in=entries)._raw_delete(connection.alias)
    entries._raw_delete(connection.alias)
    ImportRun.objects.all().delete()


def import_file(office, kind, data):
    """Upload, dry run and import one file as the program office; the seconds of each step."""
    seconds = {}
    started = time.perf_counter()
    run = services.create_import(office, kind, SimpleUploadedFile(f"{kind}.csv", data), "skip")
    seconds["upload"] = time.perf_counter() - started
    started = time.perf_counter()
    run = services.start_check(office, run)
    seconds["dry run"] = time.perf_counter() - started
    if run.problem_count:
        raise CommandError(f"The dry run of the {kind} found problems: {run.problems[:5]}")
    started = time.perf_counter()
    run = services.commit(office, run)
    seconds["import"] = time.perf_counter() - started
    if run.status != ImportRun.Status.DONE:
        raise CommandError(f"The import of the {kind} did not finish: {run.problems[:5]}")
    return seconds


def row_by_row(office, people):
    """The same rows through the actors' services, one by one, in one transaction."""
    organisations = Organisation.objects.in_bulk(
        {pk for _p, joined in people for *_rest, pk in joined}
    )
    started = time.perf_counter()
    with transaction.atomic():
        for values, joined in people:
            person = actor_services.create_person(
                office,
                {
                    "name": values["name"],
                    "email": values["email"],
                    "municipality": organisations[joined[0][4]].municipality,
                    "competences": values["competences"],
                },
            )
            for *_names, role, pk in joined:
                actor_services.add_membership(
                    office, organisations[pk], {"person": person, "role": role}
                )
    return time.perf_counter() - started


def measure(context):
    write, office = context.write, context.office
    count = max(2, round(PEOPLE * context.scale))
    baseline_count = min(context.options["baseline_rows"], count)
    delete_imported()
    people = records(count)
    people_file, membership_files, membership_count = files(people)
    membership_bytes = sum(len(data) for data, _rows in membership_files)
    write(
        f"\nImport of {count:,} people ({len(people_file) / 1e6:.1f} MB) and {membership_count:,} "
        f"memberships ({membership_bytes / 1e6:.1f} MB in {len(membership_files)} "
        f"file{'s' if len(membership_files) > 1 else ''} of at most {parsing.MAX_ROWS:,} rows) "
        f"in {Organisation.objects.count():,} organisations as the program office, inline (no "
        f"worker); {connection.vendor}."
    )
    write(f"Baseline: {baseline_count:,} of the people and their memberships one by one …")
    baseline = row_by_row(office, people[:baseline_count])
    baseline_memberships = sum(len(joined) for _p, joined in people[:baseline_count])
    delete_imported()
    # Large files would go to a worker, and 200,000 people are more than the upload limit.
    with (
        override_settings(TRANSFER_BACKGROUND_ROWS=10**9, TRANSFER_MAX_UPLOAD_MB=1024),
        translation.override("de"),
    ):
        steps = [("people", count, import_file(office, "people", people_file))]
        for number, (data, rows) in enumerate(membership_files, start=1):
            label = "memberships" if len(membership_files) == 1 else f"memberships {number}"
            steps.append((label, rows, import_file(office, "memberships", data)))
    imported = Person.objects.filter(email__startswith=PREFIX)
    found = imported.count(), Membership.objects.filter(person__in=imported).count()
    audit = AuditEntry.objects.filter(object_type__in=AUDITED[:2]).count()
    delete_imported()
    # What autovacuum does within minutes: without it, the sections after this one read the
    # dead rows of 200,000 people (PostgreSQL: people's text search 21 -> 47 ms).
    analyze(vacuum=True)
    if found != (count, membership_count):
        raise CommandError(
            f"Expected {count:,} people and {membership_count:,} memberships, found "
            f"{found[0]:,} and {found[1]:,}."
        )
    header = f"{'file':<14} {'rows':>8} {'upload':>8} {'dry run':>8} {'import':>8} {'total':>8}"
    context.command.write_table(header)
    total = 0
    for label, rows, s in steps:
        subtotal = sum(s.values())
        total += subtotal
        write(
            f"{label:<14} {rows:>8,} {s['upload']:>7.1f}s {s['dry run']:>7.1f}s "
            f"{s['import']:>7.1f}s {subtotal:>7.1f}s"
        )
    per_person = baseline / baseline_count
    extrapolated = per_person * count
    write(f"{'together':<14} {count + membership_count:>8,} {'':>8} {'':>8} {'':>8} {total:>7.1f}s")
    write(
        f"Audit entries for the imported people and memberships: {audit:,} (one per row, through "
        "the one audit path). Row by row through the services: "
        f"{baseline:.1f} s for {baseline_count:,} people and {baseline_memberships:,} memberships "
        f"({per_person * 1000:.1f} ms a person with their memberships), {extrapolated:,.0f} s "
        f"extrapolated to {count:,}; ratio row by row / import: "
        f"{extrapolated / total:.1f}×."
    )
    context.add(
        f"import {count:,} people + {membership_count:,} memberships",
        f"{total:.1f} s",
        f"≤ {TARGET_SECONDS} s",
        f"row by row ≈ {extrapolated:,.0f} s",
        f"{extrapolated / total:.1f}×",
        total <= TARGET_SECONDS,
    )
