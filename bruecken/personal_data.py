"""What Brücken holds about a person, and how it is erased: a registry each app adds its own
part to (in its AppConfig.ready), so that "Meine Daten", the export and the erasure find every
kind of personal data without the privacy app importing the apps above it.

    from bruecken import personal_data
    personal_data.register("registrations", collect=collect_registrations,
                           erase=erase_registrations)

`collect(person, user)` returns a `Section` (or None when the app holds nothing about them):
its rows are plain dicts of text, numbers, dates and booleans, ready for JSON and CSV, and its
`columns` name each key for the page. `person` is None for an account without a person record,
`user` None for a person without an account; `section()` builds one from model objects.
`erase(erasure)` removes or anonymises the app's rows about the person inside the caller's
transaction and returns how many rows it changed; it replaces the person by
`erasure.pseudonym` wherever a row must stay for counts (attendance, registrations, audit).
`erasure` (an `Erasure`) holds the person, the account and the texts that identify them."""

import json as stdjson
import re
import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext


@dataclass
class Section:
    kind: str  # stable key, used as the CSV file name in the export: "registrations"
    title: str  # translated, for the page
    rows: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)  # row key -> translated label, in page order
    total: int | None = None  # in a preview: how many rows there are in all


# Inside `preview(limit)`, `section()` reads only the first `limit` rows of a queryset and
# counts the rest: the page shows a long history in part, the export in full.
_preview_limit = ContextVar("personal_data_preview_limit", default=None)


@contextmanager
def preview(limit):
    token = _preview_limit.set(limit)
    try:
        yield
    finally:
        _preview_limit.reset(token)


def _value(obj, name):
    """A model field's value as export data: a choice's label, a related object's text, the
    names of many-to-many objects joined, dates and numbers as they are."""
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        return ", ".join(str(o) for o in getattr(obj, name).all())
    if model_field.choices:
        return str(getattr(obj, f"get_{name}_display")())
    value = getattr(obj, name)
    if model_field.is_relation:
        return "" if value is None else str(value)
    if value is None or isinstance(value, bool | int | float | date):
        return value
    return str(value)


def by_address(field_name, person, user):
    """A condition on `field_name` matching the e-mail address of the person's record or of
    their account, in any case; None when neither has one."""
    found = {getattr(person, "email", ""), getattr(user, "email", "")}
    condition = None
    for address in sorted(a for a in found if a):
        term = Q(**{f"{field_name}__iexact": address})
        condition = term if condition is None else condition | term
    return condition


def section(kind, title, objects, fields, extra=()):
    """A Section from model objects: `fields` are field names of their model, `extra` are
    (key, label, function of the object) for what is not a field."""
    limit, total = _preview_limit.get(), None
    if limit is not None and isinstance(objects, QuerySet):
        total = objects.count()
        objects = objects[:limit]
    objects = list(objects)
    if not objects:
        return None
    meta = objects[0]._meta
    columns = {name: str(meta.get_field(name).verbose_name) for name in fields}
    columns.update({key: str(label) for key, label, _function in extra})
    rows = [
        {name: _value(obj, name) for name in fields}
        | {key: function(obj) for key, _label, function in extra}
        for obj in objects
    ]
    return Section(kind, str(title), rows, columns, total)


# name -> (collect, erase), in the order the apps registered them
PARTS = {}


def register(name, *, collect=None, erase=None):
    PARTS[name] = (collect, erase)


# kind -> (title, function returning the rows' queryset, name of the date field their age is
# measured from): what the privacy ledger counts by age. Registered beside `register`.
HELD = {}


def register_held(kind, title, queryset, date_field):
    HELD[kind] = (title, queryset, date_field)


def collect(person, user=None):
    """Every section about `person` (or, without a person record, about the account `user`)
    that holds something, in registration order."""
    if user is None and person is not None:
        user = person.user
    sections = []
    for collector, _eraser in PARTS.values():
        if collector is None:
            continue
        found = collector(person, user)
        if found is not None and found.rows:
            sections.append(found)
    return sections


def erase(erasure):
    """Run every app's eraser on `erasure` (an `Erasure`); the caller holds the transaction.
    An eraser returns how many rows it changed, or {kind: count} when it changed several
    kinds. Returns the counts per kind (a plain count under the part's name)."""
    counts = {}
    for name, (_collector, eraser) in PARTS.items():
        if eraser is None:
            continue
        found = eraser(erasure) or 0
        for kind, count in (found if isinstance(found, dict) else {name: found}).items():
            counts[kind] = counts.get(kind, 0) + count
    return counts


def new_pseudonym():
    """What stands for an erased person: "Gelöschte Person 7F3A". In the site's language, since
    it is stored once and read by everyone; random, so it reveals neither id nor order."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Deleted person %(code)s") % {"code": secrets.token_hex(2).upper()}


# Shorter names are left alone in free text: replacing "Li" everywhere would mangle words.
SHORTEST_NAME = 3


@dataclass(frozen=True)
class Erasure:
    """Who is being erased, as they were before: each eraser reads the names, addresses and
    numbers to remove from here, since another part may have anonymised the person's or the
    account's row already. `person` or `user` may be None (no record, no account)."""

    person: object
    user: object
    pseudonym: str
    names: tuple = ()
    emails: tuple = ()
    phones: tuple = ()

    @classmethod
    def of(cls, person, user, pseudonym):
        names = {getattr(person, "name", ""), getattr(user, "full_name", "")}
        emails = {getattr(person, "email", ""), getattr(user, "email", "")}
        phones = set()
        phone = getattr(person, "phone", None)
        if phone:
            phones.add(str(phone))
            for attribute in ("as_e164", "as_national", "as_international"):
                phones.add(str(getattr(phone, attribute, "") or ""))
        return cls(
            person=person,
            user=user,
            pseudonym=pseudonym,
            names=tuple(sorted(n.strip() for n in names if len(n.strip()) >= SHORTEST_NAME)),
            emails=tuple(sorted(e.strip().lower() for e in emails if e and e.strip())),
            phones=tuple(sorted(p for p in phones if p)),
        )

    @property
    def needles(self):
        """Every text that identifies the person, longest first."""
        return sorted({*self.names, *self.emails, *self.phones}, key=len, reverse=True)

    def _pattern(self):
        parts = [
            rf"(?<!\w){re.escape(needle)}(?!\w)" if needle in self.names else re.escape(needle)
            for needle in self.needles
        ]
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def scrub(self, value):
        """`value` (text, or lists and dicts of them, as JSON holds) with the person's names,
        addresses and numbers replaced by the pseudonym."""
        pattern = self._pattern()
        if pattern is None:
            return value
        return _scrub(value, pattern, self.pseudonym)

    def mentions(self, value):
        return self.scrub(value) != value

    def found_in(self, *fields, json=()):
        """A condition for rows whose text `fields` or JSON fields `json` hold one of the
        needles (a wide net: `scrub` decides what is replaced). JSON may keep non-ASCII letters
        escaped (SQLite stores json.dumps' \\u00fc), so both spellings are looked for."""
        condition = Q(pk__in=[])
        for needle in self.needles:
            for name in fields:
                condition |= Q(**{f"{name}__icontains": needle})
            for name in json:
                for spelling in {needle, stdjson.dumps(needle)[1:-1]}:
                    condition |= Q(**{f"{name}__icontains": spelling})
        return condition


def _scrub(value, pattern, replacement):
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_scrub(item, pattern, replacement) for item in value]
    if isinstance(value, dict):
        return {
            _scrub(key, pattern, replacement): _scrub(item, pattern, replacement)
            for key, item in value.items()
        }
    return value
