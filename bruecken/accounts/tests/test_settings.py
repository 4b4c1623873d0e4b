"""The settings module read from the environment: its helpers, and what it refuses."""

import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest
from django.core.exceptions import ImproperlyConfigured

from bruecken import settings as project_settings


@pytest.mark.parametrize("value", ["1", "true", "True", "YES", "on"])
def test_env_bool_true(monkeypatch, value):
    monkeypatch.setenv("BRUECKEN_TEST_FLAG", value)
    assert project_settings.env_bool("BRUECKEN_TEST_FLAG") is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "off"])
def test_env_bool_false(monkeypatch, value):
    monkeypatch.setenv("BRUECKEN_TEST_FLAG", value)
    assert project_settings.env_bool("BRUECKEN_TEST_FLAG", True) is False


def test_env_bool_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("BRUECKEN_TEST_FLAG", raising=False)
    assert project_settings.env_bool("BRUECKEN_TEST_FLAG") is False
    assert project_settings.env_bool("BRUECKEN_TEST_FLAG", True) is True
    monkeypatch.setenv("BRUECKEN_TEST_FLAG", "")
    assert project_settings.env_bool("BRUECKEN_TEST_FLAG", True) is True


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("BRUECKEN_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="BRUECKEN_TEST_FLAG must be true or false"):
        project_settings.env_bool("BRUECKEN_TEST_FLAG")


def test_env_int(monkeypatch):
    monkeypatch.delenv("BRUECKEN_TEST_NUMBER", raising=False)
    assert project_settings.env_int("BRUECKEN_TEST_NUMBER", 25) == 25
    monkeypatch.setenv("BRUECKEN_TEST_NUMBER", "")
    assert project_settings.env_int("BRUECKEN_TEST_NUMBER", 25) == 25
    monkeypatch.setenv("BRUECKEN_TEST_NUMBER", "587")
    assert project_settings.env_int("BRUECKEN_TEST_NUMBER", 25) == 587
    monkeypatch.setenv("BRUECKEN_TEST_NUMBER", "0")
    assert project_settings.env_int("BRUECKEN_TEST_NUMBER", 25) == 0


def test_env_int_refuses_a_non_number(monkeypatch):
    monkeypatch.setenv("BRUECKEN_TEST_NUMBER", "25s")
    with pytest.raises(ImproperlyConfigured, match="BRUECKEN_TEST_NUMBER must be a whole number"):
        project_settings.env_int("BRUECKEN_TEST_NUMBER", 25)


def test_env_list(monkeypatch):
    monkeypatch.delenv("BRUECKEN_TEST_LIST", raising=False)
    assert project_settings.env_list("BRUECKEN_TEST_LIST") == []
    assert project_settings.env_list("BRUECKEN_TEST_LIST", "a,b") == ["a", "b"]
    monkeypatch.setenv("BRUECKEN_TEST_LIST", " bruecken.example , ,www.bruecken.example,")
    assert project_settings.env_list("BRUECKEN_TEST_LIST") == [
        "bruecken.example",
        "www.bruecken.example",
    ]


def test_development_secret_key_is_written_once_for_the_owner_only(monkeypatch, tmp_path):
    var_dir = tmp_path / "var"
    monkeypatch.setattr(project_settings, "VAR_DIR", var_dir)

    key = project_settings.development_secret_key()

    path = var_dir / "secret_key"
    assert path.read_text().strip() == key
    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert project_settings.development_secret_key() == key


def test_development_secret_key_keeps_an_existing_key(monkeypatch, tmp_path):
    monkeypatch.setattr(project_settings, "VAR_DIR", tmp_path)
    (tmp_path / "secret_key").write_text("an-existing-key-0123456789\n")
    assert project_settings.development_secret_key() == "an-existing-key-0123456789"


def test_development_secret_keys_differ_between_installations(monkeypatch, tmp_path):
    monkeypatch.setattr(project_settings, "VAR_DIR", tmp_path / "one")
    one = project_settings.development_secret_key()
    monkeypatch.setattr(project_settings, "VAR_DIR", tmp_path / "two")
    assert project_settings.development_secret_key() != one


PROBE = textwrap.dedent(
    """
    import json
    from django.core.exceptions import ImproperlyConfigured
    try:
        import bruecken.settings as s
    except ImproperlyConfigured as error:
        print(json.dumps({"error": str(error)}))
    else:
        print(json.dumps({
            "DEBUG": s.DEBUG,
            "SECRET_KEY": s.SECRET_KEY,
            "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
            "SECURE_SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", False),
            "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
            "SECURE_HSTS_SECONDS": getattr(s, "SECURE_HSTS_SECONDS", 0),
            "SITE_URL": s.SITE_URL,
        }))
    """
)


def import_settings(tmp_path, **environment):
    """Import the settings in a fresh interpreter with nothing but `environment` set."""
    env = {"PATH": os.environ.get("PATH", ""), "BRUECKEN_VAR_DIR": str(tmp_path)}
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=project_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("debug", [None, "false", "0"])
def test_without_debug_a_secret_key_is_required(tmp_path, debug):
    environment = {} if debug is None else {"DEBUG": debug}
    assert import_settings(tmp_path, **environment) == {
        "error": "SECRET_KEY must be set when DEBUG is off."
    }
    assert not (tmp_path / "secret_key").exists()


def test_with_debug_the_development_key_is_used(tmp_path):
    values = import_settings(tmp_path, DEBUG="true")
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert values["SECURE_SSL_REDIRECT"] is False


def test_production_defaults(tmp_path):
    values = import_settings(tmp_path, SECRET_KEY="x" * 60, ALLOWED_HOSTS="bruecken.example")
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["bruecken.example"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert not (tmp_path / "secret_key").exists()


def test_a_misspelt_debug_is_refused(tmp_path):
    assert import_settings(tmp_path, DEBUG="ture", SECRET_KEY="x" * 60) == {
        "error": "DEBUG must be true or false, not 'ture'"
    }


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("8123", "http://127.0.0.1:8123"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000"),
        ("[::]:8000", "http://[::1]:8000"),
        ("[::1]:8001", "http://[::1]:8001"),
        ("localhost", "http://localhost:8000"),
        ("unix:/run/bruecken.sock", "http://localhost"),
    ],
)
def test_site_url_for_an_address(address, url):
    assert project_settings.site_url_for(address) == url


def test_site_url_follows_the_served_address(tmp_path):
    """`make run ADDRESS=…` sets BRUECKEN_ADDRESS: links must not point at another port."""
    assert import_settings(tmp_path, DEBUG="true")["SITE_URL"] == "http://127.0.0.1:8000"
    values = import_settings(tmp_path, DEBUG="true", BRUECKEN_ADDRESS="127.0.0.1:8123")
    assert values["SITE_URL"] == "http://127.0.0.1:8123"


def test_a_set_site_url_wins_over_the_address(tmp_path):
    values = import_settings(
        tmp_path,
        DEBUG="true",
        BRUECKEN_ADDRESS="0.0.0.0:8000",
        SITE_URL="https://bruecken.example/",
    )
    assert values["SITE_URL"] == "https://bruecken.example"


LINKS = textwrap.dedent(
    """
    import json
    from types import SimpleNamespace
    import django
    django.setup()
    from django.test import RequestFactory
    from bruecken.events.calendars import event_url
    from bruecken.website.templatetags.seo import canonical_link
    request = RequestFactory().get("/en/organisations/")
    print(json.dumps({
        "canonical": str(canonical_link({"request": request})),
        "event": event_url(SimpleNamespace(pk=7)),
    }))
    """
)


def test_pages_and_feeds_link_to_the_served_address(tmp_path):
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "BRUECKEN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "bruecken.settings",
        "DEBUG": "true",
        "BRUECKEN_ADDRESS": "127.0.0.1:8123",
    }
    result = subprocess.run(
        [sys.executable, "-c", LINKS],
        env=environment,
        cwd=project_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    links = json.loads(result.stdout)
    assert (
        links["canonical"]
        == '<link rel="canonical" href="http://127.0.0.1:8123/en/organisations/">'
    )
    assert links["event"].startswith("http://127.0.0.1:8123/")


@pytest.fixture
def console(settings):
    """What the log handlers a request's records reach write (with DEBUG on, as `make run` has
    it, Django's own console handler is one of them)."""
    import io
    import logging

    settings.DEBUG = True
    stream = io.StringIO()
    handlers = []
    logger = logging.getLogger("django.request")
    while logger is not None:
        handlers += [h for h in logger.handlers if isinstance(h, logging.StreamHandler)]
        logger = logger.parent if logger.propagate else None
    previous = [handler.setStream(stream) for handler in handlers]
    assert handlers
    yield stream
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)


def test_a_refused_request_is_logged_without_a_traceback(client, db, console):
    from django.urls import reverse

    from bruecken.accounts.models import Role

    from .factories import user_with_role

    client.force_login(user_with_role(Role.PARTICIPANT))
    assert client.get(reverse("actors:organisation_list")).status_code == 403

    logged = console.getvalue()
    assert "Forbidden (Permission denied): /" in logged
    assert "Traceback" not in logged


def test_a_server_error_keeps_its_traceback(console):
    import logging

    from django.http import HttpResponse
    from django.utils.log import log_response

    try:
        raise ValueError("broken")
    except ValueError as error:
        log_response(
            "Internal Server Error: %s", "/de/", response=HttpResponse(status=500), exception=error
        )
    logged = console.getvalue()
    assert "Internal Server Error: /de/" in logged
    assert "Traceback" in logged and "ValueError: broken" in logged
    assert logging.getLogger("django.request").isEnabledFor(logging.ERROR)
