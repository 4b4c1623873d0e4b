"""/healthz and /readyz, and the 503 page while the shared cache (Redis) is down."""

import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult, get_date_max
from redis.exceptions import ConnectionError as RedisConnectionError

from bruecken import health
from bruecken.website.models import ContactMessage

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_at(port):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "bruecken",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }


@pytest.fixture
def redis_down(settings):
    """The cache on a port where nothing listens."""
    settings.CACHES = redis_at(free_port())


@pytest.fixture
def page_cache(settings):
    settings.WEBSITE_CACHE_SECONDS = 600


@pytest.fixture
def outside_client():
    # Errors are answered as a visitor gets them, not raised into the test.
    return Client(raise_request_exception=False)


def home():
    with translation.override("de"):
        return reverse("home")


def task(**fields):
    values = {
        "args_kwargs": {"args": [], "kwargs": {}},
        "task_path": "bruecken.mail.send",
        "backend_name": "default",
        "queue_name": "default",
        "run_after": get_date_max(),
        **fields,
    }
    return DBTaskResult.objects.create(**values)


class BrokenStorage(FileSystemStorage):
    def exists(self, name):
        raise OSError("bucket unreachable")


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_readyz_reports_every_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "storage": "ok",
            "queue": {"ready": 0, "oldest_ready_seconds": 0, "running": 0},
        },
    }


def test_the_probes_need_no_https_redirect_language_or_account(settings, client):
    # Production settings redirect HTTP to HTTPS; a load balancer probes over plain HTTP (the
    # tests run with DEBUG off, with the settings' exemptions).
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get(home()).status_code == 301


def test_readyz_is_not_rate_limited_or_cached(client, settings, page_cache):
    settings.API_RATE_LIMIT_ANONYMOUS = 1
    settings.CONTACT_RATE_LIMIT = 1
    for _ in range(5):
        assert client.get("/readyz").status_code == 200
    task()
    assert client.get("/readyz").json()["checks"]["queue"]["ready"] == 1


def test_readyz_reports_the_queue(client):
    now = timezone.now()
    old = task()
    DBTaskResult.objects.filter(pk=old.pk).update(enqueued_at=now - timedelta(minutes=5))
    due = task(run_after=now - timedelta(minutes=2))
    DBTaskResult.objects.filter(pk=due.pk).update(enqueued_at=now - timedelta(hours=1))
    task(run_after=now + timedelta(hours=1))  # not due yet: not waiting
    task(status="RUNNING")
    task(status="SUCCESSFUL")
    queue = client.get("/readyz").json()["checks"]["queue"]
    assert queue["ready"] == 2
    assert queue["running"] == 1
    # Waiting since it was queued (5 minutes), not since the due one was queued (an hour).
    assert 300 <= queue["oldest_ready_seconds"] < 360


def test_a_queue_lag_over_the_limit_makes_the_server_unready(client, settings):
    old = task()
    DBTaskResult.objects.filter(pk=old.pk).update(enqueued_at=timezone.now() - timedelta(minutes=5))
    # By default the lag is reported only.
    assert client.get("/readyz").status_code == 200
    settings.READYZ_MAX_QUEUE_LAG_SECONDS = 60
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "READYZ_MAX_QUEUE_LAG_SECONDS (60)" in body["checks"]["queue"]["error"]
    assert body["checks"]["database"] == "ok"


def test_readyz_reports_an_unreachable_cache(client, redis_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == "unavailable: ConnectionError"
    assert body["checks"]["database"] == "ok"
    # Public: the kind of failure, not where Redis lives.
    assert "127.0.0.1" not in response.content.decode()


def test_readyz_checks_every_file_storage(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {"BACKEND": "bruecken.tests.test_health.BrokenStorage"},
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unavailable: uploads: OSError"


def test_readyz_reports_an_unreachable_database(client, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "unavailable: default: OperationalError"
    assert checks["queue"] == "unavailable: OperationalError"


def test_pages_answer_503_while_the_cache_is_unreachable(outside_client, redis_down, page_cache):
    response = outside_client.get(home())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode()
    assert "Vorübergehend nicht erreichbar" in content
    assert '<h2 lang="en">Temporarily unavailable</h2>' in content
    assert "Traceback" not in content


def test_a_form_sent_while_the_cache_is_unreachable_stores_nothing(
    outside_client, redis_down, mailoutbox
):
    with translation.override("de"):
        contact = reverse("website:contact")
    message = {
        "name": "Amina Diallo",
        "email": "amina@example.org",
        "subject": "Frage",
        "message": "Wie kann unser Verein mitmachen?",
    }
    response = outside_client.post(contact, message)
    assert response.status_code == 503
    assert not ContactMessage.objects.exists()
    assert mailoutbox == []


def test_other_errors_stay_server_errors(rf):
    request = rf.get("/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        assert health.server_error(request).status_code == 500
    try:
        raise RedisConnectionError("Error 111 connecting")
    except RedisConnectionError:
        assert health.server_error(request).status_code == 503
    # Caught and raised as another error on the way.
    try:
        try:
            raise RedisConnectionError("Error 111 connecting")
        except RedisConnectionError as error:
            raise ValueError("wrapped") from error
    except ValueError:
        assert health.server_error(request).status_code == 503


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server program")
def test_the_app_recovers_when_redis_returns(outside_client, settings, page_cache):
    port = free_port()
    settings.CACHES = redis_at(port)

    def start():
        command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return process
            except OSError:
                time.sleep(0.05)
        process.kill()
        pytest.fail("redis-server did not start")

    def stop(process):
        process.terminate()
        process.wait(10)

    process = start()
    try:
        assert outside_client.get(home()).status_code == 200
        assert outside_client.get("/readyz").status_code == 200
        stop(process)
        assert outside_client.get(home()).status_code == 503
        assert outside_client.get("/readyz").json()["checks"]["cache"].startswith("unavailable")
        # Back without restarting the app: the next request connects anew.
        process = start()
        assert outside_client.get(home()).status_code == 200
        assert outside_client.get("/readyz").status_code == 200
    finally:
        stop(process)
