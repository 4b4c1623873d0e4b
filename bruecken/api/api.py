"""The REST API (django-ninja) at /api/v1/: schema at /api/v1/openapi.json, docs at /api/v1/docs.

Reading only. Anonymous requests see what the public website shows; a token
(`Authorization: Bearer <token>`) reads with the rights of its user's roles."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from .auth import TOKEN_OR_ANONYMOUS, InvalidToken
from .docs import LocalSwagger
from .endpoints import (
    events,
    opendata,
    organisations,
    people,
    places,
    processes,
    programs,
    recommendations,
)
from .endpoints.base import RENDERER
from .throttling import ApiThrottle

DESCRIPTION = """Brücken's data for municipal portals, partnership databases and research.

* **Anonymous** requests read what the public website shows: organisations and people that
  consented to publication, published events, goals and results marked public, accepted
  recommendations, and the municipalities and their partnerships abroad.
* **With a token** (`Authorization: Bearer <token>`, created by staff under /api/tokens/) a
  request reads with the rights of the token's user: a municipal coordinator also sees the
  non-public organisations and people of their municipality, the program office everything.
* Lists are paginated with `limit` (1–100, default 50) and `offset`, ordered stably.
* Errors are JSON: `{"detail": "…"}` (validation errors add `errors`), in German or English
  after `Accept-Language`.
* Requests are rate limited per token, or per client address without one (429 with
  `Retry-After`).
* Open data: `/api/v1/open-data/popolo.json` (Popolo) and CSV files, public data only.
"""


class BrueckenAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        # Reading anonymously is allowed wherever the token is optional: say so
        # (an empty security requirement), so that clients and tools send requests without one.
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("operationId") not in TOKEN_REQUIRED_OPERATIONS:
                    operation["security"] = [*operation.get("security", []), {}]
        schema["components"].setdefault("securitySchemes", {})["TokenAuth"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token created under /api/tokens/.",
        }
        return schema


TOKEN_REQUIRED_OPERATIONS = {"my_registrations"}

api = BrueckenAPI(
    title="Brücken API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api:v1",
    auth=TOKEN_OR_ANONYMOUS,
    throttle=[ApiThrottle()],
    renderer=RENDERER,
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status, detail, **extra):
    return api.create_response(request, {"detail": str(detail), **extra}, status=status)


# Pydantic's messages are English only: those of the errors a request can have, in the language
# of the response. Errors raised by our code (no type) carry a translated message already.
VALIDATION_MESSAGES = {
    "missing": _lazy("This value is required."),
    "int_parsing": _lazy("Enter a whole number."),
    "int_type": _lazy("Enter a whole number."),
    "int_from_float": _lazy("Enter a whole number."),
    "greater_than_equal": _lazy("Enter a number of at least %(ge)s."),
    "less_than_equal": _lazy("Enter a number of at most %(le)s."),
    "greater_than": _lazy("Enter a number greater than %(gt)s."),
    "less_than": _lazy("Enter a number less than %(lt)s."),
    "string_too_long": _lazy("Enter at most %(max_length)s characters."),
    "string_too_short": _lazy("Enter at least %(min_length)s characters."),
    "string_pattern_mismatch": _lazy("The value does not have the expected form."),
    "string_type": _lazy("Enter a text."),
    "enum": _lazy("Choose one of: %(expected)s."),
    "bool_parsing": _lazy("Enter true or false."),
    "datetime_format": _lazy("Enter a date and time in ISO 8601, e.g. 2026-05-01T09:00:00+02:00."),
    "datetime_parsing": _lazy("Enter a date and time in ISO 8601, e.g. 2026-05-01T09:00:00+02:00."),
    "datetime_from_date_parsing": _lazy(
        "Enter a date and time in ISO 8601, e.g. 2026-05-01T09:00:00+02:00."
    ),
    "datetime_type": _lazy("Enter a date and time in ISO 8601, e.g. 2026-05-01T09:00:00+02:00."),
    "date_range": _lazy("The date must lie between the years 1900 and 2200."),
}


def _message(error):
    kind = error.get("type")
    if kind is None:
        return str(error.get("msg", ""))
    template = VALIDATION_MESSAGES.get(kind)
    if template is None:
        return _("The value is not valid.")
    try:
        return str(template) % {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return _("The value is not valid.")


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc):
    errors = [
        {
            "loc": [str(part) if not isinstance(part, int) else part for part in e.get("loc", ())],
            "msg": _message(e),
        }
        for e in exc.errors
    ]
    where = ", ".join(
        ".".join(str(part) for part in error["loc"][1:]) or str(error["loc"][0])
        for error in errors
        if error["loc"]
    )
    return _error(
        request,
        422,
        _("The request is not valid (%(where)s).") % {"where": where}
        if where
        else _("The request is not valid."),
        errors=errors,
    )


@api.exception_handler(InvalidToken)
def invalid_token(request, exc):
    response = _error(request, 401, _("The API token is not valid, or it has been revoked."))
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(AuthenticationError)
def authentication_required(request, exc):
    response = _error(
        request, 401, _("This needs an API token: send the header Authorization: Bearer <token>.")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(AuthorizationError)
@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, _("Your role does not allow this."))


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(Throttled)
def throttled(request, exc):
    return _error(request, 429, _("Too many requests. Please wait a minute and try again."))


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, exc.status_code, exc.message)


# The areas in the order the documentation lists them.
for area in (places, programs, organisations, people, events, processes, opendata, recommendations):
    api.add_router("", area.router)
