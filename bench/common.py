"""What the benchmarks share: their command's common options, the checks that a database is a
bench one, the bench users, the test client's settings and the reports' pieces (timing is in
bench/timing.py, the synthetic organisations and people in bench/dataset.py)."""

import random
import time
import warnings
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client
from django.test.utils import override_settings
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bruecken.accounts import mfa
from bruecken.accounts.models import RoleAssignment, User
from bruecken.actors.models import Membership, Organisation, Person, Tie
from bruecken.places.models import Municipality

# Every organisation, person and user the benchmarks create has an address at this domain; a
# database holding any other is not a bench database.
BENCH_DOMAIN = "bench.example"
OFFICE_EMAIL = f"office@{BENCH_DOMAIN}"


class BenchCommand(BaseCommand):
    """A benchmark on a database of its own, run by `python -m bench <name>`."""

    # The defaults of --requests and --warmup, and what they count (None: no such options).
    timed = None
    # Whose queries --explain shows, with the plans (None: no such option).
    explained = None

    def add_arguments(self, parser):
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Fill an empty database whose name does not contain 'bench' (e.g. a test one).",
        )
        if self.timed:
            requests, warmup, unit = self.timed
            parser.add_argument(
                "--requests",
                type=int,
                default=requests,
                help=f"Timed requests per {unit} (default: %(default)s).",
            )
            parser.add_argument(
                "--warmup",
                type=int,
                default=warmup,
                help=f"Untimed requests per {unit} before the timed ones (default: %(default)s).",
            )
        if self.explained:
            parser.add_argument(
                "--explain",
                action="store_true",
                help=f"Show each {self.explained}'s queries with their time, and their plans.",
            )

    def execute(self, *args, **options):
        if self.timed and (options["requests"] < 1 or options["warmup"] < 0):
            raise CommandError("Needs at least 1 request and no negative warm-up.")
        return super().execute(*args, **options)

    def write_table(self, header, rule="─"):
        self.stdout.write(header)
        self.stdout.write(rule * len(header))

    def verdict(self, results, target_ms, where, label):
        """Whether the slowest median of `results` meets the target."""
        slowest = max(results, key=lambda r: r["median"])
        met = slowest["median"] * 1000 <= target_ms
        self.stdout.write(
            f"\nTarget median ≤ {target_ms} ms {where}: {'met' if met else 'MISSED'}; slowest "
            f"median {slowest['median'] * 1000:.1f} ms ({label(slowest)})."
        )

    def generate(self, announcement, make):
        """Say what is generated, make it (`make` returns the result and what it counts) in one
        transaction, and say how long it took."""
        self.stdout.write(announcement)
        started = time.perf_counter()
        with transaction.atomic():
            result, counts = make()
        summary = ", ".join(f"{number:,} {what}" for what, number in counts.items())
        self.stdout.write(f"Generated in {time.perf_counter() - started:.1f} s: {summary}.")
        return result


def dedicated(target, database=None):
    """What a benchmark's help says of its database."""
    return (
        f"Only for a dedicated database, e.g. `make {target}` (var/{database or target}.sqlite3, "
        "or DATABASE_URL): it refuses databases holding anything but its own data."
    )


def seeded(seed):
    """Synthetic data, the same on every run; nothing secret."""
    return random.Random(seed)  # noqa: S311


# Safety


def check_database(
    yes, target, *, database=None, domain=BENCH_DOMAIN, others=(), seeded_by=Organisation
):
    """Refuse a database holding organisations, people or users without an address at `domain`,
    or rows `others` lists ((label, model, condition of the foreign rows)); an empty one (no row
    of `seeded_by`) only if its name says it is a bench database, or with --yes. `target`: the
    make target, whose database is var/<database or target>.sqlite3."""
    tables = set(connection.introspection.table_names())
    name = str(connection.settings_dict["NAME"])
    not_ours = ~Q(email__endswith="@" + domain)
    checks = [
        ("organisations", Organisation, not_ours),
        ("people", Person, not_ours),
        ("users", User, not_ours),
        *others,
    ]
    foreign = {}
    for label, model, condition in checks:
        if model._meta.db_table in tables:
            count = model.objects.filter(condition).count()
            if count:
                foreign[label] = count
    if foreign:
        found = ", ".join(f"{count:,} {label}" for label, count in foreign.items())
        raise CommandError(
            f"The database {name} holds {found} that are not synthetic bench data. The benchmark "
            "fills its database with many thousands of rows: point DATABASE_URL at a database of "
            f"its own (`make {target}` uses var/{database or target}.sqlite3)."
        )
    has_bench_data = (
        seeded_by is not None and seeded_by._meta.db_table in tables and seeded_by.objects.exists()
    )
    if not (has_bench_data or "bench" in Path(name).name or yes):
        raise CommandError(
            f"The database {name} is not a bench database (its name does not contain 'bench'). "
            f"Use `make {target}`, or pass --yes to fill this empty database with synthetic data."
        )


def migrate(stdout, schema=True, reference=True):
    """The schema as the models want it, and the reference data (countries, topics, …)."""
    call_command("migrate", interactive=False, verbosity=0)
    if schema:
        check_schema()
    if reference:
        call_command("load_reference", stdout=stdout)


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
            "bench`, var/<target>.sqlite3 for `make <target>`) and run again."
        )


def bench_user(email, full_name, role=None, **scope):
    """A user who cannot log in with a password (the test client logs them in), with `role`."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name)
        user.set_unusable_password()
        user.save()
    if role is not None:
        RoleAssignment.objects.get_or_create(user=user, role=role, **scope)
    return user


def analyze(vacuum=False):
    """What autovacuum would do soon after: planner statistics for the new rows (PostgreSQL);
    with `vacuum`, also the visibility map that lets index-only scans skip the tables (after
    bulk inserts autovacuum vacuums too)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def refresh_search_index(stdout, force=()):
    """bulk_create bypasses the signals that keep the full-text index (bruecken/fulltext/):
    rebuild the documents of every searchable model whose count of documents differs from its
    count of rows, and of the models in `force` (their rows changed in place)."""
    try:
        from bruecken import fulltext
        from bruecken.models import SearchDocument
    except ImportError:  # A checkout from before the full-text search.
        return
    for model in fulltext.registered_models():
        documents = SearchDocument.objects.filter(kind=model._meta.label_lower)
        rows, indexed = model._base_manager.count(), documents.count()
        if model not in force and indexed == rows:
            continue
        started = time.perf_counter()
        if model in force or indexed > rows:
            fulltext.reindex(model)
            count = rows
        else:
            # Only the new rows (e.g. the program's participants beside the dataset's people).
            known = set(documents.values_list("object_id", flat=True))
            missing = set(model._base_manager.values_list("pk", flat=True)) - known
            fulltext.reindex(model, missing)
            count = len(missing)
        with translation.override("en"):
            plural = str(model._meta.verbose_name_plural)
        stdout.write(
            f"Indexed {count:,} {plural} for the full-text search in "
            f"{time.perf_counter() - started:.1f} s."
        )


# Requests through the test client


@contextmanager
def client_settings(**overrides):
    """The site in the default language, the test client's host allowed, and (no
    collectstatic here) plain static URLs instead of the manifest."""
    with (
        warnings.catch_warnings(),
        translation.override(settings.LANGUAGE_CODE),
        override_settings(
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            **overrides,
        ),
    ):
        # WhiteNoise warns that there is no collected static directory.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        yield


def signed_in_session(user, second_factor=None):
    """A saved session of `user` signed in as the test client's force_login signs in, and, as
    production signs staff in, with the second factor (a confirmed TOTP device) where it is
    required: `second_factor` None asks MFA_REQUIRED_FOR_PROGRAM_OFFICE (on whenever DEBUG is
    off, as in every `make bench*`); a caller whose servers run with other settings than its
    own (bench/topology.py) says it. Without it the program office's pages only lead to the page
    setting it up."""
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if mfa.required_for(user) if second_factor is None else second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return session


def staff_client(user):
    """A test client signed in as `user` (`signed_in_session`)."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(user).session_key
    return client


def fetch(client, url, query=None, headers=None):
    """A GET through the test client, which must answer 200."""
    response = client.get(url, query, headers=headers, secure=True)
    if response.status_code != 200:
        address = f"{url}?{urlencode(query)}" if query else url
        raise CommandError(f"{address}: {response.status_code} {response.content[:300]!r}")
    return response
