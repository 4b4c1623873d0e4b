"""Log lines for log collectors: with LOG_FORMAT=json every line is one JSON object (the settings'
handlers and gunicorn's own lines alike); gunicorn's lines go to stdout.

Only what a request's log record carries of the request is written: its path, method and status,
never its query string, addresses or headers (they may hold personal data)."""

import json
import logging
import sys
from datetime import UTC, datetime

from django.conf import settings
from gunicorn.glogging import Logger


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(request_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
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
        fields["path"] = path
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
