"""Hostile input never gives a 5xx: every form, filter and API parameter, as every role, in German
and English, on each database the suite runs on.

Nothing is listed by hand. As each role, a crawler follows the site's links from the home page
(the staff area, the admin for the program office), one page per URL pattern, and reads every
form on them; the API's parameters come from its OpenAPI schema. Each form is then sent hostile
values: all its fields at once (a few rounds, each field a different value), and each field alone
beside the form's own values (so that what runs after validation is reached as well). Which value
a field gets is chosen deterministically from pools by the field's kind, so that the run is quick
and repeatable; the first value of each pool is the one most likely to break that kind of field.
"""

import datetime
import hashlib
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import Organisation, Person
from bruecken.advisory.models import Advice, AdviceKind
from bruecken.api import services as api_services
from bruecken.events.tests.factories import EventFactory, RegistrationFactory
from bruecken.guide.models import Recommendation
from bruecken.guide.tests.conftest import (  # noqa: F401 (fixtures)
    accepted,
    categories,
    goal,
    process,
    result,
)
from bruecken.programs.models import Admission, WorkshopKind
from bruecken.website.tests.factories import NewsArticleFactory, PageFactory

HUGE = "99999999999999999999"
# Raw (already percent-encoded) values: invalid UTF-8 cannot be written as a str.
RAW = object()
BAD_UTF8 = (RAW, "%ff%fe")
NUL = "a\x00b"
LONG = "x" * 10_000
# A value sent twice under the field's name: a list where one value is expected.
LIST = ("1", "x")

CHOICE_POOL = [HUGE, NUL, "abc", "-" + HUGE, LIST, BAD_UTF8, "0", "1.5", LONG, ""]
DATE_POOL = ["0001-01-01", "9999-12-31", "31.02.2026", "0001-01-01T00:00", NUL, BAD_UTF8, LIST]
DATETIME_POOL = ["0001-01-01T00:00", "9999-12-31T23:59", "31.02.2026 10:00", "0.5", NUL, LIST]
TIME_POOL = ["25:61", "99999999999999999999:00", NUL, BAD_UTF8, LIST]
TEXT_POOL = [NUL, LONG, BAD_UTF8, HUGE, LIST, "0001-01-01", "<script>x</script>", "\u202e"]
FILE_POOL = [NUL, LIST, "x"]
# A formset's management form: a huge number of forms is capped by Django (at a thousand forms,
# slow to render but no fault), so these get the other values.
MANAGEMENT_POOL = ["abc", NUL, LIST, "-1", "1.5", BAD_UTF8]
MANAGEMENT_FIELDS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
POOLS = {
    "select": CHOICE_POOL,
    "radio": CHOICE_POOL,
    "checkbox": CHOICE_POOL,
    "number": CHOICE_POOL,
    "hidden": CHOICE_POOL,
    "range": CHOICE_POOL,
    "date": DATE_POOL,
    "datetime-local": DATETIME_POOL,
    "time": TIME_POOL,
    "file": FILE_POOL,
    "submit": CHOICE_POOL,
}
# Rounds of "every field at once" per form and role; values of each pool sent to a field alone.
ROUNDS = 2
ALONE = 2
# Kinds of field that get ALONE values alone (the others their first value).
TYPED = {"select", "radio", "checkbox", "number", "hidden", "date", "datetime-local"}

# What a valid-looking form holds where the page leaves a field empty.
FILLING = {
    "email": "fuzz@example.org",
    "url": "https://example.org/",
    "number": "2",
    "date": "2026-06-01",
    "datetime-local": "2026-06-01T10:00",
    "time": "10:00",
    "password": "Fuzz-password-123",
    "tel": "+49 228 123456",
}

# Not followed: they end the session, or only produce files (slow, and no forms in them).
SKIP_ROUTES = {"accounts:logout", "admin:logout", "set_language", "admin:jsi18n"}
SKIP_SUFFIXES = (".pdf", ".ics", ".csv", ".xlsx", ".docx", ".json", ".xml", ".png", ".jpg")


class PageParser(HTMLParser):
    """The links and forms of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        for name in ("href", "hx-get"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag == "form":
            self._form = {
                "action": attrs.get("action", ""),
                "method": attrs.get("method", "get").lower(),
                "fields": [],
            }
            self.forms.append(self._form)
        form = self._form
        if form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._option(attrs)
            return
        name = attrs["name"]
        if tag == "button" and attrs.get("type", "submit").lower() == "submit":
            # A named submit button sends its value (the admin's actions need theirs).
            form["fields"].append(
                {"name": name, "kind": "submit", "value": attrs.get("value", ""), "options": []}
            )
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("button", "image", "reset"):
                return
            checked = "checked" in attrs
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            form["fields"].append(
                {
                    "name": name,
                    "kind": kind,
                    "value": value if kind not in ("checkbox", "radio") or checked else None,
                    "options": [value] if kind in ("checkbox", "radio") else [],
                }
            )
        elif tag == "select":
            self._select = {
                "name": name,
                "kind": "select",
                "value": None,
                "options": [],
                "multiple": "multiple" in attrs,
            }
            form["fields"].append(self._select)
        elif tag == "textarea":
            self._textarea = {"name": name, "kind": "textarea", "value": "", "options": []}
            form["fields"].append(self._textarea)

    def _option(self, attrs):
        value = attrs.get("value", "")
        self._select["options"].append(value)
        if "selected" in attrs:
            self._select["value"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def route(path):
    """The URL pattern a path belongs to (its namespaced name), or None outside the site."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


def skipped(name):
    # The admin's delete and history pages repeat what its change pages have (and the office
    # could delete its own account).
    return name in SKIP_ROUTES or (
        name.startswith("admin:") and name.endswith(("_delete", "_history"))
    )


def _stable(*parts):
    return int(hashlib.sha256(repr(parts).encode()).hexdigest()[:8], 16)


def _encode(name, value):
    """One `name=value` pair of a query string or form body, or several for a list."""
    if isinstance(value, tuple) and value and value[0] is RAW:
        return [f"{quote(name)}={value[1]}"]
    if isinstance(value, tuple):
        return [f"{quote(name)}={quote(str(item))}" for item in value]
    return [urlencode({name: value})]


class Fuzzer:
    def __init__(self, client, role, user=None):
        self.client = client
        self.role = role
        self.user = user
        self.failures = []
        self.requests = 0

    def login(self):
        # Again before each form: a form sent before may have ended the session.
        if self.user is not None:
            self.client.force_login(self.user)

    def send(self, method, path, pairs, what):
        """Send the request; record a 5xx (or an exception) with what was sent."""
        body = "&".join(pairs)
        self.requests += 1
        try:
            # A database error must not break the test's transaction for the requests after it.
            with transaction.atomic():
                if method == "post":
                    response = self.client.post(
                        path, body, content_type="application/x-www-form-urlencoded"
                    )
                else:
                    response = self.client.get(f"{path}?{body}" if body else path)
        except Exception as error:  # What the server would answer with a 500.
            self.failures.append(f"{self.role}: {method.upper()} {path} {what}: {error!r:.300}")
            return None
        if response.status_code >= 500:
            self.failures.append(
                f"{self.role}: {method.upper()} {path} {what}: {response.status_code}"
            )
        return response

    # The site

    def crawl(self, starts, max_pages=400):
        """One page per URL pattern reachable from `starts`: its forms, keyed by where they go."""
        seen_routes = set()
        queue = list(starts)
        forms = {}
        pages = 0
        while queue and pages < max_pages:
            path = queue.pop(0)
            name = route(path)
            if name is None or name in seen_routes or skipped(name):
                continue
            seen_routes.add(name)
            response = self.send("get", path, [], "(crawling)")
            pages += 1
            if response is None or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = PageParser()
            parser.feed(response.content.decode(errors="replace"))
            for link in parser.links:
                parts = urlsplit(link)
                if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
                    continue
                if parts.path.endswith(SKIP_SUFFIXES) or parts.path.startswith(("/static/",)):
                    continue
                queue.append(parts.path)
            for form in parser.forms:
                action = urlsplit(form["action"]).path or path
                target = route(action)
                if target is None or skipped(target) or not form["fields"]:
                    continue
                key = (target, form["method"], tuple(sorted({f["name"] for f in form["fields"]})))
                forms.setdefault(key, {**form, "action": action})
        return forms

    def fuzz_form(self, form, alone=True):
        self.login()
        method = "post" if form["method"] == "post" else "get"
        fields = form["fields"]
        names = sorted({field["name"] for field in fields})
        by_name = {name: [f for f in fields if f["name"] == name] for name in names}
        baseline = {name: self._baseline(by_name[name]) for name in names}
        for number in range(ROUNDS):
            values = {
                name: self._hostile(form, by_name[name][0], number + _stable(self.role, name))
                for name in names
            }
            values = {name: value for name, value in values.items() if value is not None}
            self._send_form(method, form, {**baseline, **values}, f"with {values!r:.200}")
        if alone:
            # The forms of a formset share their fields: the first form's stand for the rest.
            families = {}
            for name in names:
                if by_name[name][0]["kind"] != "submit":  # Its values go in the rounds only.
                    families.setdefault(re.sub(r"-[0-9]+-", "-N-", name), name)
            for name in families.values():
                for number in range(ALONE if by_name[name][0]["kind"] in TYPED else 1):
                    value = self._hostile(form, by_name[name][0], number)
                    if value is not None:
                        what = f"{name}={value!r:.60}"
                        self._send_form(method, form, {**baseline, name: value}, what)

    def _send_form(self, method, form, values, what):
        pairs = []
        for name, value in values.items():
            if value is not None:
                pairs.extend(_encode(name, value))
        path = self._language(form["action"])
        self.send(method, path, pairs, what)

    def _language(self, path):
        # Every other request in English, the rest in German.
        if path.startswith("/de/") and self.requests % 2:
            return "/en/" + path.removeprefix("/de/")
        return path

    @staticmethod
    def _baseline(fields):
        field = fields[0]
        chosen = [f["value"] for f in fields if f["value"] is not None]
        if field["kind"] == "submit":
            return field["value"]
        if field["kind"] in ("checkbox", "radio"):
            return tuple(chosen) if len(chosen) > 1 else (chosen[0] if chosen else None)
        if field["kind"] == "select":
            if field["value"] is not None:
                return field["value"]
            options = [option for option in field["options"] if option]
            return options[0] if options else None
        if field["kind"] == "file":
            return None
        value = field["value"] or ""
        return value or FILLING.get(field["kind"], "Fuzz" if field["kind"] != "hidden" else "")

    @staticmethod
    def _hostile(form, field, number):
        kind = field["kind"]
        if field["name"].endswith(MANAGEMENT_FIELDS):
            pool = MANAGEMENT_POOL
        elif kind == "text" and any(part in field["name"] for part in ("date", "_at", "_on")):
            pool = DATE_POOL
        else:
            pool = POOLS.get(kind, TEXT_POOL)
        if field["name"] == "csrfmiddlewaretoken":
            return None
        return pool[number % len(pool)]


def _world(process, accepted):  # noqa: F811
    """Beyond the completed Bonn process: an open program seminar, news, a page."""
    program = process.program
    seminar = EventFactory(
        process=None,
        program=program,
        kind=WorkshopKind.SEMINAR,
        admission=Admission.OPEN,
        title="Fachseminar",
        starts_at=timezone.now() + datetime.timedelta(days=20),
    )
    # Advice to an organisation of the process (its representative's), with its pages and forms.
    Advice.objects.create(
        organisation=Organisation.objects.filter(municipality=process.municipality).first(),
        kind=AdviceKind.SEMINAR,
        event=seminar,
        topic="Fördermittel beantragen",
        given_on=timezone.localdate(seminar.starts_at),
        follow_up_on=timezone.localdate(seminar.starts_at) + datetime.timedelta(days=14),
    )
    upcoming = EventFactory(process=process, position=5, kind=WorkshopKind.EXTENDED)
    person = Person.objects.filter(municipality=process.municipality).first()
    RegistrationFactory(event=upcoming, person=person)
    NewsArticleFactory()
    PageFactory()
    assert Recommendation.objects.exists()
    return person


def _user(role, local_process, person):
    if role == "anonymous":
        return None
    if role == "participant":
        user = user_with_role(Role.PARTICIPANT)
        person.user = user
        person.save()
        return user
    if role == "representative":
        organisation = Organisation.objects.filter(municipality=local_process.municipality).first()
        return user_with_role(Role.REPRESENTATIVE, organisation=organisation)
    if role == "facilitator":
        return user_with_role(Role.FACILITATOR, municipality=local_process.municipality)
    if role == "coordinator":
        return user_with_role(Role.COORDINATOR, municipality=local_process.municipality)
    user = user_with_role(Role.PROGRAM_OFFICE)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


ROLES = ["anonymous", "participant", "representative", "facilitator", "coordinator", "office"]


def _report(fuzzer):
    assert not fuzzer.failures, (
        f"{len(fuzzer.failures)} of {fuzzer.requests} requests failed:\n"
        + "\n".join(fuzzer.failures[:200])
    )


@pytest.fixture
def unthrottled(settings):
    """Rate limits off: past them, every request would be answered 429 without being looked at."""
    settings.API_RATE_LIMIT_ANONYMOUS = 0
    settings.API_RATE_LIMIT_TOKEN = 0
    settings.CONTACT_RATE_LIMIT = 10**6
    settings.PASSWORD_RESET_RATE_LIMIT = 10**6


@pytest.mark.parametrize("role", ROLES)
def test_forms_and_filters(role, process, accepted, language_reset, unthrottled):  # noqa: F811
    person = _world(process, accepted)
    user = _user(role, process, person)
    fuzzer = Fuzzer(Client(), role, user)
    fuzzer.login()
    starts = ["/de/", "/de/accounts/login/"]
    if user is not None:
        starts += ["/de/actors/", "/de/programs/", "/de/events/", "/api/tokens/"]
    if role == "office":
        starts.append("/admin/")
    forms = fuzzer.crawl(starts)
    # The crawl got past the login (and whatever else could stop it): it reached the forms of
    # the role's own area.
    targets = {target for target, _method, _names in forms}
    assert targets - {"website:directory", "website:calendar", "accounts:login"}, targets
    if user is not None:
        assert any(not t.startswith(("website:", "accounts:")) for t in targets), targets
    if role == "office":
        assert any(t.startswith("admin:") for t in targets), targets
    for form in forms.values():
        fuzzer.fuzz_form(form)
    _report(fuzzer)


# Participants hold no API tokens (they read what anonymous requests read).
@pytest.mark.parametrize("role", [role for role in ROLES if role != "participant"])
def test_api_parameters(role, process, accepted, language_reset, unthrottled):  # noqa: F811
    person = _world(process, accepted)
    user = _user(role, process, person)
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {api_services.create_token(user, 'Fuzz')[1]}"
    client = Client(headers=headers)
    fuzzer = Fuzzer(client, role)
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        parameters = operation.get("parameters", [])
        in_path = [p["name"] for p in parameters if p["in"] == "path"]
        in_query = [p["name"] for p in parameters if p["in"] == "query"]
        for number in range(len(CHOICE_POOL)):
            address = path
            for index, name in enumerate(in_path):
                value = CHOICE_POOL[(number + index) % len(CHOICE_POOL)]
                if isinstance(value, tuple) and value[0] is RAW:
                    text = value[1]
                else:
                    text = quote(str(value[0] if isinstance(value, tuple) else value), safe="")
                address = address.replace("{" + name + "}", text or "1")
            pools = [CHOICE_POOL, DATETIME_POOL, TEXT_POOL]
            pairs = []
            for index, name in enumerate(in_query):
                pool = pools[(index + number) % len(pools)]
                pairs.extend(_encode(name, pool[(number + _stable(name)) % len(pool)]))
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de" if number % 2 else "en"
            fuzzer.send("get", address, pairs, "&".join(pairs)[:300])
        # Each parameter alone (on a valid address), so that the others do not stop the request
        # at validation before the value is used.
        address = re.sub(r"\{[^}]+\}", "1", path)
        for index, name in enumerate(in_query):
            for pool in (CHOICE_POOL, DATETIME_POOL, TEXT_POOL):
                value = pool[index % 2]
                client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de" if index % 2 else "en"
                fuzzer.send("get", address, _encode(name, value), f"{name}={value!r:.60}")
    _report(fuzzer)
