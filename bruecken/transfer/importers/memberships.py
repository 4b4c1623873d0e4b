"""Memberships: a person (by e-mail) in an organisation (by name and municipality), written
set-based like organisations and people. The rules of the actors app's services
(`add_membership`, `update_membership`) are checked in the plan and reported row by row."""

from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Membership, Organisation, Person
from bruecken.actors.services import MEMBERSHIP_FIELDS

from .. import parsing
from . import bulkrows
from .base import chunks, twice
from .columns import MEMBERSHIP_COLUMNS
from .relations import RelationImporter


class MembershipImporter(RelationImporter):
    kind = "memberships"
    columns = MEMBERSHIP_COLUMNS
    model = Membership
    compared = ("role", "is_contact", "started_on", "ended_on")

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
        self.period(row, values)
        return values

    def _people(self, parsed):
        """The people the rows name, by e-mail address, and the ids of those the user may see
        (`actors.view_person`, as the model's query says it for many at once)."""
        emails = sorted({values["email"] for _r, values in parsed if values["email"]})
        people = {}
        for chunk in chunks(emails):
            # Only what the rows need: a person's phone number costs a parse to load.
            found = Person.objects.filter(email__in=chunk).only("pk", "email", "name")
            for person in found.order_by("pk"):
                people.setdefault(person.email, person)
        ids = [person.pk for person in people.values()]
        if self.office:
            return people, set(ids)
        visible = set()
        for chunk in chunks(ids):
            visible.update(
                Person.objects.visible_to(self.user)
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
        return people, visible

    def plan(self, parsed):
        self.prepare_organisations([values["organisation_key"] for _r, values in parsed])
        people, visible = self._people(parsed)
        memberships = {}
        person_ids = sorted(person.pk for person in people.values())
        for chunk in chunks(person_ids):
            for membership in Membership.objects.filter(person_id__in=chunk).order_by("pk"):
                memberships.setdefault(
                    (membership.person_id, membership.organisation_id), membership
                )
        may_change = {}
        seen, plans = {}, []
        for row, values in parsed:
            person = people.get(values["email"])
            if person is None and values["email"] and not row.has_error("person_email"):
                row.error("person_email", _("no person has this e-mail address; import them first"))
            elif person is not None and person.pk not in visible:
                row.error("person_email", _("you may not see this person"))
            organisation = self.resolve(row, values["organisation_key"], "organisation")
            if organisation is not None:
                if organisation.pk not in may_change:
                    # The program office may change every organisation (as in _people: the
                    # rule asked once, not for each of 50,000 organisations).
                    may_change[organisation.pk] = self.office or self.user.has_perm(
                        "actors.change_organisation", organisation
                    )
                if not may_change[organisation.pk]:
                    self.out_of_scope(row, "municipality", organisation.municipality)
            if person is None or organisation is None or row.failed:
                continue
            if twice(row, seen, (person.pk, organisation.pk), "person_email"):
                continue
            fields = {k: values[k] for k in self.compared if values.get(k) is not None}
            fields["person"] = person
            existing = memberships.get((person.pk, organisation.pk))
            label = f"{person} – {organisation}"
            plan = self.row_plan(row, fields, existing, label, parent=organisation)
            self.check_update_period(row, plan)
            plans.append(plan)
        return plans

    def write(self, plans, run, progress=None):
        creates = [plan for plan in plans if plan.action == "create"]
        updates = [plan for plan in plans if plan.action == "update"]
        steps = bulkrows.Steps(2 * len(creates) + len(updates), progress)
        memberships = [Membership(organisation=plan.existing, **plan.values) for plan in creates]
        bulkrows.insert(Membership, memberships, ("person_id", "organisation_id"), steps)
        changed = []
        names = set()
        for plan in updates:
            membership = plan.existing
            for name in self.compared:
                if name in plan.values:
                    setattr(membership, name, plan.values[name])
                    names.add(name)
            changed.append(membership)
        bulkrows.update(Membership, changed, names, steps)
        entries = []
        created = bulkrows.created_changes(Membership, MEMBERSHIP_FIELDS)
        for membership, plan in zip(memberships, creates, strict=True):
            entries.append(
                (
                    AuditEntry.Action.CREATE,
                    "actors.membership",
                    membership.pk,
                    plan.label,
                    created(membership),
                    _subjects(membership),
                )
            )
            steps.advance(1)
        for membership, plan in zip(changed, updates, strict=True):
            entries.append(
                (
                    AuditEntry.Action.UPDATE,
                    "actors.membership",
                    membership.pk,
                    plan.label,
                    plan.changes,
                    _subjects(membership),
                )
            )
        audit.record_many(self.user, entries, also=run)
        return {"created": len(creates), "updated": len(updates)}


def _subjects(membership):
    """A membership's entries are filed under its person and its organisation too."""
    return [
        bulkrows.subject(Organisation, membership.organisation_id),
        bulkrows.subject(Person, membership.person_id),
    ]
