"""JSON log lines (LOG_FORMAT=json) and gunicorn's log on stdout."""

import json
import logging
import os
import subprocess
import sys
from datetime import datetime

from gunicorn.config import Config

from bruecken.logs import GunicornLogger, JsonFormatter


def record(**extra):
    return logging.makeLogRecord(
        {
            "name": "django.request",
            "levelname": "WARNING",
            "levelno": logging.WARNING,
            "msg": "Not Found: %s",
            "args": ("/de/nirgends/",),
            **extra,
        }
    )


def test_a_record_is_one_json_object():
    line = JsonFormatter().format(record())
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /de/nirgends/"
    assert datetime.fromisoformat(entry["time"]).utcoffset().total_seconds() == 0
    assert "exception" not in entry


def test_the_request_fields_from_django(rf):
    request = rf.post("/de/kontakt/?email=amina@example.org")
    entry = json.loads(JsonFormatter().format(record(request=request, status_code=403)))
    assert (entry["path"], entry["method"], entry["status"]) == ("/de/kontakt/", "POST", 403)
    # The query string may hold personal data: not logged.
    assert "amina" not in json.dumps(entry)


def test_the_development_servers_socket_is_no_request():
    entry = json.loads(JsonFormatter().format(record(request=object(), status_code=200)))
    assert "path" not in entry
    assert entry["status"] == 200


def test_an_exception_goes_into_the_same_line():
    try:
        raise ValueError("kaputt\nzweite Zeile")
    except ValueError:
        line = JsonFormatter().format(record(exc_info=sys.exc_info()))
    assert len(line.splitlines()) == 1
    exception = json.loads(line)["exception"]
    assert exception.startswith("Traceback")
    assert "ValueError: kaputt\nzweite Zeile" in exception


def test_the_settings_log_json_lines_with_log_format_json(tmp_path):
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('bruecken.test').warning('Grüße %s', 'aus Bonn'); "
        "logging.getLogger('django.request').error('Kaputt', exc_info=ValueError('x'))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bruecken.settings",
        "LOG_FORMAT": "json",
        "DEBUG": "false",
        "SECRET_KEY": "tests-only-secret-key-not-used-anywhere-else-0123456789",
        "BRUECKEN_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("bruecken.test", "Grüße aus Bonn"),
        ("django.request", "Kaputt"),
    ]
    assert "ValueError: x" in lines[1]["exception"]


def test_plain_text_stays_the_default(tmp_path):
    script = "import django, logging; django.setup(); logging.getLogger('x').warning('Hallo')"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bruecken.settings", "DEBUG": "false"}
    env.pop("LOG_FORMAT", None)
    env["SECRET_KEY"] = "tests-only-secret-key-not-used-anywhere-else-0123456789"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert result.stderr == "Hallo\n"


def gunicorn_handler():
    config = Config()
    config.set("errorlog", "-")
    # pytest captures this logger as well: its own handlers are gunicorn's.
    (handler,) = (
        handler
        for handler in GunicornLogger(config).error_log.handlers
        if getattr(handler, "_gunicorn", False)
    )
    return handler


def test_gunicorn_logs_to_stdout(settings):
    settings.LOG_FORMAT = "text"
    handler = gunicorn_handler()
    assert handler.stream is sys.stdout
    assert not isinstance(handler.formatter, JsonFormatter)


def test_gunicorn_logs_json_lines_with_log_format_json(settings):
    settings.LOG_FORMAT = "json"
    handler = gunicorn_handler()
    assert handler.stream is sys.stdout
    assert isinstance(handler.formatter, JsonFormatter)
