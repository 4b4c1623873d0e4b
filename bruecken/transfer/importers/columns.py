"""The columns each kind of import understands, the header names (German and English) that
map to them, and the mapping suggested for a file's header row. An export writes the same
columns, so that an exported file imports back."""

import functools
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy

from bruecken.translation import collation_key


@functools.lru_cache(maxsize=100_000)
def normalise(header):
    """ "E-Mail-Adresse", "e-mail address " and "EMAIL" → comparable keys."""
    folded = (header or "").casefold()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        folded = folded.replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "", collation_key(folded))


@dataclass
class Column:
    key: str
    label: object
    synonyms: tuple = ()
    required: bool = False  # for new entries

    def names(self):
        names = {self.key, *self.synonyms}
        for language in ("de", "en"):
            with translation.override(language):
                names.add(str(self.label))
        return {normalise(name) for name in names}


def column_map(*columns):
    """{key: column}, in the order given (the order of an export's columns)."""
    return {column.key: column for column in columns}


def suggest_mapping(headers, columns):
    """{column index (as text): field key} for the headers we recognise; each field once."""
    lookup = {}
    for column in columns.values():
        for name in column.names():
            lookup.setdefault(name, column.key)
    mapping, used = {}, set()
    for index, header in enumerate(headers):
        key = lookup.get(normalise(header))
        if key and key not in used:
            mapping[str(index)] = key
            used.add(key)
    return mapping


# Headers several kinds understand.
ORGANISATION_NAME = ("organisation", "organisationsname", "organization", "name der organisation")
MUNICIPALITY = ("kommune", "gemeinde", "stadt", "city", "ort", "kreis", "landkreis", "stadt kreis")
AGS = ("ags", "gemeindeschluessel", "amtlicher gemeindeschluessel", "official key", "ags key")
EMAIL = ("email", "e-mail", "mail", "e-mail-adresse", "emailadresse", "e-mail address")
PHONE = ("telefon", "tel", "telefonnummer", "phone", "telephone", "phone number", "fon")
LANGUAGES = ("sprachen", "sprache", "languages")
COUNTRIES = ("laender", "land", "countries", "country", "laender des engagements")
CONSENT_AT = ("einwilligung am", "consent given on", "einwilligung", "consent")
CONSENT_BY = ("einwilligung von", "consent given by", "einwilligung durch")


def consent_columns():
    return (
        Column("consent_given_at", gettext_lazy("consent to publish given on"), CONSENT_AT),
        Column("consent_given_by", gettext_lazy("consent given by"), CONSENT_BY),
    )


def period_columns():
    return (
        Column("started_on", gettext_lazy("From"), ("von", "seit", "beginn", "start", "since")),
        Column("ended_on", gettext_lazy("Until"), ("bis", "ende", "end")),
    )


# The kinds, in the order of their columns in a file (and in an export).


ORGANISATION_COLUMNS = column_map(
    Column("id", gettext_lazy("ID"), ("id", "nr id", "bruecken id")),
    Column("name", gettext_lazy("Name"), ("name", *ORGANISATION_NAME, "verein"), required=True),
    Column(
        "kind",
        gettext_lazy("Kind"),
        ("art", "kind", "typ", "type", "organisationsart", "kategorie", "category"),
        required=True,
    ),
    Column("municipality", gettext_lazy("Municipality"), MUNICIPALITY, required=True),
    Column("ags", gettext_lazy("AGS"), AGS),
    Column("countries", gettext_lazy("Countries of engagement"), COUNTRIES),
    Column("topics", gettext_lazy("Topics"), ("themen", "thema", "topics", "topic", "sdg", "sdgs")),
    Column(
        "engagement_forms",
        gettext_lazy("Forms of engagement"),
        ("engagementformen", "engagementform", "formen des engagements", "engagement"),
    ),
    Column("languages", gettext_lazy("Languages"), LANGUAGES),
    Column("competences", gettext_lazy("Competences"), ("kompetenzen", "skills", "angebot")),
    Column("description", gettext_lazy("Description"), ("beschreibung", "kurzbeschreibung")),
    Column("website", gettext_lazy("Website"), ("webseite", "homepage", "internet", "url", "web")),
    Column("email", gettext_lazy("E-mail"), EMAIL),
    Column("phone", gettext_lazy("Phone"), PHONE),
    Column("address", gettext_lazy("Address"), ("adresse", "anschrift", "postanschrift")),
    Column("founded", gettext_lazy("Founded"), ("gegruendet", "gruendungsjahr", "founding year")),
    *consent_columns(),
)

PERSON_COLUMNS = column_map(
    Column("name", gettext_lazy("Name"), ("name", "vollstaendiger name", "full name"), True),
    Column("email", gettext_lazy("E-mail"), EMAIL),
    Column("phone", gettext_lazy("Phone"), PHONE),
    Column("municipality", gettext_lazy("Municipality"), MUNICIPALITY),
    Column("ags", gettext_lazy("AGS"), AGS),
    Column("language", gettext_lazy("Language for e-mails"), ("korrespondenzsprache",)),
    Column("languages", gettext_lazy("Languages"), LANGUAGES),
    Column("countries", gettext_lazy("Countries"), COUNTRIES),
    Column("competences", gettext_lazy("Competences"), ("kompetenzen", "skills")),
    Column(
        "is_decision_maker",
        gettext_lazy("Decision maker"),
        ("entscheidungstraeger", "verantwortungstraeger", "decision maker"),
    ),
    Column("is_multiplier", gettext_lazy("Multiplier"), ("multiplikator", "multiplikatorin")),
    *consent_columns(),
)

MEMBERSHIP_COLUMNS = column_map(
    Column("person_email", gettext_lazy("E-mail of the person"), EMAIL, required=True),
    Column("organisation", gettext_lazy("Organisation"), ORGANISATION_NAME, required=True),
    Column("municipality", gettext_lazy("Municipality"), MUNICIPALITY, required=True),
    Column("ags", gettext_lazy("AGS"), AGS),
    Column("role", gettext_lazy("Role"), ("rolle", "funktion", "position", "role")),
    Column("is_contact", gettext_lazy("Contact person"), ("ansprechperson", "kontaktperson")),
    *period_columns(),
)

TIE_COLUMNS = column_map(
    Column("source", gettext_lazy("Organisation"), ORGANISATION_NAME, required=True),
    Column("source_municipality", gettext_lazy("Municipality"), MUNICIPALITY, required=True),
    Column(
        "target",
        gettext_lazy("With organisation"),
        ("mit organisation", "partnerorganisation", "partner organisation", "ziel", "target"),
        required=True,
    ),
    Column(
        "target_municipality",
        gettext_lazy("Municipality of the other organisation"),
        ("kommune der partnerorganisation", "kommune partner", "target municipality"),
        required=True,
    ),
    Column("kind", gettext_lazy("Kind"), ("art", "typ", "type", "art der beziehung"), True),
    *period_columns(),
    Column("note", gettext_lazy("Note"), ("notiz", "bemerkung", "anmerkung", "kommentar")),
)

PARTNERSHIP_COLUMNS = column_map(
    Column("municipality", gettext_lazy("Municipality"), MUNICIPALITY, required=True),
    Column("ags", gettext_lazy("AGS"), AGS),
    Column(
        "partner_name",
        gettext_lazy("Partner"),
        ("partner", "partnerstadt", "partnerkommune", "partner city", "partnerort"),
        required=True,
    ),
    Column("country", gettext_lazy("Country"), ("land", "staat", "country"), required=True),
    Column("kind", gettext_lazy("Kind"), ("art", "typ", "type", "art der partnerschaft"), True),
    Column("since", gettext_lazy("Since (year)"), ("seit", "since", "jahr", "year")),
    Column("status", gettext_lazy("Status"), ("status", "zustand")),
    Column("note", gettext_lazy("Note"), ("notiz", "bemerkung", "anmerkung")),
    Column("source", gettext_lazy("Source"), ("quelle", "source", "link")),
)
