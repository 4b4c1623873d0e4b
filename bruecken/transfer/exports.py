"""Export of the staff organisation and person lists, exactly as filtered and scoped, as CSV
(semicolon; UTF-8 with BOM so that Excel opens it, or Windows-1252) and XLSX. The columns are
the import's, so an exported file can be edited and imported again.

Rows stream in chunks (one query for the rows and one per many-to-many field per chunk, never
one per row). The files are written by bruecken/spreadsheets.py, which escapes cells that a
spreadsheet would take for a formula."""

from django.db.models import BooleanField, Case, Prefetch, Value, When
from django.utils.translation import gettext as _

from bruecken.actors.filters import filter_organisations, filter_people
from bruecken.actors.models import Organisation, Person
from bruecken.places.models import Country, Language
from bruecken.spreadsheets import (  # noqa: F401 (the views')
    ENCODINGS,
    csv_stream,
    date_cell,
    escape,
    xlsx_file,
)

from .importers import ORGANISATION_COLUMNS, PERSON_COLUMNS

CHUNK = 1000


def _phone(number):
    if not number:
        return ""
    try:
        if number.country_code == 49:
            return number.as_national
        return number.as_international
    except Exception:  # an invalid stored number: as stored
        return str(number)


def _yes_no(value):
    return _("yes") if value else _("no")


def _codes(objects):
    return ", ".join(obj.code for obj in objects)


def _private(queryset, condition):
    """Annotate whether the user may see each row's non-public data (the scopes' own filter)."""
    if not condition:  # Q(): everything (the program office)
        return queryset.annotate(private_access=Value(True, output_field=BooleanField()))
    return queryset.annotate(
        private_access=Case(
            When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


# The import's columns, in their order: an exported file imports back unchanged.
ORGANISATION_KEYS = list(ORGANISATION_COLUMNS)


def organisation_rows(user, data):
    """The header and the rows of the filtered organisation list the user sees."""
    queryset = _private(
        filter_organisations(Organisation.objects.visible_to(user), data),
        Organisation.visibility_q(user, private=True),
    )
    queryset = queryset.select_related("municipality").prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("code")),
        "topics",
        "engagement_forms",
        Prefetch("languages", queryset=Language.objects.order_by("code")),
    )
    yield [str(ORGANISATION_COLUMNS[key].label) for key in ORGANISATION_KEYS]
    for organisation in queryset.iterator(chunk_size=CHUNK):
        private = organisation.private_access
        contact = private or organisation.is_public
        yield [
            organisation.pk,
            organisation.name,
            organisation.get_kind_display(),
            organisation.municipality.name,
            organisation.municipality.ags,
            _codes(organisation.countries.all()),
            _codes(organisation.topics.all()),
            _codes(organisation.engagement_forms.all()),
            _codes(organisation.languages.all()),
            organisation.competences,
            organisation.description,
            organisation.website,
            organisation.email if contact else "",
            _phone(organisation.phone) if contact else "",
            organisation.address if contact else "",
            organisation.founded or "",
            date_cell(organisation.consent_given_at) if private else "",
            organisation.consent_given_by if private else "",
        ]


PERSON_KEYS = list(PERSON_COLUMNS)


def person_rows(user, data):
    """The header and rows of the filtered person list. For people the user may see only
    because they are published, just name and municipality: the rest (countries among it)
    is personal data the user has no need of."""
    queryset = _private(
        filter_people(Person.objects.visible_to(user), data, user),
        Person.visibility_q(user, private=True),
    )
    queryset = queryset.select_related("municipality").prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("code")),
        Prefetch("languages", queryset=Language.objects.order_by("code")),
    )
    yield [str(PERSON_COLUMNS[key].label) for key in PERSON_KEYS]
    for person in queryset.iterator(chunk_size=CHUNK):
        municipality = person.municipality
        row = [
            person.name,
            "",
            "",
            municipality.name if municipality else "",
            municipality.ags if municipality else "",
        ]
        if person.private_access:
            row[1] = person.email
            row[2] = _phone(person.phone)
            row += [
                person.language,
                _codes(person.languages.all()),
                _codes(person.countries.all()),
                person.competences,
                _yes_no(person.is_decision_maker),
                _yes_no(person.is_multiplier),
                date_cell(person.consent_given_at),
                person.consent_given_by,
            ]
        else:
            row += [""] * 8
        yield row
