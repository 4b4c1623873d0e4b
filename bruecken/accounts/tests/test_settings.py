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
