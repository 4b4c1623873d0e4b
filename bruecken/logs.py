"""Log lines for log collectors: with LOG_FORMAT=json every line is one JSON object (the settings'
handlers and gunicorn's own lines alike); gunicorn's lines go to stdout.

Only what a request's log record carries of the request is written: its path, method and status,
never its query string, addresses or headers (they may hold personal data). The tokens of personal
links in a path (a guest link opens a person's data) are masked in every line (`RedactTokens`)."""

import json
import logging
import re
import sys
from datetime import UTC, datetime

from django.conf import settings
from gunicorn.glogging import Logger

# A personal link's token (bruecken/tokens.py: 43 URL-safe characters) or a password reset token
# (39) as a segment of a path. Slugs this long are masked too: a log reader loses little.
TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}")
MASK = "[token]"


def redacted(text):
    return TOKEN.sub(MASK, text)


class RedactTokens(logging.Filter):
    """Masks the tokens in a record's message and traceback: whoever reads the logs must not be
    able to open a person's guest link, invitation or calendar (Django logs the path of every
    404, the development server every request line)."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redacted(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            # Formatters take a traceback already written from exc_text.
            record.exc_text = redacted(logging.Formatter().formatException(record.exc_info))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(request_fields(record))
        if record.exc_text:
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a message's arguments may be anything; the line must still be written.
        return json.dumps(entry, ensure_ascii=False, default=str)


def request_fields(record):
    """Path, method and status of the request a record is about, where Django's request logging
    gave it (`request`, `status_code`); the development server's `request` is its socket."""
    fields = {}
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if isinstance(path, str):
        fields["path"] = redacted(path)
        fields["method"] = getattr(request, "method", None)
    status = getattr(record, "status_code", None)
    if isinstance(status, int):
        fields["status"] = status
    return fields


class GunicornLogger(Logger):
    """gunicorn's error log (start, workers, signals) on stdout, as JSON with LOG_FORMAT=json."""

    def setup(self, cfg):
        super().setup(cfg)
        json_lines = getattr(settings, "LOG_FORMAT", "text") == "json"
        for handler in self.error_log.handlers + self.access_log.handlers:
            if not getattr(handler, "_gunicorn", False):  # the handlers gunicorn made
                continue
            if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr:
                handler.setStream(sys.stdout)
            if json_lines:
                handler.setFormatter(JsonFormatter())
