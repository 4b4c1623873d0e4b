"""What each kind of import understands, how a row is checked, and how a checked file is written.

`check()` reads every row and returns a plan (what each row will do) and the problems, each
naming row, column, value and reason; it writes nothing. `write()` carries a plan out and is
called inside one transaction by `services.commit_import`: organisations go in with bulk
operations (50,000 rows in seconds), people, memberships and ties through the actors app's
service functions, so that their rules and audit entries apply unchanged."""

import functools
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumber_field.phonenumber import to_python as to_phone

from bruecken.accounts import roles
from bruecken.accounts.models import AuditEntry, AuditSubject
from bruecken.actors import services as actor_services
from bruecken.actors.models import (
    EngagementForm,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    Tie,
    TieKind,
    Topic,
    name_key,
)
from bruecken.places.models import Country, Language, Municipality, Partnership, PartnershipKind
from bruecken.translation import collation_key

from . import parsing

MAX_VALUE_SHOWN = 100
BATCH = 2000


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


def _cols(*columns):
    return {column.key: column for column in columns}


ORGANISATION_NAME = ("organisation", "organisationsname", "organization", "name der organisation")
MUNICIPALITY = ("kommune", "gemeinde", "stadt", "city", "ort", "kreis", "landkreis", "stadt kreis")
AGS = ("ags", "gemeindeschluessel", "amtlicher gemeindeschluessel", "official key", "ags key")
EMAIL = ("email", "e-mail", "mail", "e-mail-adresse", "emailadresse", "e-mail address")
PHONE = ("telefon", "tel", "telefonnummer", "phone", "telephone", "phone number", "fon")
LANGUAGES = ("sprachen", "sprache", "languages")
COUNTRIES = ("laender", "land", "countries", "country", "laender des engagements")
CONSENT_AT = ("einwilligung am", "consent given on", "einwilligung", "consent")
CONSENT_BY = ("einwilligung von", "consent given by", "einwilligung durch")


def _consent_columns():
    return (
        Column("consent_given_at", gettext_lazy("consent to publish given on"), CONSENT_AT),
        Column("consent_given_by", gettext_lazy("consent given by"), CONSENT_BY),
    )


ORGANISATION_COLUMNS = _cols(
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
    *_consent_columns(),
)

PERSON_COLUMNS = _cols(
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
    *_consent_columns(),
)

MEMBERSHIP_COLUMNS = _cols(
    Column("person_email", gettext_lazy("E-mail of the person"), EMAIL, required=True),
    Column("organisation", gettext_lazy("Organisation"), ORGANISATION_NAME, required=True),
    Column("municipality", gettext_lazy("Municipality"), MUNICIPALITY, required=True),
    Column("ags", gettext_lazy("AGS"), AGS),
    Column("role", gettext_lazy("Role"), ("rolle", "funktion", "position", "role")),
    Column("is_contact", gettext_lazy("Contact person"), ("ansprechperson", "kontaktperson")),
    Column("started_on", gettext_lazy("From"), ("von", "seit", "beginn", "start", "since")),
    Column("ended_on", gettext_lazy("Until"), ("bis", "ende", "end")),
)

TIE_COLUMNS = _cols(
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
    Column("started_on", gettext_lazy("From"), ("von", "seit", "beginn", "start", "since")),
    Column("ended_on", gettext_lazy("Until"), ("bis", "ende", "end")),
    Column("note", gettext_lazy("Note"), ("notiz", "bemerkung", "anmerkung", "kommentar")),
)

PARTNERSHIP_COLUMNS = _cols(
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
    Column("note", gettext_lazy("Note"), ("notiz", "bemerkung", "anmerkung")),
    Column("source", gettext_lazy("Source"), ("quelle", "source", "link")),
)


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


# Reference data looked up by code or by name in either language


class Lookup:
    def __init__(self, objects, *attributes):
        self.by_key = {}
        for obj in objects:
            for attribute in attributes:
                value = getattr(obj, attribute, "")
                if value:
                    self.by_key.setdefault(normalise(str(value)), obj)

    def get(self, value):
        return self.by_key.get(normalise(value))


def choice_lookup(choices, extra=None):
    keys = {}
    for value, label in choices:
        keys[normalise(value)] = value
        for language in ("de", "en"):
            with translation.override(language):
                keys.setdefault(normalise(str(label)), value)
    for alias, value in (extra or {}).items():
        keys.setdefault(normalise(alias), value)
    return keys


ORGANISATION_KIND_ALIASES = {
    "mso": "migrant_organisation",
    "migrantenorganisation": "migrant_organisation",
    "migrantenselbstorganisation": "migrant_organisation",
    "verwaltung": "administration",
    "kommunalverwaltung": "administration",
    "nro": "ngo",
    "ngo": "ngo",
    "schule": "education",
    "bildungseinrichtung": "education",
    "glaubensgemeinschaft": "faith_community",
    "religionsgemeinschaft": "faith_community",
    "stiftung": "foundation",
    "unternehmen": "business",
    "netzwerk": "network",
    "sonstige": "other",
    "sonstiges": "other",
}


@dataclass
class Plan:
    row: int
    action: str  # create, update, skip, unchanged
    values: dict
    existing: object = None
    label: str = ""
    changes: dict = field(default_factory=dict)


class RowError(Exception):
    pass


class Row:
    """One row's cells by field key, collecting its problems."""

    def __init__(self, importer, number, cells):
        self.importer = importer
        self.number = number
        self.cells = cells
        self.problems = []

    def raw(self, key):
        index = self.importer.index_of.get(key)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def has(self, key):
        return key in self.importer.index_of

    def text(self, key):
        return parsing.text(self.raw(key))

    def error(self, key, reason, value=None):
        if value is None:
            value = self.raw(key)
        self.problems.append(
            {
                "row": self.number,
                "column": self.importer.column_name(key),
                "value": parsing.text(value)[:MAX_VALUE_SHOWN],
                "reason": str(reason),
            }
        )

    def convert(self, key, converter):
        try:
            return converter(self.raw(key))
        except ValueError as error:
            self.error(key, error)
            return None


def file_problem(message):
    return {"row": 0, "column": "", "value": "", "reason": str(message)}


class Importer:
    kind = ""
    columns = {}
    model = None

    def __init__(self, user, headers, mapping, on_duplicate="skip"):
        self.user = user
        self.headers = headers
        self.on_duplicate = on_duplicate
        self.index_of = {}
        for index, key in (mapping or {}).items():
            if key in self.columns and key not in self.index_of:
                try:
                    self.index_of[key] = int(index)
                except (TypeError, ValueError):
                    continue
        self.office = roles.is_program_office(user)
        self.coordinated = roles.coordinated_municipality_ids(user)
        self.municipality_fallback = None

    def column_name(self, key):
        index = self.index_of.get(key)
        if index is not None and index < len(self.headers):
            return self.headers[index]
        column = self.columns.get(key)
        return str(column.label) if column else (key or "")

    def mapping_problems(self):
        problems = []
        for key in self.required_columns():
            if key not in self.index_of:
                problems.append(
                    file_problem(
                        _("No column is assigned to “%(field)s”, which every row needs.")
                        % {"field": self.columns[key].label}
                    )
                )
        return problems

    def required_columns(self):
        return [key for key, column in self.columns.items() if column.required]

    # Shared conversions

    def load_reference(self):
        self.municipalities = Lookup(Municipality.objects.all(), "ags")
        self.municipality_names = {}
        for municipality in Municipality.objects.all():
            self.municipality_names.setdefault(normalise(municipality.name), []).append(
                municipality
            )
        self.countries = Lookup(Country.objects.all(), "code", "name_de", "name_en")
        self.languages = Lookup(Language.objects.all(), "code", "name_de", "name_en")

    def municipality(self, row, key="municipality", ags_key="ags", required=True):
        ags = row.text(ags_key) if ags_key else ""
        name = row.text(key)
        if ags:
            municipality = self.municipalities.get(ags)
            if municipality is None:
                row.error(ags_key, _("no municipality has this official key (AGS)"))
            return municipality
        if not name:
            if required:
                row.error(key, _("a municipality is needed (name or AGS)"))
            return None
        if name.isdigit():
            municipality = self.municipalities.get(name)
            if municipality is None:
                row.error(key, _("no municipality has this official key (AGS)"))
            return municipality
        found = self.municipality_names.get(normalise(name), [])
        if len(found) == 1:
            return found[0]
        if found:
            row.error(key, _("several municipalities have this name; give the AGS"))
        else:
            row.error(key, _("unknown municipality; check the spelling or give the AGS"))
        return None

    def may_manage(self, municipality):
        return self.office or (municipality is not None and municipality.pk in self.coordinated)

    def out_of_scope(self, row, key, municipality):
        row.error(
            key,
            _("you may not import entries for %(municipality)s") % {"municipality": municipality},
            value=municipality.name,
        )

    def many(self, row, key, lookup, what):
        found = []
        for part in parsing.split_list(row.raw(key)):
            obj = lookup(part)
            if obj is None:
                row.error(key, _("unknown %(what)s: %(value)s") % {"what": what, "value": part})
            elif obj not in found:
                found.append(obj)
        return found

    def choice(self, row, key, keys, required):
        value = row.text(key)
        if not value:
            if required:
                row.error(key, _("this value is required"))
            return None
        choice = keys.get(normalise(value))
        if choice is None:
            row.error(key, _("not one of the known kinds"))
        return choice

    def length(self, row, key, value, limit):
        if value and len(value) > limit:
            row.error(key, _("longer than %(limit)s characters") % {"limit": limit})
            return value[:limit]
        return value

    def email(self, row, key):
        value = row.text(key).lower()
        if value:
            try:
                EmailValidator()(value)
            except ValidationError:
                row.error(key, _("not a valid e-mail address"))
        return value

    def phone(self, row, key):
        value = row.text(key)
        if not value:
            return ""
        number = to_phone(value, region="DE")
        if number is None or not number.is_valid():
            row.error(key, _("not a valid phone number"))
            return ""
        return number

    def consent(self, row, values):
        if not (row.has("consent_given_at") or row.has("consent_given_by")):
            return
        given_at = row.convert("consent_given_at", parsing.parse_date)
        given_by = row.text("consent_given_by")[:200]
        if given_at and given_at > timezone.localdate():
            row.error("consent_given_at", _("consent cannot be dated in the future"))
        elif given_at and not given_by:
            row.error("consent_given_by", _("say who gave the consent"))
        elif given_at:
            values["consent_given_at"] = timezone.make_aware(
                timezone.datetime.combine(given_at, timezone.datetime.min.time().replace(hour=12))
            )
            values["consent_given_by"] = given_by

    # The run

    def check(self, rows, progress=None):
        """rows: (number, cells). Returns (plans, problems)."""
        problems = self.mapping_problems()
        if problems:
            return [], problems
        self.load_reference()
        self.prepare()
        parsed = []
        for position, (number, cells) in enumerate(rows, start=1):
            row = Row(self, number, cells)
            if any(parsing.text(row.raw(key)) for key in self.index_of):
                try:
                    values = self.parse_row(row)
                except Exception as error:  # a bug must not hide the other rows' findings
                    row.error(None, _("could not be read (%(error)s)") % {"error": error}, "")
                    values = None
                if row.problems:
                    problems.extend(row.problems)
                elif values is not None:
                    parsed.append((row, values))
            if progress and position % 1000 == 0:
                progress(position)
        plans = self.plan(parsed, problems)
        problems.sort(key=lambda problem: problem["row"])
        return plans, problems

    def prepare(self):
        """Load what the rows are matched against."""

    def parse_row(self, row):
        raise NotImplementedError

    def plan(self, parsed, problems):
        raise NotImplementedError

    def duplicate_action(self, existing_changes):
        if not existing_changes:
            return "unchanged"
        return "update" if self.on_duplicate == "update" else "skip"

    def write(self, plans, run):
        raise NotImplementedError


def _display_many(objects):
    return sorted(str(obj) for obj in objects)


class OrganisationImporter(Importer):
    kind = "organisations"
    columns = ORGANISATION_COLUMNS
    model = Organisation
    scalar_fields = [
        "name",
        "kind",
        "municipality",
        "competences",
        "description",
        "website",
        "email",
        "phone",
        "address",
        "founded",
    ]
    m2m_fields = ["countries", "topics", "engagement_forms", "languages"]

    def prepare(self):
        self.kinds = choice_lookup(OrganisationKind.choices, ORGANISATION_KIND_ALIASES)
        self.topics = Lookup(Topic.objects.all(), "code", "name_de", "name_en")
        for topic in Topic.objects.filter(group=Topic.Group.SDG):
            self.topics.by_key.setdefault(normalise(topic.code.replace("-", " ")), topic)
        self.forms = Lookup(EngagementForm.objects.all(), "code", "name_de", "name_en")
        self.url_validator = URLValidator()

    def parse_row(self, row):
        values = {}
        if row.has("id") and row.text("id"):
            try:
                values["id"] = parsing.parse_integer(row.raw("id"))
            except ValueError as error:
                row.error("id", error)
        name = " ".join(row.text("name").split())
        if not name:
            row.error("name", _("the name is missing"))
        values["name"] = self.length(row, "name", name, 200)
        values["municipality"] = self.municipality(row)
        kind = self.choice(row, "kind", self.kinds, required=False)
        if kind:
            values["kind"] = kind
        elif row.has("kind") and not row.text("kind"):
            values["kind"] = None  # needed for new organisations; checked in plan()
        if row.has("countries"):
            values["countries"] = self.many(row, "countries", self.countries.get, _("country"))
        if row.has("topics"):
            values["topics"] = self.many(row, "topics", self.topics.get, _("topic"))
        if row.has("engagement_forms"):
            values["engagement_forms"] = self.many(
                row, "engagement_forms", self.forms.get, _("form of engagement")
            )
        if row.has("languages"):
            values["languages"] = self.many(row, "languages", self.languages.get, _("language"))
        for key in ("competences", "description", "address"):
            if row.has(key):
                values[key] = row.text(key)
        if row.has("website"):
            website = row.text("website")
            if website and "://" not in website:
                website = f"https://{website}"
            if website:
                try:
                    self.url_validator(website)
                except ValidationError:
                    row.error("website", _("not a valid web address"))
            values["website"] = self.length(row, "website", website, 300)
        if row.has("email"):
            values["email"] = self.email(row, "email")
        if row.has("phone"):
            values["phone"] = self.phone(row, "phone")
        if row.has("founded"):
            founded = row.convert("founded", parsing.parse_integer)
            if founded is not None and not 1800 <= founded <= 2100:
                row.error("founded", _("a year between 1800 and 2100"))
            values["founded"] = founded
        self.consent(row, values)
        return values

    def plan(self, parsed, problems):
        ids = [values["id"] for _row, values in parsed if values.get("id")]
        keys = {
            (values["municipality"].pk, name_key(values["name"]))
            for _row, values in parsed
            if values["municipality"]
        }
        existing_by_id = {}
        for start in range(0, len(ids), BATCH):
            existing_by_id.update(
                Organisation.objects.select_related("municipality").in_bulk(
                    ids[start : start + BATCH]
                )
            )
        municipality_ids = {key[0] for key in keys}
        existing_by_key = {}
        if municipality_ids:
            for organisation in Organisation.objects.filter(
                municipality_id__in=municipality_ids
            ).select_related("municipality"):
                existing_by_key[(organisation.municipality_id, organisation.name_key)] = (
                    organisation
                )
        matched = []
        seen = {}
        plans = []
        for row, values in parsed:
            municipality = values["municipality"]
            key = (municipality.pk, name_key(values["name"]))
            if key in seen:
                row.error(
                    "name",
                    _("appears twice in the file (also in row %(row)s)") % {"row": seen[key]},
                    values["name"],
                )
                problems.extend(row.problems)
                continue
            seen[key] = row.number
            existing = None
            if values.get("id"):
                existing = existing_by_id.get(values["id"])
                if existing is None:
                    row.error("id", _("no organisation has this ID"))
                    problems.extend(row.problems)
                    continue
                other = existing_by_key.get(key)
                if other is not None and other.pk != existing.pk:
                    row.error(
                        "name",
                        _("another organisation of that name exists in %(municipality)s")
                        % {"municipality": municipality},
                        values["name"],
                    )
            else:
                existing = existing_by_key.get(key)
            if existing is None:
                if not self.may_manage(municipality):
                    self.out_of_scope(row, "municipality", municipality)
                if not values.get("kind"):
                    row.error("kind", _("the kind is needed for a new organisation"))
            if row.problems:
                problems.extend(row.problems)
                continue
            plan = Plan(row.number, "create", values, existing, values["name"])
            if existing is not None:
                matched.append((row, plan))
            plans.append(plan)
        self._compare(matched, problems)
        return [plan for plan in plans if plan.action != "invalid"]

    def _compare(self, matched, problems):
        """Decide update, skip or unchanged for rows that match existing organisations."""
        m2m = [name for name in self.m2m_fields if name in self.index_of]
        ids = [plan.existing.pk for _row, plan in matched]
        current = {name: {} for name in m2m}
        for name in m2m:
            through = Organisation._meta.get_field(name).remote_field.through
            target = Organisation._meta.get_field(name).related_model._meta.model_name
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                for organisation_id, target_id in through.objects.filter(
                    organisation_id__in=chunk
                ).values_list("organisation_id", f"{target}_id"):
                    current[name].setdefault(organisation_id, set()).add(target_id)
        for row, plan in matched:
            existing, values = plan.existing, plan.values
            changes = {}
            for name in self.scalar_fields:
                if name not in values or (name == "kind" and not values[name]):
                    continue
                old = getattr(existing, name)
                new = values[name]
                if name == "phone":
                    old = old.as_e164 if old else ""
                    new = new.as_e164 if new else ""
                if (old or None) != (new or None):
                    changes[name] = [
                        _audit_value(existing, name, old),
                        _audit_value(None, name, new),
                    ]
            for name in m2m:
                old_ids = current[name].get(existing.pk, set())
                new_ids = {obj.pk for obj in values[name]}
                if old_ids != new_ids:
                    changes[name] = [None, _display_many(values[name])]
            if values.get("consent_given_at") and not existing.is_public:
                changes["consent_given_at"] = ["", str(values["consent_given_at"])]
            plan.changes = changes
            plan.action = self.duplicate_action(changes)
            if plan.action == "update":
                may_change = self.may_manage(existing.municipality) or (
                    existing.pk in roles.represented_organisation_ids(self.user)
                )
                if not may_change:
                    self.out_of_scope(row, "municipality", existing.municipality)
                elif values["municipality"].pk != existing.municipality_id and not (
                    self.may_manage(values["municipality"])
                ):
                    self.out_of_scope(row, "municipality", values["municipality"])
                if row.problems:
                    problems.extend(row.problems)
                    plan.action = "invalid"

    def write(self, plans, run, progress=None):
        now = timezone.now()
        creates = [plan for plan in plans if plan.action == "create"]
        updates = [plan for plan in plans if plan.action == "update"]
        m2m = [name for name in self.m2m_fields if name in self.index_of]
        rows = [self._new_row(plan.values, now) for plan in creates]
        raw_insert(Organisation, rows)
        # The new ids, by the unique (municipality, name key).
        ids = {}
        municipality_ids = sorted({row["municipality_id"] for row in rows})
        for start in range(0, len(municipality_ids), 500):
            for pk, municipality_id, key in Organisation.objects.filter(
                municipality_id__in=municipality_ids[start : start + 500]
            ).values_list("pk", "municipality_id", "name_key"):
                ids[(municipality_id, key)] = pk
        created_ids = [ids[(row["municipality_id"], row["name_key"])] for row in rows]
        updated_objects = []
        update_fields = {"updated_at", "name_key", "search_text"}
        for plan in updates:
            organisation = plan.existing
            for name in self.scalar_fields:
                if name in plan.values and not (name == "kind" and not plan.values[name]):
                    setattr(organisation, name, plan.values[name])
                    update_fields.add(name)
            if plan.values.get("consent_given_at") and not organisation.is_public:
                organisation.consent_given_at = plan.values["consent_given_at"]
                organisation.consent_given_by = plan.values["consent_given_by"]
                organisation.consent_recorded_by = self.user
                update_fields.update(
                    {"consent_given_at", "consent_given_by", "consent_recorded_by"}
                )
            _prepare_organisation(organisation)
            organisation.updated_at = now
            updated_objects.append(organisation)
        if updated_objects:
            Organisation.objects.bulk_update(updated_objects, sorted(update_fields), batch_size=500)
        updated_ids = [organisation.pk for organisation in updated_objects]
        for name in m2m:
            through = Organisation._meta.get_field(name).remote_field.through
            target = Organisation._meta.get_field(name).related_model._meta.model_name
            for start in range(0, len(updated_ids), BATCH):
                through.objects.filter(
                    organisation_id__in=updated_ids[start : start + BATCH]
                ).delete()
            links = [
                (pk, obj.pk)
                for pk, plan in zip(created_ids + updated_ids, creates + updates, strict=True)
                for obj in plan.values[name]
            ]
            insert_pairs(through, "organisation_id", f"{target}_id", links)
        names = _display_names()
        entries = []
        for pk, row, plan in zip(created_ids, rows, creates, strict=True):
            changes = {
                name: [None, _audit_value(None, name, row.get(name))] for name in CREATE_AUDIT
            }
            changes["municipality"] = [None, plan.values["municipality"].name]
            for name in m2m:
                changes[name] = [None, sorted(names(obj) for obj in plan.values[name])]
            entries.append(
                (AuditEntry.Action.CREATE, "actors.organisation", pk, row["name"], changes)
            )
        for organisation, plan in zip(updated_objects, updates, strict=True):
            entries.append(
                (
                    AuditEntry.Action.UPDATE,
                    "actors.organisation",
                    organisation.pk,
                    organisation.name,
                    plan.changes,
                )
            )
        record_many(self.user, entries, run)
        return {"created": len(creates), "updated": len(updates)}

    def _new_row(self, values, now):
        name = " ".join(values["name"].split())
        row = {
            "name": name,
            "name_key": name_key(name),
            "kind": values["kind"],
            "municipality_id": values["municipality"].pk,
            "created_at": now,
            "updated_at": now,
        }
        for key in ("competences", "description", "website", "email", "address", "founded"):
            if values.get(key) is not None:
                row[key] = values[key]
        if values.get("phone"):
            row["phone"] = values["phone"].as_e164
        if values.get("consent_given_at"):
            row["consent_given_at"] = values["consent_given_at"]
            row["consent_given_by"] = values["consent_given_by"]
            row["consent_recorded_by_id"] = self.user.pk
        row["search_text"] = "\n".join(
            (part or "").casefold()
            for part in (name, row.get("competences"), row.get("description"), row.get("email"))
        )
        return row


CREATE_AUDIT = [
    "name",
    "kind",
    "competences",
    "description",
    "website",
    "email",
    "phone",
    "address",
    "founded",
]


def _display_names():
    """str() of reference data (its name in the active language), worked out once per object."""
    cache = {}

    def name(obj):
        key = (type(obj), obj.pk)
        if key not in cache:
            cache[key] = str(obj)
        return cache[key]

    return name


SLOW_FIELDS = (models.DateTimeField, models.DateField, models.JSONField, models.DecimalField)


def raw_insert(model, rows):
    """Insert rows given as {attname: value}: no model instance and no
    per-value preparation for plain values (text, numbers, ids), defaults for the rest."""
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


def insert_rows(table, columns, params):
    """INSERT many rows: SQLite runs one prepared statement many times in-process;
    PostgreSQL takes them by COPY; other databases get statements of many rows each."""
    if not params:
        return
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 - names from the model
        quote(table), ", ".join(quote(column) for column in columns)
    )
    one = "({})".format(", ".join(["%s"] * len(columns)))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for start in range(0, len(params), 5000):
                cursor.executemany(head + one, params[start : start + 5000])
            return
        if connection.vendor == "postgresql":
            # COPY: the fastest way into PostgreSQL, a stream instead of statements.
            copy_sql = "COPY {} ({}) FROM STDIN".format(
                quote(table), ", ".join(quote(column) for column in columns)
            )
            with cursor.cursor.copy(copy_sql) as copy:
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


def _only(values, fields):
    return {name: values[name] for name in fields if name in values and values[name] is not None}


def _prepare_organisation(organisation):
    """What Organisation.save() computes, for the bulk operations that bypass it."""
    organisation.name = " ".join(organisation.name.split())
    organisation.name_key = name_key(organisation.name)
    organisation.search_text = "\n".join(
        part.casefold()
        for part in (
            organisation.name,
            organisation.competences,
            organisation.description,
            organisation.email,
        )
    )


def _audit_value(obj, name, value):
    if value is None or value == "":
        return ""
    if name == "kind":
        return str(OrganisationKind(value).label) if value in OrganisationKind.values else value
    return str(value)


def record_many(user, entries, run):
    """Audit entries for many objects at once (the rows `accounts.audit.record` writes), each
    also filed under the import run, so that the run's history lists what it changed.
    entries: (action, object type, object id, text, changes)."""
    if not entries:
        return
    at = timezone.now()
    raw_insert(
        AuditEntry,
        [
            {
                "at": at,
                "user_id": user.pk if user else None,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "object_repr": str(text)[:300],
                "changes": changes,
            }
            for action, object_type, object_id, text, changes in entries
        ],
    )
    types = sorted({entry[1] for entry in entries})
    run_key = f"{run._meta.label_lower}:{run.pk}"
    subjects = []
    for pk, object_type, object_id in AuditEntry.objects.filter(
        at=at, object_type__in=types
    ).values_list("pk", "object_type", "object_id"):
        subjects.append((pk, f"{object_type}:{object_id}"))
        subjects.append((pk, run_key))
    insert_pairs(AuditSubject, "entry_id", "key", subjects)


def insert_pairs(model, first, second, rows):
    """Many two-column rows without a model instance per row (a many-to-many table, audit
    subjects), which is what makes 50,000 organisations take seconds."""
    if not rows:
        return
    insert_rows(model._meta.db_table, [first, second], rows)


def _entry(action, obj, changes):
    return (action, obj._meta.label_lower, obj.pk, str(obj), changes)


class ServiceImporter(Importer):
    """Rows written one by one through the actors app's services (rules and audit included)."""

    def write(self, plans, run, progress=None):
        created = updated = 0
        errors = []
        for position, plan in enumerate(plans, start=1):
            if plan.action not in ("create", "update"):
                continue
            try:
                self.write_row(plan)
            except ValidationError as error:
                errors.append(_problem(plan.row, error))
            except PermissionDenied:
                errors.append(
                    {"row": plan.row, "column": "", "value": plan.label, "reason": _("not allowed")}
                )
            else:
                if plan.action == "create":
                    created += 1
                else:
                    updated += 1
            if progress and position % 200 == 0:
                progress()
        if errors:
            raise ImportRefused(errors)
        return {"created": created, "updated": updated}


class ImportRefused(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"{len(problems)} rows refused")


def _problem(row, error):
    messages = []
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            messages.extend(f"{name}: {message}" for message in errors)
    else:
        messages = error.messages
    return {"row": row, "column": "", "value": "", "reason": "; ".join(messages)}


PERSON_NOT_COMPARED = ("languages", "countries", "consent_given_at", "consent_given_by")


class PersonImporter(ServiceImporter):
    kind = "people"
    columns = PERSON_COLUMNS
    model = Person

    def prepare(self):
        self.language_choices = choice_lookup(
            [("de", "Deutsch"), ("en", "English")],
            {"german": "de", "englisch": "en", "deutsch": "de"},
        )

    def parse_row(self, row):
        values = {}
        name = " ".join(row.text("name").split())
        if not name:
            row.error("name", _("the name is missing"))
        values["name"] = self.length(row, "name", name, 200)
        if row.has("email"):
            values["email"] = self.email(row, "email")
        if row.has("phone"):
            values["phone"] = self.phone(row, "phone")
        if row.has("municipality") or row.has("ags"):
            values["municipality"] = self.municipality(row, required=False)
        if row.has("language") and row.text("language"):
            values["language"] = self.choice(row, "language", self.language_choices, True)
        if row.has("languages"):
            values["languages"] = self.many(row, "languages", self.languages.get, _("language"))
        if row.has("countries"):
            values["countries"] = self.many(row, "countries", self.countries.get, _("country"))
        if row.has("competences"):
            values["competences"] = row.text("competences")
        for key in ("is_decision_maker", "is_multiplier"):
            if row.has(key):
                values[key] = row.convert(key, parsing.parse_bool)
        self.consent(row, values)
        return values

    def plan(self, parsed, problems):
        emails = [values["email"] for _row, values in parsed if values.get("email")]
        existing = {}
        for start in range(0, len(emails), BATCH):
            for person in Person.objects.filter(email__in=emails[start : start + BATCH]):
                existing.setdefault(person.email, []).append(person)
        seen, plans = {}, []
        for row, values in parsed:
            email = values.get("email")
            match = None
            if email:
                if email in seen:
                    row.error(
                        "email",
                        _("appears twice in the file (also in row %(row)s)") % {"row": seen[email]},
                    )
                seen[email] = row.number
                matches = existing.get(email, [])
                if len(matches) > 1:
                    row.error("email", _("several people have this e-mail address"))
                match = matches[0] if matches else None
            if match is None:
                municipality = values.get("municipality")
                if not self.office and municipality is None:
                    row.error("municipality", _("a municipality is needed"), "")
                elif municipality is not None and not self.may_manage(municipality):
                    self.out_of_scope(row, "municipality", municipality)
                plan = Plan(row.number, "create", values, None, values["name"])
            else:
                changes = {
                    name: [str(getattr(match, name)), str(value)]
                    for name, value in values.items()
                    if name not in PERSON_NOT_COMPARED
                    and value is not None
                    and str(getattr(match, name) or "") != str(value or "")
                }
                for name in ("languages", "countries"):
                    if name in values and {o.pk for o in getattr(match, name).all()} != {
                        o.pk for o in values[name]
                    }:
                        changes[name] = [None, _display_many(values[name])]
                plan = Plan(row.number, "update", values, match, values["name"], changes)
                plan.action = self.duplicate_action(changes)
                if plan.action == "update" and not self.user.has_perm(
                    "actors.change_person", match
                ):
                    row.error("email", _("you may not change this person"))
            if row.problems:
                problems.extend(row.problems)
                continue
            plans.append(plan)
        return plans

    def write_row(self, plan):
        values = {k: v for k, v in plan.values.items() if v is not None}
        consent = (values.pop("consent_given_at", None), values.pop("consent_given_by", None))
        if plan.action == "create":
            person = actor_services.create_person(self.user, values)
        else:
            person = actor_services.update_person(self.user, plan.existing, values)
        if consent[0] and not person.is_public:
            actor_services.give_person_consent(self.user, person, consent[1], consent[0])


def _check_period(row, values):
    started, ended = values.get("started_on"), values.get("ended_on")
    if started and ended and ended < started:
        row.error("ended_on", _("the end lies before the start"))


class OrganisationRefMixin:
    def prepare_organisations(self, keys):
        """Organisations by (municipality id, name key) for the rows' references."""
        municipality_ids = {key[0] for key in keys}
        self.organisations = {}
        if municipality_ids:
            for organisation in Organisation.objects.filter(
                municipality_id__in=municipality_ids
            ).select_related("municipality"):
                self.organisations[(organisation.municipality_id, organisation.name_key)] = (
                    organisation
                )

    def organisation_ref(self, row, name_column, municipality_column, ags_column=None):
        name = row.text(name_column)
        municipality = self.municipality(row, municipality_column, ags_column)
        if not name:
            row.error(name_column, _("the organisation is missing"))
            return None
        if municipality is None:
            return None
        return (municipality.pk, name_key(name))

    def resolve(self, row, key, column):
        organisation = self.organisations.get(key)
        if organisation is None:
            row.error(column, _("no such organisation in this municipality; import it first"))
        return organisation


class MembershipImporter(OrganisationRefMixin, ServiceImporter):
    kind = "memberships"
    columns = MEMBERSHIP_COLUMNS
    model = Membership

    def parse_row(self, row):
        values = {"email": self.email(row, "person_email")}
        if not values["email"]:
            row.error("person_email", _("the e-mail address of the person is missing"), "")
        values["organisation_key"] = self.organisation_ref(
            row, "organisation", "municipality", "ags"
        )
        if row.has("role"):
            values["role"] = self.length(row, "role", row.text("role"), 100)
        if row.has("is_contact"):
            values["is_contact"] = row.convert("is_contact", parsing.parse_bool)
        for key in ("started_on", "ended_on"):
            if row.has(key):
                values[key] = row.convert(key, parsing.parse_date)
        _check_period(row, values)
        return values

    def plan(self, parsed, problems):
        self.prepare_organisations([values["organisation_key"] for _r, values in parsed])
        emails = {values["email"] for _r, values in parsed}
        people = {}
        for person in Person.objects.filter(email__in=emails):
            people.setdefault(person.email, person)
        memberships = {
            (m.person_id, m.organisation_id): m
            for m in Membership.objects.filter(person__email__in=emails)
        }
        plans = []
        for row, values in parsed:
            person = people.get(values["email"])
            if person is None:
                row.error("person_email", _("no person has this e-mail address; import them first"))
            organisation = self.resolve(row, values["organisation_key"], "organisation")
            if person is None or organisation is None:
                problems.extend(row.problems)
                continue
            if not self.user.has_perm("actors.change_organisation", organisation):
                self.out_of_scope(row, "municipality", organisation.municipality)
                problems.extend(row.problems)
                continue
            fields = {
                k: values[k]
                for k in ("role", "is_contact", "started_on", "ended_on")
                if k in values and values[k] is not None
            }
            fields["person"] = person
            existing = memberships.get((person.pk, organisation.pk))
            label = f"{person} – {organisation}"
            if existing is None:
                plans.append(Plan(row.number, "create", fields, organisation, label))
            else:
                changes = {
                    k: [str(getattr(existing, k)), str(v)]
                    for k, v in fields.items()
                    if k != "person" and getattr(existing, k) != v
                }
                plan = Plan(row.number, "update", fields, existing, label, changes)
                plan.action = self.duplicate_action(changes)
                plans.append(plan)
        return plans

    def write_row(self, plan):
        if plan.action == "create":
            actor_services.add_membership(self.user, plan.existing, plan.values)
        else:
            actor_services.update_membership(self.user, plan.existing, plan.values)


class TieImporter(OrganisationRefMixin, ServiceImporter):
    kind = "ties"
    columns = TIE_COLUMNS
    model = Tie

    def prepare(self):
        self.kinds = choice_lookup(
            TieKind.choices,
            {"kooperation": "cooperation", "foerderung": "funding", "projekt": "joint_project"},
        )

    def parse_row(self, row):
        values = {
            "source_key": self.organisation_ref(row, "source", "source_municipality"),
            "target_key": self.organisation_ref(row, "target", "target_municipality"),
            "kind": self.choice(row, "kind", self.kinds, True),
        }
        for key in ("started_on", "ended_on"):
            if row.has(key):
                values[key] = row.convert(key, parsing.parse_date)
        _check_period(row, values)
        if row.has("note"):
            values["note"] = row.text("note")
        if values["source_key"] and values["source_key"] == values["target_key"]:
            row.error("target", _("an organisation cannot have a tie with itself"))
        return values

    def plan(self, parsed, problems):
        keys = [values["source_key"] for _r, values in parsed]
        keys += [values["target_key"] for _r, values in parsed]
        self.prepare_organisations(keys)
        plans = []
        for row, values in parsed:
            source = self.resolve(row, values["source_key"], "source")
            target = self.resolve(row, values["target_key"], "target")
            if source is None or target is None:
                problems.extend(row.problems)
                continue
            may = self.user.has_perm("actors.change_organisation", source) or self.user.has_perm(
                "actors.change_organisation", target
            )
            if not may:
                self.out_of_scope(row, "source_municipality", source.municipality)
            elif not (
                self.user.has_perm("actors.view_organisation", source)
                and self.user.has_perm("actors.view_organisation", target)
            ):
                row.error("target", _("you may not see this organisation"))
            if row.problems:
                problems.extend(row.problems)
                continue
            fields = {k: values.get(k) for k in ("kind", "started_on", "ended_on")}
            fields["note"] = values.get("note", "")
            fields["target"] = target
            pair = Q(source=source, target=target) | Q(source=target, target=source)
            existing = Tie.objects.filter(pair, kind=fields["kind"]).first()
            label = f"{source} – {target}"
            if existing is None:
                plans.append(Plan(row.number, "create", fields, source, label))
            else:
                changes = {
                    k: [str(getattr(existing, k)), str(fields[k])]
                    for k in ("started_on", "ended_on", "note")
                    if (k in values) and getattr(existing, k) != fields[k]
                }
                plan = Plan(row.number, "update", fields, existing, label, changes)
                plan.action = self.duplicate_action(changes)
                plans.append(plan)
        return plans

    def write_row(self, plan):
        if plan.action == "create":
            actor_services.add_tie(self.user, plan.existing, plan.values)
        else:
            actor_services.update_tie(self.user, plan.existing, plan.values)


class PartnershipImporter(Importer):
    kind = "partnerships"
    columns = PARTNERSHIP_COLUMNS
    model = Partnership
    fields = ["partner_name", "country", "kind", "since", "note", "source"]

    def prepare(self):
        self.kinds = choice_lookup(
            PartnershipKind.choices,
            {"staedtepartnerschaft": "city", "klimapartnerschaft": "climate"},
        )

    def parse_row(self, row):
        values = {"municipality": self.municipality(row)}
        values["partner_name"] = self.length(row, "partner_name", row.text("partner_name"), 200)
        if not values["partner_name"]:
            row.error("partner_name", _("the partner is missing"))
        country = row.text("country")
        values["country"] = self.countries.get(country) if country else None
        if values["country"] is None:
            row.error("country", _("unknown country"))
        values["kind"] = self.choice(row, "kind", self.kinds, True)
        if row.has("since"):
            since = row.convert("since", parsing.parse_integer)
            if since is not None and not 1900 <= since <= 2100:
                row.error("since", _("a year between 1900 and 2100"))
            values["since"] = since
        if row.has("note"):
            values["note"] = row.text("note")
        if row.has("source"):
            source = row.text("source")
            if source:
                try:
                    URLValidator()(source)
                except ValidationError:
                    row.error("source", _("not a valid web address"))
            values["source"] = source
        if values["municipality"] is not None and not self.may_manage(values["municipality"]):
            self.out_of_scope(row, "municipality", values["municipality"])
        return values

    def plan(self, parsed, problems):
        existing = {
            (p.municipality_id, normalise(p.partner_name), p.kind): p
            for p in Partnership.objects.filter(
                municipality__in={values["municipality"] for _r, values in parsed}
            )
        }
        seen, plans = {}, []
        for row, values in parsed:
            key = (values["municipality"].pk, normalise(values["partner_name"]), values["kind"])
            if key in seen:
                row.error(
                    "partner_name",
                    _("appears twice in the file (also in row %(row)s)") % {"row": seen[key]},
                )
                problems.extend(row.problems)
                continue
            seen[key] = row.number
            match = existing.get(key)
            label = f"{values['municipality']} – {values['partner_name']}"
            if match is None:
                plans.append(Plan(row.number, "create", values, None, label))
                continue
            changes = {
                k: [str(getattr(match, k)), str(v)]
                for k, v in values.items()
                if k in ("since", "note", "source", "country") and getattr(match, k) != v
            }
            plan = Plan(row.number, "update", values, match, label, changes)
            plan.action = self.duplicate_action(changes)
            plans.append(plan)
        return plans

    def write(self, plans, run, progress=None):
        entries = []
        created = updated = 0
        for plan in plans:
            if plan.action == "create":
                partnership = Partnership(**{k: v for k, v in plan.values.items() if v is not None})
                partnership.save()
                created += 1
                changes = {k: [None, str(v)] for k, v in plan.values.items() if v}
                entries.append(_entry(AuditEntry.Action.CREATE, partnership, changes))
            elif plan.action == "update":
                partnership = plan.existing
                for name in ("since", "note", "source", "country"):
                    if name in plan.values:
                        setattr(partnership, name, plan.values[name])
                partnership.save()
                updated += 1
                entries.append(_entry(AuditEntry.Action.UPDATE, partnership, plan.changes))
        record_many(self.user, entries, run)
        return {"created": created, "updated": updated}


IMPORTERS = {
    importer.kind: importer
    for importer in (
        OrganisationImporter,
        PersonImporter,
        MembershipImporter,
        TieImporter,
        PartnershipImporter,
    )
}
