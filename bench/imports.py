"""Benchmark the import (`make bench-import`): 50,000 organisations from a German-style CSV.

The command writes a CSV as Excel on German Windows does (semicolon, Windows-1252, dates
dd.mm.yyyy), times our dry run and our import (which reads and checks the file again, then
writes everything in one transaction, audit entries included), deletes the organisations again
and imports the same file with django-import-export (a ModelResource for Organisation that
resolves the same columns), and prints the figures and the ratio. Target: our import ≤ 60 s;
aim: ≥ 5× faster than django-import-export. It refuses databases holding anything but its own
data."""

import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import translation

from bruecken.accounts.models import AuditEntry, AuditSubject, Role
from bruecken.actors.models import EngagementForm, Organisation, OrganisationKind, Topic
from bruecken.places.models import Country, Language, Municipality, MunicipalityKind
from bruecken.transfer import services

from .common import BenchCommand, bench_user, check_database, migrate, seeded
from .dataset import synthetic_keys

BENCH_DOMAIN = "bench-import.example"
OFFICE_EMAIL = f"office@{BENCH_DOMAIN}"
SEED = 2026
MUNICIPALITIES = 400
TARGET_SECONDS = 60
AIM_RATIO = 5

# The file's columns, and the attribute django-import-export sets from each (None: read none).
HEADER = {
    "Organisationsname": "name",
    "Art": "kind",
    "Kommune": None,
    "AGS": "municipality",
    "Länder": "countries",
    "Themen": "topics",
    "Engagementformen": "engagement_forms",
    "Sprachen": "languages",
    "Kompetenzen": "competences",
    "Webseite": "website",
    "E-Mail": "email",
    "Telefon": "phone",
    "Gründungsjahr": "founded",
}
STEMS = [
    "Ghanaischer Kulturverein",
    "Afrikanische Gemeinde",
    "Deutsch-Togoischer Freundeskreis",
    "Eine-Welt-Initiative",
    "Verein für Bildung und Begegnung",
    "Förderverein Brückenschlag",
    "Weltladen",
    "Entwicklungspolitisches Netzwerk",
    "Kamerunische Studierende",
    "Türkisch-Deutscher Elternverein",
    "Vietnamesischer Kulturverein",
    "Äthiopischer Gemeindeverein",
]
KINDS = [str(label) for label in OrganisationKind.labels]
COUNTRIES = ["GH", "TG", "CM", "NG", "SN", "ET", "VN", "TR", "MA", "BO"]
TOPICS = ["sdg-4", "sdg-5", "sdg-13", "global-learning", "migration-development"]
FORMS = ["aid-projects", "remittances", "knowledge-transfer", "development-education"]
LANGUAGES = ["de", "fr", "en", "tr", "vi"]
COMPETENCES = [
    "Jugendaustausch und Schulpartnerschaften",
    "Übersetzung, Dolmetschen, Beratung",
    "Projekte für sauberes Wasser",
    "Ausstellungen, Vorträge und Kochkurse",
]


def generate_csv(rows, municipalities, seed=SEED):
    """The bytes of the CSV: semicolon, CRLF, Windows-1252, German headers and labels."""
    rng = seeded(seed)
    lines = [";".join(HEADER)]
    for number in range(rows):
        municipality = municipalities[number % len(municipalities)]
        stem = STEMS[number % len(STEMS)]
        countries = ", ".join(rng.sample(COUNTRIES, rng.randint(0, 3)))
        lines.append(
            ";".join(
                [
                    f"{stem} {municipality.name} {number}",
                    rng.choice(KINDS),
                    municipality.name,
                    municipality.ags,
                    countries,
                    ", ".join(rng.sample(TOPICS, rng.randint(0, 2))),
                    ", ".join(rng.sample(FORMS, rng.randint(0, 2))),
                    ", ".join(rng.sample(LANGUAGES, rng.randint(1, 2))),
                    f'"{rng.choice(COMPETENCES)}"',
                    f"www.verein-{number}.example",
                    f"kontakt{number}@{BENCH_DOMAIN}",
                    f"0228 {1000000 + number}",
                    str(rng.randint(1950, 2024)),
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def organisation_resource():
    """A django-import-export resource for the same columns (imported lazily: a dev tool)."""
    from import_export import fields, resources, widgets

    kinds = {}
    for language in ("de", "en"):
        with translation.override(language):
            kinds.update({str(label): value for value, label in OrganisationKind.choices})

    class KindWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            return kinds.get(value, value)

    class Resource(resources.ModelResource):
        def before_import_row(self, row, **kwargs):
            website = row.get("Webseite") or ""
            if website and "://" not in website:
                row["Webseite"] = f"https://{website}"

    def codes(model):
        return widgets.ManyToManyWidget(model, field="code", separator=",")

    columns = {attribute: column for column, attribute in HEADER.items() if attribute}
    special = {
        "kind": KindWidget(),
        "municipality": widgets.ForeignKeyWidget(Municipality, field="ags"),
        "countries": codes(Country),
        "topics": codes(Topic),
        "engagement_forms": codes(EngagementForm),
        "languages": codes(Language),
        "founded": widgets.IntegerWidget(),
    }
    OrganisationResource = resources.modelresource_factory(
        Organisation,
        resource_class=Resource,
        meta_options={
            "fields": tuple(columns),
            "import_id_fields": ("name", "municipality"),
            # Its documented speed-ups: no diff of each row, no report of every row.
            "skip_diff": True,
            "skip_html_diff": True,
            "clean_model_instances": True,
        },
        custom_fields={
            attribute: fields.Field(
                attribute=attribute, column_name=column, widget=special.get(attribute)
            )
            for attribute, column in columns.items()
        },
    )
    return OrganisationResource()


class Command(BenchCommand):
    help = (
        "Benchmark the import of organisations from a German-style CSV (semicolon, "
        "Windows-1252) against django-import-export. Needs a database of its own."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--rows", type=int, default=50_000, help="rows in the file")
        parser.add_argument(
            "--skip-import-export", action="store_true", help="only time our import"
        )
        parser.add_argument("--keep-file", help="also write the CSV to this path")
        parser.add_argument(
            "--import-export-rows",
            type=int,
            default=5_000,
            help=(
                "rows of the same file django-import-export imports (its first rows; 0: the "
                "whole file). It needs 9–60 ms a row here, so the default times 5,000 "
                "rows and extrapolates linearly to the file"
            ),
        )

    def handle(self, *args, **options):
        if options["rows"] < 1:
            raise CommandError("Needs at least one row.")
        check_database(options["yes"], "bench-import", domain=BENCH_DOMAIN, seeded_by=None)
        migrate(self.stdout, schema=False, reference=False)
        if not Country.objects.filter(code="GH").exists():
            call_command("load_reference", verbosity=0)
        office = bench_user(OFFICE_EMAIL, "Bench Programmbüro", Role.PROGRAM_OFFICE)
        municipalities = bench_municipalities()
        delete_organisations()
        data = generate_csv(options["rows"], municipalities)
        if options["keep_file"]:
            Path(options["keep_file"]).write_bytes(data)
        self.stdout.write(
            f"File: {options['rows']:,} organisations, {len(data) / 1e6:.1f} MB, "
            f"semicolon, Windows-1252; {len(municipalities)} municipalities; "
            f"database {connection.vendor}"
        )
        with translation.override("de"):
            ours = self.time_ours(office, data, options["rows"])
            if options["skip_import_export"]:
                theirs = None
            else:
                delete_organisations()
                sample = options["import_export_rows"] or options["rows"]
                theirs = self.time_import_export(data, min(sample, options["rows"]))
        self.report(ours, theirs, options["rows"])

    def time_ours(self, office, data, rows):
        # Inline (no worker): the times are the task's times.
        with override_settings(TRANSFER_BACKGROUND_ROWS=10**9):
            started = time.perf_counter()
            run = services.create_import(
                office, "organisations", SimpleUploadedFile("bench.csv", data), "skip"
            )
            uploaded = time.perf_counter()
            run = services.start_check(office, run)
            checked = time.perf_counter()
            if run.problem_count:
                raise CommandError(f"The dry run found problems: {run.problems[:5]}")
            run = services.commit(office, run)
            committed = time.perf_counter()
        if run.status != run.Status.DONE:
            raise CommandError(f"The import did not finish: {run.status} {run.problems[:5]}")
        count = Organisation.objects.filter(email__endswith="@" + BENCH_DOMAIN).count()
        if count != rows:
            raise CommandError(f"Expected {rows} organisations, found {count}.")
        audit = AuditEntry.objects.filter(object_type="actors.organisation").count()
        return {
            "upload": uploaded - started,
            "dry_run": checked - uploaded,
            "commit": committed - checked,
            "audit_entries": audit,
        }

    def time_import_export(self, data, rows):
        import tablib

        resource = organisation_resource()
        started = time.perf_counter()
        text = data.decode("cp1252")
        lines = text.split("\r\n")
        text = "\r\n".join(lines[: rows + 1]) + "\r\n"
        dataset = tablib.Dataset().load(text, format="csv", delimiter=";")
        result = resource.import_data(
            dataset,
            dry_run=False,
            use_transactions=True,
            raise_errors=False,
            collect_failed_rows=False,
        )
        elapsed = time.perf_counter() - started
        if result.has_errors() or result.has_validation_errors():
            errors = [
                str(error.error) for _row, errs in result.row_errors()[:3] for error in errs
            ] + [str(row.error_dict) for row in result.invalid_rows[:3]]
            raise CommandError(f"django-import-export reported errors: {errors}")
        count = Organisation.objects.filter(email__endswith="@" + BENCH_DOMAIN).count()
        if count != rows:
            raise CommandError(f"django-import-export: expected {rows}, found {count}.")
        return {"import": elapsed, "rows": rows}

    def report(self, ours, theirs, rows):
        total = ours["upload"] + ours["dry_run"] + ours["commit"]
        self.stdout.write("")
        self.stdout.write(f"  upload (read header, store file)   {ours['upload']:8.2f} s")
        self.stdout.write(f"  dry run (read, check every row)    {ours['dry_run']:8.2f} s")
        self.stdout.write(f"  import (check again, write, audit) {ours['commit']:8.2f} s")
        self.stdout.write(f"  total                              {total:8.2f} s")
        self.stdout.write(f"  audit entries for organisations    {ours['audit_entries']:8,}")
        verdict = "OK" if ours["commit"] <= TARGET_SECONDS else "TOO SLOW"
        self.stdout.write(f"  target: import ≤ {TARGET_SECONDS} s: {verdict}")
        if theirs:
            per_row = theirs["import"] / theirs["rows"]
            extrapolated = per_row * rows
            ratio = extrapolated / ours["commit"]
            self.stdout.write(
                f"  django-import-export import_data   {theirs['import']:8.2f} s "
                f"for {theirs['rows']:,} rows ({per_row * 1000:.1f} ms a row)"
            )
            if theirs["rows"] != rows:
                self.stdout.write(
                    f"  django-import-export, {rows:,} rows {extrapolated:8.2f} s "
                    f"(extrapolated linearly from {theirs['rows']:,} rows of the same file)"
                )
            self.stdout.write(
                f"  ratio (django-import-export / our import): {ratio:.1f}× "
                f"(aim ≥ {AIM_RATIO}×: {'met' if ratio >= AIM_RATIO else 'not met'})"
            )
            self.stdout.write(
                "  (django-import-export: one lookup per row by name and municipality, "
                "full_clean, save, many-to-many; no audit entries)"
            )


def bench_municipalities():
    keys = synthetic_keys(MUNICIPALITIES, digit=8)
    existing = set(Municipality.objects.filter(ags__in=keys).values_list("ags", flat=True))
    Municipality.objects.bulk_create(
        [
            Municipality(
                name=f"Benchhausen {index:03d}",
                kind=MunicipalityKind.MUNICIPALITY,
                ags=ags,
                federal_state=ags[:2],
            )
            for index, ags in enumerate(keys)
            if ags not in existing
        ]
    )
    return list(Municipality.objects.filter(ags__in=keys).order_by("ags"))


def delete_organisations():
    """A fresh state: the bench organisations (and their audit entries) gone."""
    bench = Organisation.objects.filter(email__endswith="@" + BENCH_DOMAIN)
    for name in ("countries", "topics", "engagement_forms", "languages"):
        through = Organisation._meta.get_field(name).remote_field.through
        through.objects.filter(organisation__in=bench)._raw_delete(connection.alias)
    bench._raw_delete(connection.alias)
    AuditSubject.objects.filter(entry__object_type="actors.organisation")._raw_delete(
        connection.alias
    )
    AuditEntry.objects.filter(object_type="actors.organisation")._raw_delete(connection.alias)
