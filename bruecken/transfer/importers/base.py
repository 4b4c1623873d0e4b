"""What every kind of import shares: the reference data rows are matched against, the checks of
single cells, plans and problems, and the run from rows to plans.

`Importer.check()` reads every row and returns a plan (what each row will do) and the problems,
each naming row, column, value and reason; it writes nothing. `write()` carries the plans out,
set-based (see `bulkrows`), inside the one transaction of `services.run_commit`."""

import functools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import to_python as to_phone

from bruecken.accounts import roles
from bruecken.actors.models import Organisation
from bruecken.places.models import Municipality

from .. import parsing
from .columns import normalise
from .values import VOCABULARIES, value_key

MAX_VALUE_SHOWN = 100
BATCH = 2000
URL_VALIDATOR = URLValidator()
EMAIL_VALIDATOR = EmailValidator()


@functools.lru_cache(maxsize=100_000)
def is_email(value):
    """Kept: a memberships file names each person's address once per membership."""
    try:
        EMAIL_VALIDATOR(value)
    except ValidationError:
        return False
    return True


MAX_UNKNOWN = 300  # distinct unknown values listed for mapping; a file with more is fixed first
ROWS_NAMED = 5  # rows named for each unknown value
DROPPED = object()  # a value the user chose to leave out
UNKNOWN = object()  # a value not known and not mapped yet


def chunks(items, size=BATCH):
    """Slices of `items`, so that no query names more ids than a database takes at once."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


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


def organisations_by_key(keys, fields=None, municipalities=None):
    """The organisations that `keys` ((municipality id, name key) pairs) name, by that key: what
    rows naming an organisation are matched against. The municipalities' other organisations
    are passed over as plain ids, so that a file naming a few of a city's organisations loads
    those few. `fields`: only these fields are loaded (besides the key's), for files that
    name organisations without changing them (200,000 rows name every organisation, and a
    whole organisation costs several times a few fields); `municipalities` ({id:
    municipality}, the importer's reference data) instead of one joined copy per
    organisation."""
    keys = set(keys)
    wanted = []
    for chunk in chunks(sorted({key[0] for key in keys})):
        rows = Organisation.objects.filter(municipality_id__in=chunk).order_by()
        for pk, municipality_id, key in rows.values_list("pk", "municipality_id", "name_key"):
            if (municipality_id, key) in keys:
                wanted.append(pk)
    organisations = Organisation.objects.order_by()
    if fields is not None:
        organisations = organisations.only("municipality_id", "name_key", *fields)
    if municipalities is None:
        organisations = organisations.select_related("municipality")
    municipality_field = Organisation._meta.get_field("municipality")
    found = {}
    for chunk in chunks(sorted(wanted)):
        for organisation in organisations.filter(pk__in=chunk):
            if municipalities is not None:
                municipality_field.set_cached_value(
                    organisation, municipalities[organisation.municipality_id]
                )
            found[(organisation.municipality_id, organisation.name_key)] = organisation
    return found


# Rows, plans and problems


@dataclass
class Plan:
    row: int
    action: str  # create, update, skip, unchanged
    values: dict
    existing: object = None
    label: str = ""
    changes: dict = field(default_factory=dict)


class Row:
    """One row's cells by field key, collecting its problems: errors (the row cannot be
    imported) and warnings (it is imported without the value named)."""

    def __init__(self, importer, number, cells):
        self.importer = importer
        self.number = number
        self.cells = cells
        self.problems = []
        self.pending = False  # has a value that waits for the user's mapping

    @property
    def failed(self):
        return any(problem["level"] == "error" for problem in self.problems)

    def raw(self, key):
        index = self.importer.index_of.get(key)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def has(self, key):
        return key in self.importer.index_of

    def text(self, key):
        return parsing.text(self.raw(key))

    def error(self, key, reason, value=None, level="error"):
        if value is None:
            value = self.raw(key)
        self.problems.append(
            {
                "row": self.number,
                "column": self.importer.column_name(key),
                "value": parsing.text(value)[:MAX_VALUE_SHOWN],
                "reason": str(reason),
                "level": level,
            }
        )

    def has_error(self, key):
        if not self.problems:
            return False
        column = self.importer.column_name(key)
        return any(p["column"] == column and p["level"] == "error" for p in self.problems)

    def warn(self, key, reason, value=None):
        """A value of an optional field that is left out: the row is imported without it."""
        self.error(key, reason, value, level="warning")

    def convert(self, key, converter):
        try:
            return converter(self.raw(key))
        except ValueError as error:
            self.error(key, error)
            return None


def file_problem(message):
    return {"row": 0, "column": "", "value": "", "reason": str(message), "level": "error"}


def is_warning(problem):
    return problem.get("level") == "warning"


def twice(row, seen, key, column, value=None):
    """Whether an earlier row of the file has the same key (then the row names it); else the
    row is noted under the key."""
    if key in seen:
        row.error(
            column, _("appears twice in the file (also in row %(row)s)") % {"row": seen[key]}, value
        )
        return True
    seen[key] = row.number
    return False


def changed_fields(existing, values, names):
    """{name: [old, new]} as text, for the fields among `names` the row sets to another value."""
    return {
        name: [str(getattr(existing, name)), str(values[name])]
        for name in names
        if name in values and getattr(existing, name) != values[name]
    }


def display_many(objects):
    return sorted(str(obj) for obj in objects)


def compare_links(changes, name, old_ids, objects):
    """Note a many-to-many field whose objects the row changes (the new ones, by name)."""
    if set(old_ids) != {obj.pk for obj in objects}:
        changes[name] = [None, display_many(objects)]


class Importer:
    kind = ""
    columns = {}
    model = None
    compared = ()  # the fields a row may change on an entry it matches

    def __init__(self, user, headers, mapping, on_duplicate="skip", value_mapping=None):
        self.user = user
        self.headers = headers
        self.on_duplicate = on_duplicate
        # {vocabulary: {value key: code, or "" to leave the value out}}
        self.value_mapping = value_mapping or {}
        self.vocabularies = {}
        self.unknown = {}  # (vocabulary, value key) -> what the dry run lists for mapping
        self.unknown_overflow = 0
        self.mapped = {}  # (vocabulary, value key) -> (value as written, code) used
        self.index_of = {}
        for index, key in (mapping or {}).items():
            if key in self.columns and key not in self.index_of:
                try:
                    self.index_of[key] = int(index)
                except (TypeError, ValueError):
                    continue
        self.office = roles.is_program_office(user)
        self.coordinated = roles.coordinated_municipality_ids(user)

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
        municipalities = list(Municipality.objects.all())
        self.municipality_by_pk = {municipality.pk: municipality for municipality in municipalities}
        self.municipalities = Lookup(municipalities, "ags")
        self.municipality_names = {}
        for municipality in municipalities:
            self.municipality_names.setdefault(normalise(municipality.name), []).append(
                municipality
            )

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

    def name(self, row):
        name = " ".join(row.text("name").split())
        if not name:
            row.error("name", _("the name is missing"))
        return self.length(row, "name", name, 200)

    # Values of the choice columns: known, mapped by the user, or listed for mapping

    def vocabulary(self, name):
        if name not in self.vocabularies:
            self.vocabularies[name] = VOCABULARIES[name]()
        return self.vocabularies[name]

    def known_value(self, row, key, name, raw):
        """The value `raw` stands for: known by code or name, or mapped by the user (DROPPED
        if they chose to leave it out); else UNKNOWN, and it is listed for mapping."""
        vocabulary = self.vocabulary(name)
        found = vocabulary.get(raw)
        if found is not None:
            return found
        value_id = value_key(raw)
        target = self.value_mapping.get(name, {}).get(value_id)
        if target is not None:
            found = vocabulary.value(target) if target else DROPPED
            if found is not None:
                self.mapped.setdefault((name, value_id), (raw[:MAX_VALUE_SHOWN], target))
                return found
        row.pending = True
        entry = self.unknown.get((name, value_id))
        if entry is None:
            if len(self.unknown) >= MAX_UNKNOWN:
                self.unknown_overflow += 1
                row.error(key, _("unknown %(what)s") % {"what": vocabulary.label}, raw)
                return UNKNOWN
            entry = self.unknown[(name, value_id)] = {
                "vocabulary": name,
                "key": value_id,
                "value": raw[:MAX_VALUE_SHOWN],
                "column": self.column_name(key),
                "rows": [],
                "count": 0,
            }
        entry["count"] += 1
        if len(entry["rows"]) < ROWS_NAMED and row.number not in entry["rows"]:
            entry["rows"].append(row.number)
        return UNKNOWN

    def unknown_values(self):
        """The distinct unknown values, each once, with the known value it most likely means."""
        values = []
        for entry in self.unknown.values():
            proposal = self.vocabulary(entry["vocabulary"]).propose(entry["value"])
            values.append({**entry, "proposal": proposal or ""})
        return values

    def many(self, row, key, name):
        found = []
        for part in parsing.split_list(row.raw(key)):
            obj = self.known_value(row, key, name, part)
            if obj is not UNKNOWN and obj is not DROPPED and obj not in found:
                found.append(obj)
        return found

    def choice(self, row, key, name, required):
        value = row.text(key)
        if not value:
            if required:
                row.error(key, _("this value is required"))
            return None
        found = self.known_value(row, key, name, value)
        if found is UNKNOWN or found is DROPPED:
            if found is DROPPED and required:
                row.error(key, _("this value is required"))
            return None
        return found

    def length(self, row, key, value, limit):
        if value and len(value) > limit:
            row.error(key, _("longer than %(limit)s characters") % {"limit": limit})
            return value[:limit]
        return value

    def email(self, row, key):
        value = row.text(key).lower()
        if value and not is_email(value):
            row.error(key, _("not a valid e-mail address"))
        return value

    def web_address(self, row, key, value):
        """An optional web address: one that does not validate is left out, with a warning."""
        if value:
            try:
                URL_VALIDATOR(value)
            except ValidationError:
                row.warn(key, _("not a valid web address; imported without it"))
                return None
        return value

    def phone(self, row, key):
        """German styles ("0228 / 12 34 56", "+49 (0)228-123456") are understood; a number that
        is not one is left out, with a warning (None: an entry keeps the number it has)."""
        value = row.text(key)
        if not value:
            return ""
        if value.isdigit() and not value.startswith("0") and len(value) > 5:
            value = "0" + value  # a number cell of a workbook loses the leading zero
        number = to_phone(value[:50], region="DE")
        if number is None or not number.is_valid():
            row.warn(key, _("not a valid phone number; imported without it"))
            return None
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
        parsed, checked = [], []
        for position, (number, cells) in enumerate(rows, start=1):
            row = Row(self, number, cells)
            if any(parsing.text(row.raw(key)) for key in self.index_of):
                checked.append(row)
                try:
                    values = self.parse_row(row)
                except Exception as error:  # a bug must not hide the other rows' findings
                    row.error(None, _("could not be read (%(error)s)") % {"error": error}, "")
                    values = None
                if values is not None:
                    parsed.append((row, values))
            if progress and position % 1000 == 0:
                progress(position)
        # Rows with errors are planned too, so that the rules that need the registry (the
        # user's scope, duplicates) are reported with the rest, all at once; plan() leaves
        # them out of the plans.
        plans = self.plan(parsed)
        failed = set()
        for row in checked:
            problems.extend(row.problems)
            if row.failed or row.pending:
                failed.add(row.number)
        plans = [plan for plan in plans if plan.row not in failed]
        problems.sort(key=lambda problem: problem["row"])
        return plans, problems

    def prepare(self):
        """Load what the rows are matched against."""

    def parse_row(self, row):
        raise NotImplementedError

    def plan(self, parsed):
        """Plans for the rows (the rows' problems are noted on them)."""
        raise NotImplementedError

    def duplicate_action(self, existing_changes):
        if not existing_changes:
            return "unchanged"
        return "update" if self.on_duplicate == "update" else "skip"

    def match(self, row, values, existing, label, changes):
        """The plan of a row that matches an existing entry: update it or skip the row (as the
        run says), or nothing to do."""
        return Plan(row.number, self.duplicate_action(changes), values, existing, label, changes)

    def row_plan(self, row, values, existing, label, parent=None, compared=None):
        """Create a new entry (`parent`: what it belongs to) when nothing matches, else compare
        the fields a row may change (`compared`, by default the importer's)."""
        if existing is None:
            return Plan(row.number, "create", values, parent, label)
        changes = changed_fields(existing, values, self.compared if compared is None else compared)
        return self.match(row, values, existing, label, changes)

    def write(self, plans, run, progress=None):
        raise NotImplementedError


class ImportRefused(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"{len(problems)} rows refused")
