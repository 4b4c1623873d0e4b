"""Fast inserts of many rows without a model instance per row: what makes an import of 50,000
organisations (and its audit entries) take seconds. No model signals, no save(): callers
compute what save() would derive before they hand the rows over."""

import contextlib
import gc
import threading

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# Fields whose values need the database's preparation (dates, JSON, decimals); every other
# value (text, numbers, ids) goes in as it is.
SLOW_FIELDS = (models.DateTimeField, models.DateField, models.JSONField, models.DecimalField)


class _Pause:
    lock = threading.Lock()
    depth = 0
    was_enabled = False


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector off while bulk work runs (nested, and across threads: off until
    the last one ends). An import keeps hundreds of thousands of rows, plans and instances
    alive, and each of the collector's full passes walks them all: a third of an import's time,
    to free next to nothing (what the work makes is still in use). Reference counting still
    frees what is dropped; cycles made meanwhile wait until the collector runs again."""
    with _Pause.lock:
        if _Pause.depth == 0:
            _Pause.was_enabled = gc.isenabled()
            gc.disable()
        _Pause.depth += 1
    try:
        yield
    finally:
        with _Pause.lock:
            _Pause.depth -= 1
            if _Pause.depth == 0 and _Pause.was_enabled:
                gc.enable()


def raw_insert(model, rows):
    """Insert rows given as {attname: value}: no model instance and no per-value preparation
    for plain values (text, numbers, ids), the field's default for what a row leaves out."""
    if not rows:
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    slow = [isinstance(field, SLOW_FIELDS) for field in fields]
    defaults = [
        None if field.has_default() and callable(field.default) else field.get_default()
        for field in fields
    ]
    params = []
    for row in rows:
        values = []
        for model_field, is_slow, default in zip(fields, slow, defaults, strict=True):
            value = row.get(model_field.attname, default)
            if is_slow and value is not None:
                value = model_field.get_db_prep_save(value, connection)
            values.append(value)
        params.append(values)
    insert_rows(model._meta.db_table, [field.column for field in fields], params)


def insert_pairs(model, first, second, rows):
    """Many two-column rows (a many-to-many table, audit subjects)."""
    if not rows:
        return
    insert_rows(model._meta.db_table, [first, second], rows)


def insert_rows(table, columns, params, using=DEFAULT_DB_ALIAS):
    """INSERT many rows: SQLite runs one prepared statement many times in-process;
    PostgreSQL takes them by COPY; other databases get statements of many rows each."""
    if not params:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    head = f"INSERT INTO {quote(table)} ({names}) VALUES "  # noqa: S608 - names from the model
    one = "({})".format(", ".join(["%s"] * len(columns)))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for start in range(0, len(params), 5000):
                cursor.executemany(head + one, params[start : start + 5000])
            return
        if connection.vendor == "postgresql":
            # COPY: the fastest way into PostgreSQL, a stream instead of statements.
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
            return
        size = max(1, min(1000, 30_000 // len(columns)))
        for start in range(0, len(params), size):
            chunk = params[start : start + size]
            cursor.execute(
                head + ", ".join([one] * len(chunk)),
                [value for row in chunk for value in row],
            )
