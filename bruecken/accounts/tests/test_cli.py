"""The `bruecken` command."""

import os
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from bruecken import cli


def test_check_returns_zero(capsys):
    assert cli.main(["bruecken", "check"]) == 0
    assert "System check identified no issues" in capsys.readouterr().out


def test_an_unknown_command_exits_with_an_error(capsys):
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["bruecken", "no-such-command"])
    assert excinfo.value.code != 0
    assert "no-such-command" in capsys.readouterr().err


def test_without_a_command_it_shows_help(capsys):
    assert cli.main(["bruecken"]) == 0
    out = capsys.readouterr().out
    assert "demo" in out
    assert "load_reference" in out


def test_serve_with_debug_runs_the_development_server(monkeypatch, settings):
    settings.DEBUG = True
    # Restored afterwards: serve sets it.
    monkeypatch.setenv("BRUECKEN_ADDRESS", "127.0.0.1:8000")
    calls = []
    monkeypatch.setattr(
        "django.core.management.call_command", lambda *args, **kwargs: calls.append(args)
    )
    assert cli.main(["bruecken", "serve", "127.0.0.1:9999"]) == 0
    assert calls == [("runserver", "127.0.0.1:9999")]
    # What the settings derive SITE_URL from, in this process and the reloaded one.
    assert os.environ["BRUECKEN_ADDRESS"] == "127.0.0.1:9999"


def test_serve_without_debug_runs_gunicorn(monkeypatch, settings):
    settings.DEBUG = False
    monkeypatch.setenv("BRUECKEN_ADDRESS", "0.0.0.0:8080")
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    seen = {}

    def fake_run():
        seen["argv"] = list(sys.argv)
        return 0

    monkeypatch.setattr("gunicorn.app.wsgiapp.run", fake_run)
    assert cli.main(["bruecken", "serve"]) == 0
    assert seen["argv"] == [
        "gunicorn",
        "--bind",
        "0.0.0.0:8080",
        "--workers",
        "3",
        "--graceful-timeout",
        "30",
        "--error-logfile",
        "-",
        "--logger-class",
        "bruecken.logs.GunicornLogger",
        "bruecken.wsgi:application",
    ]


def test_serve_gives_requests_under_way_time_to_finish(monkeypatch, settings):
    settings.DEBUG = False
    monkeypatch.setenv("BRUECKEN_ADDRESS", "127.0.0.1:8080")
    monkeypatch.setenv("WEB_GRACEFUL_TIMEOUT", "90")
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    seen = {}

    def fake_run():
        seen["argv"] = list(sys.argv)
        return 0

    monkeypatch.setattr("gunicorn.app.wsgiapp.run", fake_run)
    assert cli.main(["bruecken", "serve"]) == 0
    index = seen["argv"].index("--graceful-timeout")
    assert seen["argv"][index + 1] == "90"


def test_the_console_script_is_installed():
    (entry_point,) = entry_points(group="console_scripts", name="bruecken")
    assert entry_point.value == "bruecken.cli:main"
    assert entry_point.load() is cli.main
    assert (Path(sys.executable).parent / "bruecken").exists()
