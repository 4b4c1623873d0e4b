"""Organisations: checked row by row like every kind, written in bulk (50,000 rows in seconds):
one insert of the new rows, one bulk update, the many-to-many links and the audit entries as
plain rows. What `Organisation.save()` derives comes from the model's own rule
(`Organisation.derived`, `derive_fields`), since these writes bypass save()."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken import bulk, fulltext
from bruecken.accounts import audit, roles
from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Organisation, OrganisationKind, name_key
from bruecken.actors.services import ORGANISATION_FIELDS, ORGANISATION_M2M

from .. import parsing
from .base import (
    Importer,
    Plan,
    chunks,
    compare_links,
    organisations_by_key,
    twice,
)
from .columns import ORGANISATION_COLUMNS

# A new organisation's audit entry: its fields (the municipality by name, added apart).
CREATE_AUDIT = [name for name in ORGANISATION_FIELDS if name != "municipality"]


def _links(name):
    """The through model of a many-to-many field, and its column naming the other side."""
    field = Organisation._meta.get_field(name)
    return field.remote_field.through, f"{field.related_model._meta.model_name}_id"


class OrganisationImporter(Importer):
    kind = "organisations"
    columns = ORGANISATION_COLUMNS
    model = Organisation
    # The fields an organisation's audit entries name, as the actors' services write them.
    scalar_fields = ORGANISATION_FIELDS
    m2m_fields = ORGANISATION_M2M

    def mapped_m2m(self):
        return [name for name in self.m2m_fields if name in self.index_of]

    def parse_row(self, row):
        values = {}
        if row.has("id") and row.text("id"):
            try:
                values["id"] = parsing.parse_integer(row.raw("id"))
            except ValueError as error:
                row.error("id", error)
        values["name"] = self.name(row)
        values["municipality"] = self.municipality(row)
        kind = self.choice(row, "kind", "organisation_kind", required=False)
        if kind:
            values["kind"] = kind
        elif row.has("kind"):
            values["kind"] = None  # needed for new organisations; checked in plan()
        for key, vocabulary in (
            ("countries", "country"),
            ("topics", "topic"),
            ("engagement_forms", "engagement_form"),
            ("languages", "language"),
        ):
            if row.has(key):
                values[key] = self.many(row, key, vocabulary)
        for key in ("competences", "description", "address"):
            if row.has(key):
                values[key] = row.text(key)
        if row.has("website"):
            values["website"] = self.website(row)
        if row.has("email"):
            values["email"] = self.email(row, "email")
        if row.has("phone"):
            values["phone"] = self.phone(row, "phone")
        # A value left out with a warning leaves an existing organisation's value alone.
        for key in ("website", "phone"):
            if key in values and values[key] is None:
                del values[key]
        if row.has("founded"):
            founded = row.convert("founded", parsing.parse_year)
            if founded is not None and not 1800 <= founded <= 2100:
                row.error("founded", _("a year between 1800 and 2100"))
            values["founded"] = founded
        self.consent(row, values)
        return values

    def website(self, row):
        website = row.text("website")
        if website and "://" not in website:
            website = f"https://{website}"
        website = self.web_address(row, "website", website)
        if website and len(website) > 300:
            row.warn(
                "website",
                _("longer than %(limit)s characters; imported without it") % {"limit": 300},
            )
            return None
        return website

    def plan(self, parsed):
        ids = [values["id"] for _row, values in parsed if values.get("id")]
        keys = {
            (values["municipality"].pk, name_key(values["name"]))
            for _row, values in parsed
            if values["municipality"] and values["name"]
        }
        existing_by_id = {}
        for chunk in chunks(ids):
            existing_by_id.update(
                Organisation.objects.select_related("municipality").in_bulk(chunk)
            )
        existing_by_key = organisations_by_key(keys)
        matched = []
        seen = {}
        plans = []
        for row, values in parsed:
            municipality = values["municipality"]
            if municipality is None:
                continue  # an error already; nothing to match it against
            key = (municipality.pk, name_key(values["name"]))
            if values["name"] and twice(row, seen, key, "name", values["name"]):
                continue
            existing = None
            if values.get("id"):
                existing = existing_by_id.get(values["id"])
                if existing is None:
                    row.error("id", _("no organisation has this ID"))
                    continue
                other = existing_by_key.get(key)
                if other is not None and other.pk != existing.pk:
                    row.error(
                        "name",
                        _("another organisation of that name exists in %(municipality)s")
                        % {"municipality": municipality},
                        values["name"],
                    )
            elif values["name"]:
                existing = existing_by_key.get(key)
            if existing is None:
                if not self.may_manage(municipality):
                    self.out_of_scope(row, "municipality", municipality)
                if not values.get("kind") and not row.pending:
                    row.error("kind", _("the kind is needed for a new organisation"))
            # Rows with errors go on to the comparison too: an update outside the user's
            # scope is reported with the rest (check() drops their plans).
            plan = Plan(row.number, "create", values, existing, values["name"])
            if existing is not None:
                matched.append((row, plan))
            plans.append(plan)
        self._compare(matched)
        return [plan for plan in plans if plan.action != "invalid"]

    def _compare(self, matched):
        """Decide update, skip or unchanged for rows that match existing organisations."""
        m2m = self.mapped_m2m()
        ids = [plan.existing.pk for _row, plan in matched]
        current = {name: {} for name in m2m}
        for name in m2m:
            through, target = _links(name)
            for chunk in chunks(ids):
                for organisation_id, target_id in through.objects.filter(
                    organisation_id__in=chunk
                ).values_list("organisation_id", target):
                    current[name].setdefault(organisation_id, set()).add(target_id)
        for row, plan in matched:
            existing, values = plan.existing, plan.values
            changes = self._scalar_changes(existing, values)
            for name in m2m:
                compare_links(changes, name, current[name].get(existing.pk, set()), values[name])
            if values.get("consent_given_at") and not existing.is_public:
                changes["consent_given_at"] = ["", str(values["consent_given_at"])]
            plan.changes = changes
            plan.action = self.duplicate_action(changes)
            if plan.action == "update":
                self._check_update(row, existing, values)
                if row.failed:
                    plan.action = "invalid"

    def _scalar_changes(self, existing, values):
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
                changes[name] = [_audit_value(name, old), _audit_value(name, new)]
        return changes

    def _check_update(self, row, existing, values):
        """The user may change the organisation, and move it only to a municipality of theirs."""
        may_change = self.may_manage(existing.municipality) or (
            existing.pk in roles.represented_organisation_ids(self.user)
        )
        if not may_change:
            self.out_of_scope(row, "municipality", existing.municipality)
        elif values["municipality"].pk != existing.municipality_id and not (
            self.may_manage(values["municipality"])
        ):
            self.out_of_scope(row, "municipality", values["municipality"])

    # Writing

    def write(self, plans, run, progress=None):
        now = timezone.now()
        creates = [plan for plan in plans if plan.action == "create"]
        updates = [plan for plan in plans if plan.action == "update"]
        rows = [self._new_row(plan.values, now) for plan in creates]
        bulk.raw_insert(Organisation, rows)
        if progress:
            progress(0.4)
        created_ids = _new_ids(rows)
        updated = self._update(updates, now)
        updated_ids = [organisation.pk for organisation in updated]
        self._link(created_ids, updated_ids, creates + updates)
        # The rows bypassed save() and the many-to-many signals: the search index follows here.
        fulltext.reindex(Organisation, created_ids + updated_ids)
        if progress:
            progress(0.6)
        names = _display_names()
        entries = []
        for pk, row, plan in zip(created_ids, rows, creates, strict=True):
            changes = {name: [None, _audit_value(name, row.get(name))] for name in CREATE_AUDIT}
            changes["municipality"] = [None, plan.values["municipality"].name]
            for name in self.mapped_m2m():
                changes[name] = [None, sorted(names(obj) for obj in plan.values[name])]
            entries.append(
                (AuditEntry.Action.CREATE, "actors.organisation", pk, row["name"], changes)
            )
        for organisation, plan in zip(updated, updates, strict=True):
            entries.append(
                (
                    AuditEntry.Action.UPDATE,
                    "actors.organisation",
                    organisation.pk,
                    organisation.name,
                    plan.changes,
                )
            )
        audit.record_many(self.user, entries, also=run)
        return {"created": len(creates), "updated": len(updates)}

    def _new_row(self, values, now):
        """A new organisation as a plain row, with what save() would derive."""
        row = {
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
        row.update(
            Organisation.derived(
                values["name"], row.get("competences"), row.get("description"), row.get("email")
            )
        )
        return row

    def _update(self, updates, now):
        """Set the rows' values on the matched organisations and save them in bulk."""
        organisations = []
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
            organisation.derive_fields()
            organisation.updated_at = now
            organisations.append(organisation)
        if organisations:
            Organisation.objects.bulk_update(organisations, sorted(update_fields), batch_size=500)
        return organisations

    def _link(self, created_ids, updated_ids, plans):
        """The many-to-many links the file has columns for: replaced on updated organisations."""
        for name in self.mapped_m2m():
            through, target = _links(name)
            for chunk in chunks(updated_ids):
                through.objects.filter(organisation_id__in=chunk).delete()
            links = [
                (pk, obj.pk)
                for pk, plan in zip(created_ids + updated_ids, plans, strict=True)
                for obj in plan.values[name]
            ]
            bulk.insert_pairs(through, "organisation_id", target, links)


def _new_ids(rows):
    """The ids of newly inserted rows, found by the unique (municipality, name key)."""
    ids = {}
    municipality_ids = sorted({row["municipality_id"] for row in rows})
    for chunk in chunks(municipality_ids, 500):
        for pk, municipality_id, key in Organisation.objects.filter(
            municipality_id__in=chunk
        ).values_list("pk", "municipality_id", "name_key"):
            ids[(municipality_id, key)] = pk
    return [ids[(row["municipality_id"], row["name_key"])] for row in rows]


def _display_names():
    """str() of reference data (its name in the active language), worked out once per object."""
    cache = {}

    def name(obj):
        key = (type(obj), obj.pk)
        if key not in cache:
            cache[key] = str(obj)
        return cache[key]

    return name


def _audit_value(name, value):
    if value is None or value == "":
        return ""
    if name == "kind":
        return str(OrganisationKind(value).label) if value in OrganisationKind.values else value
    return str(value)
