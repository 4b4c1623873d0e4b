"""JSON log lines (LOG_FORMAT=json) and gunicorn's log on stdout."""

import json
import logging
import os
import subprocess
import sys
from datetime import datetime

from gunicorn.config import Config

from bruecken.logs import GunicornLogger, JsonFormatter, RedactTokens
from bruecken.tokens import new_token


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


def stderr_of(script, tmp_path, log_format=None):
    """What `script` logs in a fresh process with the production settings (LOG_FORMAT unset:
    the default)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bruecken.settings",
        "DEBUG": "false",
        "SECRET_KEY": "tests-only-secret-key-not-used-anywhere-else-0123456789",
        "BRUECKEN_VAR_DIR": str(tmp_path),
    }
    env.pop("LOG_FORMAT", None)
    if log_format:
        env["LOG_FORMAT"] = log_format
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return result.stderr


def test_the_settings_log_json_lines_with_log_format_json(tmp_path):
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('bruecken.test').warning('Grüße %s', 'aus Bonn'); "
        "logging.getLogger('django.request').error('Kaputt', exc_info=ValueError('x'))"
    )
    lines = [json.loads(line) for line in stderr_of(script, tmp_path, "json").splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("bruecken.test", "Grüße aus Bonn"),
        ("django.request", "Kaputt"),
    ]
    assert "ValueError: x" in lines[1]["exception"]


def test_plain_text_stays_the_default(tmp_path):
    script = "import django, logging; django.setup(); logging.getLogger('x').warning('Hallo')"
    assert stderr_of(script, tmp_path) == "Hallo\n"


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


def redact(record):
    assert RedactTokens().filter(record) is True
    return record


def test_the_token_of_a_personal_link_is_masked():
    token = new_token()
    for path, masked in [
        (f"/de/datenschutz/link/{token}/", "/de/datenschutz/link/[token]/"),
        (f"/de/link/{token}/export/", "/de/link/[token]/export/"),
        (f"/en/events/calendar/people/{token}.ics", "/en/events/calendar/people/[token].ics"),
        # A password reset link (uid, then timestamp and hash).
        (
            "/de/konto/reset/MTI/cd2b4b-5f8e2a9c0b1d3e4f5a6b7c8d9e0f1a2b/",
            "/de/konto/reset/MTI/[token]/",
        ),
    ]:
        assert redact(record(args=(path,))).getMessage() == f"Not Found: {masked}"
    line = '"GET /de/link/%s/ HTTP/1.1" 404 179'
    assert token not in redact(record(msg=line, args=(token,))).getMessage()


def test_paths_without_tokens_stay_as_they_are():
    for path in ["/de/nirgends/", "/de/akteure/organisationen/123/", "/de/link/kurz/"]:
        assert redact(record(args=(path,))).getMessage() == f"Not Found: {path}"


def test_the_token_is_masked_in_the_json_path_and_the_traceback(rf):
    token = new_token()
    request = rf.get(f"/de/link/{token}/")
    try:
        raise ValueError(f"no page at /de/link/{token}/")
    except ValueError:
        entry = redact(record(request=request, status_code=500, exc_info=sys.exc_info()))
    line = JsonFormatter().format(entry)
    assert token not in line
    assert json.loads(line)["path"] == "/de/link/[token]/"
    assert "ValueError: no page at /de/link/[token]/" in json.loads(line)["exception"]
    assert token not in logging.Formatter().format(entry)


def test_the_settings_mask_tokens_in_both_formats(tmp_path):
    token = new_token()
    script = (
        "import django, logging; django.setup(); "
        f"logging.getLogger('django.request').warning('Not Found: %s', '/de/link/{token}/'); "
        "logging.getLogger('django.server').info("
        f"'\"%s\" %s %s', 'GET /de/link/{token}/ HTTP/1.1', '200', '42')"
    )
    for log_format in ("text", "json"):
        stderr = stderr_of(script, tmp_path, log_format)
        assert stderr.count("/de/link/[token]/") == 2, stderr
        assert token not in stderr


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
