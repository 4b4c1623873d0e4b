"""What every operation of the API shares: the router of an area, the query parameters, and the
one list helper (filters, order, the count kept per content version, the page and its links)."""

import hashlib
import re
from datetime import datetime
from enum import Enum
from typing import Annotated

from django.core.exceptions import EmptyResultSet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from bruecken import fulltext
from bruecken.cache import WATCHED_APPS, cached_for_version
from bruecken.translation import localized

from .. import schemas

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000_000
MAX_ID = 2**31 - 1
# Text without NUL (PostgreSQL refuses it in a query).
TEXT_PATTERN = r"^[^\x00]*$"

Limit = Annotated[int, Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size (1–100).")]
Offset = Annotated[int, Query(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")]
Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(None, ge=1, le=MAX_ID)]
Text = Annotated[
    str | None,
    Query(None, max_length=200, pattern=TEXT_PATTERN, description="Words that must all occur."),
]
CountryCode = Annotated[
    str | None,
    Query(None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166 country code, e.g. ET."),
]
TopicCode = Annotated[
    str | None,
    Query(None, pattern=r"^[a-z0-9-]{1,40}$", description="Topic code, e.g. sdg-4."),
]
FIRST_YEAR, LAST_YEAR = 1900, 2200
# An ISO 8601 date or date and time in the years above; JSON Schema patterns match anywhere, so
# it is anchored at the start, and the rest is the date-time format's to check.
ISO_DATE_PATTERN = r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-[0-9]{2}-[0-9]{2}([T ].*)?$"


def _iso_datetime(value):
    """Only what the schema declares: pydantic would take a number for seconds since 1970
    (`0.5`) and any year."""
    if isinstance(value, str) and not re.match(ISO_DATE_PATTERN, value.strip()):
        raise PydanticCustomError("datetime_format", "not an ISO 8601 date and time")
    return value


def _within_years(value):
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError("date_range", "outside the years 1900–2200")
    return value


UpdatedSince = Annotated[
    datetime | None,
    BeforeValidator(_iso_datetime),
    AfterValidator(_within_years),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date-time", "pattern": ISO_DATE_PATTERN},
                {"type": "null"},
            ]
        }
    ),
    Query(None, description="Only rows changed at or after this time (ISO 8601, years 1900–2200)."),
]

ERRORS = {401: schemas.Error, 422: schemas.ValidationErrorOut, 429: schemas.Error}
DETAIL_ERRORS = {**ERRORS, 404: schemas.Error}

# The API renders every answer with this renderer (`api.api`), the list pages too.
RENDERER = JSONRenderer()


def choice(name, choices):
    """An optional query parameter that takes the values of a model field's choices."""
    return Annotated[
        Enum(name, {value: value for value in choices.values}, type=str) | None, Query(None)
    ]


class Area(Router):
    """The operations of one area of the API, under one tag. Each operation is named after its
    function (the operation id clients generate their method names from)."""

    def __init__(self, tag):
        super().__init__(tags=[tag])

    def list(self, path, item, **options):
        """A paginated list of `item`s (answered by `page`)."""
        page = schemas.page_of(item, item.__name__.removesuffix("Out") + "Page")
        return self._get(path, {200: page, **ERRORS}, options)

    def detail(self, path, item, **options):
        return self._get(path, {200: item, **DETAIL_ERRORS}, options)

    def _get(self, path, response, options):
        def register(view):
            return self.get(path, response=response, operation_id=view.__name__, **options)(view)

        return register


def reader(request):
    """The user the request reads as: the token's user, or AnonymousUser."""
    return request.auth


def aware(moment, name="updated_since"):
    if moment is None:
        return None
    if not 1900 <= moment.year <= 2200:
        raise ValidationError(
            [
                {
                    "loc": ("query", name),
                    "msg": _("The date must lie between the years 1900 and 2200."),
                }
            ]
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def search(queryset, text, lookup):
    """Rows in which every word of `text` occurs in `lookup` (short lists without a full-text
    index; organisations and people use `.search()`, bruecken/fulltext/)."""
    for term in (text or "").split()[:10]:
        queryset = queryset.filter(**{lookup: term})
    return queryset


def cached_count(queryset):
    """The number of rows, kept until the content changes (`bruecken.cache`): counting every
    matching row costs more than fetching a page. Keyed by the query itself, so by the filters
    and the reader's scope. Only for models whose changes count the content version up."""
    if queryset.model._meta.app_label not in WATCHED_APPS:
        return queryset.count()
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0
    key = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    return cached_for_version(f"api-count:{key}", queryset.count)


def page(
    request, queryset, serialize, limit, offset, *, order, filters=None, where=(), prepare=None
):
    """The answer of a list operation: the rows of `queryset` that pass `filters` (a lookup for
    each query parameter; None where the reader did not ask, choices by their value) and the
    conditions in `where` (None: not asked for), in `order`, one page of them.

    The rows are serialised by our functions and written as JSON straight away: validating every
    row again with pydantic would double the time of a page. The OpenAPI tests (Schemathesis)
    check that the answers keep to the documented schema. `prepare` fetches what the rows of the
    page need in a fixed number of queries."""
    for lookup, value in (filters or {}).items():
        if isinstance(value, Enum):
            value = value.value
        if value is not None:
            queryset = queryset.filter(**{lookup: value})
    for condition in where:
        if condition is not None:
            queryset = queryset.filter(condition)
    queryset = queryset.order_by(*order)
    count = cached_count(queryset)
    if offset >= count:
        rows = []
    elif offset == 0:
        rows = fulltext.head(queryset, min(limit, count))
    else:
        rows = list(queryset[offset : offset + limit])
    if prepare is not None:
        prepare(rows)

    def address(new_offset):
        query = request.GET.copy()
        query["offset"] = str(new_offset)
        query["limit"] = str(limit)
        return f"{request.path}?{query.urlencode()}"

    data = {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": address(offset + limit) if offset + limit < count else None,
        "previous": address(max(offset - limit, 0)) if offset > 0 and count else None,
        "results": [serialize(row) for row in rows],
    }
    content = RENDERER.render(request, data, response_status=200)
    return HttpResponse(content, content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}")


# What the serialisers share


def ref(obj, name=None):
    return {"id": obj.pk, "name": name if name is not None else obj.name}


def program_ref(program):
    return ref(program, localized(program, "name"))


def coded(objects):
    return [{"code": obj.code, "name": obj.name} for obj in sorted(objects, key=lambda o: o.code)]


def label(obj, field):
    return str(getattr(obj, f"get_{field}_display")())


class Labels:
    """The labels of a field's choices in the active language, looked up once per request."""

    def __init__(self, choices):
        self.labels = {value: str(text) for value, text in choices}

    def __getitem__(self, value):
        return self.labels.get(value, value)
