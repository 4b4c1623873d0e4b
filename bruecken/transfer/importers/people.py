"""People, matched by e-mail address, written set-based (200,000 in seconds): new people as
plain rows made by the model (its defaults and `derive_fields()`), matched ones in bulk, their
languages and countries as link rows, the audit entries through `audit.record_many`. The rules
the actors app's services apply are checked in the plan, row by row, and reported with the
rest."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken import fulltext
from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Person
from bruecken.actors.services import PERSON_FIELDS, PERSON_M2M, SELF_EDITABLE

from .. import parsing
from . import bulkrows
from .base import Importer, Plan, choice_lookup, chunks, compare_links, twice
from .columns import PERSON_COLUMNS, normalise

PERSON_NOT_COMPARED = ("languages", "countries", "consent_given_at", "consent_given_by")


class PersonImporter(Importer):
    kind = "people"
    columns = PERSON_COLUMNS
    model = Person

    def prepare(self):
        self.language_choices = choice_lookup(
            [("de", "Deutsch"), ("en", "English")],
            {"german": "de", "englisch": "en", "deutsch": "de"},
        )

    def parse_row(self, row):
        values = {"name": self.name(row)}
        if row.has("email"):
            values["email"] = self.email(row, "email")
        if row.has("phone"):
            phone = self.phone(row, "phone")
            if phone is not None:  # else left out, with a warning
                values["phone"] = phone
        if row.has("municipality") or row.has("ags"):
            values["municipality"] = self.municipality(row, required=False)
        if row.has("language") and row.text("language"):
            values["language"] = self.language_choices.get(normalise(row.text("language")))
            if values["language"] is None:
                row.error("language", _("write Deutsch or English"))
        if row.has("languages"):
            values["languages"] = self.many(row, "languages", "language")
        if row.has("countries"):
            values["countries"] = self.many(row, "countries", "country")
        if row.has("competences"):
            values["competences"] = row.text("competences")
        for key in ("is_decision_maker", "is_multiplier"):
            if row.has(key):
                values[key] = row.convert(key, parsing.parse_bool)
        self.consent(row, values)
        return values

    def plan(self, parsed):
        emails = [values["email"] for _row, values in parsed if values.get("email")]
        existing = {}
        found = Person.objects.select_related("municipality").prefetch_related(
            *[name for name in PERSON_M2M if name in self.index_of]
        )
        for chunk in chunks(emails):
            for person in found.filter(email__in=chunk):
                existing.setdefault(person.email, []).append(person)
        seen, plans = {}, []
        for row, values in parsed:
            email = values.get("email")
            match = None
            if email:
                twice(row, seen, email, "email")
                seen[email] = row.number  # a third copy names the second
                matches = existing.get(email, [])
                if len(matches) > 1:
                    row.error("email", _("several people have this e-mail address"))
                match = matches[0] if matches else None
            if match is None:
                municipality = values.get("municipality")
                unknown = row.has_error("municipality") or row.has_error("ags")
                if not self.office and municipality is None and not unknown:
                    row.error("municipality", _("a municipality is needed"), "")
                elif municipality is not None and not self.may_manage(municipality):
                    self.out_of_scope(row, "municipality", municipality)
                plan = Plan(row.number, "create", values, None, values["name"])
            else:
                plan = self.match(row, values, match, values["name"], _changes(match, values))
                if plan.action == "update":
                    self._check_update(row, match, values)
                    # What is left of the row after the rules of who changes what.
                    plan.changes = _changes(match, values)
                    plan.action = self.duplicate_action(plan.changes)
            plans.append(plan)
        return plans

    def _check_update(self, row, person, values):
        """The rules of `actors.services.update_person`: the user may change the person; who
        only keeps their own record changes only what a person keeps of it; a move needs the
        right to manage actors there."""
        if not self.user.has_perm("actors.change_person", person):
            row.error("email", _("you may not change this person"))
            return
        if not self.user.has_perm("actors.steward_person", person):
            for name in list(values):
                if name not in SELF_EDITABLE and name != "email":
                    del values[name]
            return
        moved_to = values.get("municipality", person.municipality)
        if (
            moved_to is not None
            and moved_to != person.municipality
            and not self.may_manage(moved_to)
        ):
            self.out_of_scope(row, "municipality", moved_to)

    # Writing

    def write(self, plans, run, progress=None):
        creates = [plan for plan in plans if plan.action == "create"]
        updates = [plan for plan in plans if plan.action == "update"]
        steps = bulkrows.Steps(2 * len(creates) + len(updates), progress)
        now = timezone.now()
        people = [self._new_person(plan.values, now) for plan in creates]
        bulkrows.insert(Person, people, ("name", "email", "created_at"), steps)
        changed = self._update(updates, now, steps)
        m2m = [name for name in PERSON_M2M if name in self.index_of]
        for name in m2m:
            bulkrows.link(
                Person,
                name,
                [
                    (person.pk, plan.values[name])
                    for person, plan in zip(people + changed, creates + updates, strict=True)
                    if name in plan.values
                ],
                replaced=[
                    person.pk
                    for person, plan in zip(changed, updates, strict=True)
                    if name in plan.values
                ],
            )
        # The rows bypassed save() and the many-to-many signals: the search index follows here.
        fulltext.reindex(Person, [person.pk for person in people + changed])
        entries = []
        created = bulkrows.created_changes(Person, PERSON_FIELDS)
        for person, plan in zip(people, creates, strict=True):
            changes = created(
                person, {name: plan.values[name] for name in m2m if name in plan.values}
            )
            if person.consent_given_at:
                changes.update(_consent_changes(person))
            entries.append(
                (AuditEntry.Action.CREATE, "actors.person", person.pk, person.name, changes)
            )
            steps.advance(1)
        for person, plan in zip(changed, updates, strict=True):
            entries.append(
                (AuditEntry.Action.UPDATE, "actors.person", person.pk, person.name, plan.changes)
            )
        audit.record_many(self.user, entries, also=run)
        return {"created": len(creates), "updated": len(updates)}

    def _new_person(self, values, now):
        """An unsaved person made from the row as `create_person` would save it."""
        person = Person(
            name=values["name"],
            email=values.get("email") or "",
            municipality=values.get("municipality"),
            competences=values.get("competences") or "",
            created_at=now,
            updated_at=now,
        )
        for name in ("phone", "language", "is_decision_maker", "is_multiplier"):
            if values.get(name) is not None:
                setattr(person, name, values[name])
        if values.get("consent_given_at"):
            person.consent_given_at = values["consent_given_at"]
            person.consent_given_by = values["consent_given_by"]
            person.consent_recorded_by = self.user
        person.derive_fields()
        return person

    def _update(self, updates, now, steps):
        """The rows' values set on the matched people (what the row holds and the user may
        change, see `_check_update`), saved in bulk."""
        people, names = [], {"updated_at", "search_text"}
        for plan in updates:
            person = plan.existing
            for name in PERSON_FIELDS:
                if plan.values.get(name) is not None:
                    setattr(person, name, plan.values[name])
                    names.add(name)
            consent_at = plan.values.get("consent_given_at")
            if consent_at and not person.is_public:
                person.consent_given_at = consent_at
                person.consent_given_by = plan.values["consent_given_by"]
                person.consent_recorded_by = self.user
                names.update({"consent_given_at", "consent_given_by", "consent_recorded_by"})
                plan.changes.update(_consent_changes(person))
            person.derive_fields()
            person.updated_at = now
            people.append(person)
        bulkrows.update(Person, people, names, steps)
        return people


def _consent_changes(person):
    return {
        name: [None, value]
        for name, value in audit.snapshot(person, ["consent_given_at", "consent_given_by"]).items()
    }


def _changes(person, values):
    """What the row changes on the person (compared as text: cells are text)."""
    changes = {
        name: [str(getattr(person, name)), str(value)]
        for name, value in values.items()
        if name not in PERSON_NOT_COMPARED
        and value is not None
        and str(getattr(person, name) or "") != str(value or "")
    }
    for name in ("languages", "countries"):
        if name in values:
            old_ids = {obj.pk for obj in getattr(person, name).all()}
            compare_links(changes, name, old_ids, values[name])
    return changes
