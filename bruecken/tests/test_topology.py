"""The whole topology of several machines on this one (issue #18, README "Running on several
machines"): two app servers (gunicorn, DEBUG off, each with a disk of its own), two workers, one
PostgreSQL database (the tests'), a private Redis and a moto S3 server, all over real HTTP.

What one server does, the other sees: places at a workshop counted across both, a rate limit
counted across both, an upload through one served by the other, a PDF built by a worker served
by either (to whom it is for only), a withdrawn consent gone from the other's cached pages at
once; and a Redis outage answered with 503 until Redis is back.

Runs with PostgreSQL (DATABASE_URL), redis-server and moto installed; skipped otherwise. The
processes (bench/topology.py) start once for the module and are stopped at its end, whatever
ends it."""

import contextlib
import io
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image as Picture

from bench import topology
from bench.website import server_database_url
from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.actors.models import Organisation
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.events.models import Registration
from bruecken.events.tests.factories import EventFactory
from bruecken.places.tests.factories import MunicipalityFactory
from bruecken.programs.tests.factories import LocalProcessFactory
from bruecken.reports.models import ProcessDocumentBuild
from bruecken.website.models import ContactMessage, Image

from .helpers import url_maker

MISSING = topology.missing_services()
pytestmark = [
    pytest.mark.topology,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the topology shares one PostgreSQL database between processes: run with "
        "DATABASE_URL=postgres://…",
    ),
    pytest.mark.skipif(MISSING is not None, reason=f"topology: {MISSING}"),
    pytest.mark.django_db(transaction=True),
]

url = url_maker("", "de")
CAPACITY = 40
APPLICANTS = 100
CONTACT_LIMIT = 5
BUILD_SECONDS = 120
DRAIN_SECONDS = 60


@dataclass
class Cluster:
    servers: list
    workers: list
    redis: topology.Redis
    s3: topology.S3
    folder: Path

    @property
    def a(self):
        return self.servers[0]

    @property
    def b(self):
        return self.servers[1]

    def logs(self):
        parts = [f"--- {server}\n{server.log()}" for server in self.servers]
        parts += [f"--- worker {worker.name}\n{worker.log()}" for worker in self.workers]
        return "\n".join(parts)


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(topology.folder("bruecken-topology-"))
        redis = stack.enter_context(topology.Redis())
        s3 = stack.enter_context(topology.S3())
        with django_db_blocker.unblock():
            database_url = server_database_url()
        environment = topology.environ(
            database_url,
            folder / "static",
            redis=redis,
            s3=s3,
            WEB_WORKERS="2",
            CONTACT_RATE_LIMIT=str(CONTACT_LIMIT),
            WEBSITE_CACHE_SECONDS="600",
        )
        topology.prepare_static(environment)
        servers = [
            stack.enter_context(topology.AppServer(name, environment, folder)) for name in "AB"
        ]
        workers = [
            stack.enter_context(topology.Worker(name, environment, folder, housekeeping=first))
            for name, first in (("1", True), ("2", False))
        ]
        yield Cluster(servers, workers, redis, s3, folder)


@pytest.fixture
def servers(cluster):
    """Each test starts with an empty cache: the database is emptied after each test, so the
    content version counts from the start again and must not meet the pages cached before.
    And it ends with no task under way: a task whose row the emptying deletes while a worker
    runs it would end that worker (its result cannot be saved)."""
    for worker in cluster.workers:
        assert worker.process.poll() is None, f"worker {worker.name} ended:\n{cluster.logs()}"
    cluster.redis.flush()
    yield cluster
    drain_queue()


def drain_queue():
    """Delete the waiting tasks (delayed ones too) and wait for those under way, until neither
    is left: the first worker's housekeeping may queue more meanwhile."""
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        # One DELETE with the condition in it: a task a worker claims at that moment is no
        # longer waiting when the database looks again, and stays. (QuerySet.delete() reads
        # the ids first, then deletes by id, a task just claimed among them.)
        waiting._raw_delete(waiting.db)
        if not DBTaskResult.objects.running().exists() and not waiting.exists():
            return
        time.sleep(0.2)


def test_registrations_through_both_servers_fill_the_places_exactly(servers):
    event = EventFactory(capacity=CAPACITY)
    municipality = event.process.municipality
    people = [
        PersonFactory(user=UserFactory(), municipality=municipality) for _ in range(APPLICANTS)
    ]
    path = url("participate:event", event.pk)
    register = url("participate:register", event.pk)
    visitors = [topology.Browser().sign_in(person.user) for person in people]
    try:
        # Each opens the event page on the server the balancer gives them, then all send at
        # once: the place is decided on whichever server the POST lands.
        sides = [servers.a if n % 2 else servers.b for n in range(APPLICANTS)]
        with ThreadPoolExecutor(8) as pool:
            tokens = list(pool.map(lambda v, s: v.token(s, path), visitors, sides))
        start = threading.Barrier(APPLICANTS)

        def send(number):
            start.wait(timeout=60)
            return visitors[number].post(sides[number], register, token=tokens[number])

        with ThreadPoolExecutor(APPLICANTS) as pool:
            responses = list(pool.map(send, range(APPLICANTS)))
    finally:
        for visitor in visitors:
            visitor.close()

    assert [r.status_code for r in responses] == [302] * APPLICANTS, servers.logs()
    assert all(r.headers["Location"].endswith(path) for r in responses)
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert len(statuses) == APPLICANTS
    assert statuses.count(Registration.Status.CONFIRMED) == CAPACITY
    assert statuses.count(Registration.Status.WAITING) == APPLICANTS - CAPACITY
    # Both servers took registrations.
    for server in servers.servers:
        assert any(register in line for line in server.access_lines()), server


def test_a_rate_limit_counts_across_both_servers(servers):
    # The limit counts per hour: not across the turn of one.
    if time.time() % 3600 > 3590:
        time.sleep(3600 - time.time() % 3600 + 1)
    visitor = topology.Browser()
    path = url("website:contact")
    token = visitor.token(servers.a, path)
    message = {"name": "", "website": "", "subject": "Frage", "message": "Wann ist der Workshop?"}
    statuses = []
    for number in range(CONTACT_LIMIT + 1):
        server = servers.a if number < 3 else servers.b
        data = {**message, "email": f"besuch{number}@example.org"}
        statuses.append(visitor.post(server, path, data, token=token).status_code)
    visitor.close()

    assert statuses == [200] * CONTACT_LIMIT + [429], servers.logs()
    assert ContactMessage.objects.count() == CONTACT_LIMIT


def png():
    out = io.BytesIO()
    Picture.new("RGB", (64, 48), (0, 102, 153)).save(out, "PNG")
    return out.getvalue()


def test_a_picture_uploaded_through_one_server_is_served_by_the_other(servers):
    office = user_with_role(Role.PROGRAM_OFFICE)
    editor = topology.Browser().sign_in(office, second_factor=True)
    path = url("website:editorial_images")
    token = editor.token(servers.a, path)
    sent = editor.post(
        servers.a,
        path,
        {"alt": "Ein blaues Rechteck", "alt_en": "", "credit": ""},
        files={"file": ("rechteck.png", png(), "image/png")},
        token=token,
    )
    assert sent.status_code == 302, sent.text[:2000]
    image = Image.objects.get()
    name = image.file.name.rsplit("/", 1)[-1]
    address = url("website:image", image.pk, name)

    through_b = editor.get(servers.b, address)
    through_a = editor.get(servers.a, address)
    anonymous = topology.Browser().get(servers.b, address)
    editor.close()

    assert through_b.status_code == 200, servers.logs()
    assert through_b.headers["Content-Type"].startswith("image/")
    assert through_b.content == through_a.content and through_b.content
    # A draft's picture: for the program office only, on every server.
    assert anonymous.status_code == 404
    # Kept in the object storage, on neither server's disk.
    stored = servers.s3.keys(topology.PUBLIC_BUCKET) + servers.s3.keys(topology.PRIVATE_BUCKET)
    assert any(key.endswith(name) for key in stored), stored
    assert not list(servers.folder.glob(f"server-*/media/**/{name}"))


def test_a_pdf_built_by_a_worker_is_served_by_either_server_to_whom_it_is_for(servers):
    process = LocalProcessFactory()
    coordinator = user_with_role(Role.COORDINATOR, municipality=process.municipality)
    stranger = user_with_role(Role.COORDINATOR, municipality=MunicipalityFactory())
    page = url("reports:process_document", process.pk)
    requester = topology.Browser().sign_in(coordinator)
    token = requester.token(servers.a, page)
    asked = requester.post(
        servers.a, url("reports:process_document_build", process.pk), token=token, referer=page
    )
    assert asked.status_code == 302, asked.text[:2000]

    deadline = time.monotonic() + BUILD_SECONDS
    build = ProcessDocumentBuild.objects.get(process=process)
    while build.in_progress and time.monotonic() < deadline:
        time.sleep(0.5)
        build.refresh_from_db()
    assert build.status == ProcessDocumentBuild.Status.DONE, (build.error, servers.logs())

    download = url("reports:build_download", build.pk)
    from_a = requester.get(servers.a, download)
    from_b = requester.get(servers.b, download)
    other = topology.Browser().sign_in(stranger).get(servers.b, download)
    anonymous = topology.Browser().get(servers.b, download)
    requester.close()

    for response in (from_a, from_b):
        assert response.status_code == 200, servers.logs()
        assert response.content.startswith(b"%PDF")
    assert from_a.content == from_b.content
    assert other.status_code in (403, 404)
    assert anonymous.status_code == 302 and "/accounts/" in anonymous.headers["Location"]
    assert not list(servers.folder.glob("*/media/**/*.pdf"))


def test_a_withdrawn_consent_is_gone_from_the_other_servers_cached_pages_at_once(servers):
    municipality = MunicipalityFactory()
    organisation = OrganisationFactory(public=True, municipality=municipality, name="Brückenverein")
    office = user_with_role(Role.PROGRAM_OFFICE)
    page = url("website:organisation", organisation.pk)
    directory = url("website:directory") + "?q=Br%C3%BCckenverein"
    visitor = topology.Browser()
    # Cached by A, for every server: the cache is shared.
    for path in (page, directory):
        assert "Brückenverein" in visitor.get(servers.a, path).text
    Organisation.objects.filter(pk=organisation.pk).update(name="Umbenannt ohne Signal")
    cached = visitor.get(servers.b, page)
    assert cached.status_code == 200 and "Brückenverein" in cached.text, (
        "B did not serve the page A cached: is the cache shared (REDIS_URL)?"
    )

    office_browser = topology.Browser().sign_in(office, second_factor=True)
    consent = url("actors:organisation_consent", organisation.pk)
    token = office_browser.token(servers.a, url("actors:organisation_detail", organisation.pk))
    withdrawn = office_browser.post(
        servers.a, consent, {"action": "withdraw", "confirm": "yes"}, token=token
    )
    office_browser.close()
    assert withdrawn.status_code == 302, withdrawn.text[:2000]

    gone = visitor.get(servers.b, page)
    listed = visitor.get(servers.b, directory)
    visitor.close()
    assert gone.status_code == 404
    assert listed.status_code == 200
    assert not re.search(rf"/organisations/{organisation.pk}/", listed.text)


def test_without_redis_the_servers_answer_503_until_it_is_back(servers):
    visitor = topology.Browser()
    home = url("home")
    assert visitor.get(servers.a, home).status_code == 200
    assert visitor.get(servers.b, "/readyz").status_code == 200
    servers.redis.stop()
    try:
        down = visitor.get(servers.a, home)
        not_ready = visitor.get(servers.b, "/readyz")
        assert down.status_code == 503, down.text[:2000]
        assert not_ready.status_code == 503
        assert not_ready.json()["checks"]["cache"].startswith("unavailable")
    finally:
        servers.redis.start()
    topology.wait_for(lambda: visitor.get(servers.a, home).status_code == 200, "server A", 15)
    assert visitor.get(servers.b, "/readyz").status_code == 200
    assert visitor.get(servers.b, home).status_code == 200
    visitor.close()
