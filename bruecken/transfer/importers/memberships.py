"""Memberships: a person (by e-mail) in an organisation (by name and municipality), written
through the actors app's services."""

from django.utils.translation import gettext as _

from bruecken.actors import services as actor_services
from bruecken.actors.models import Membership, Person

from .. import parsing
from .columns import MEMBERSHIP_COLUMNS
from .relations import RelationImporter


class MembershipImporter(RelationImporter):
    kind = "memberships"
    columns = MEMBERSHIP_COLUMNS
    model = Membership
    compared = ("role", "is_contact", "started_on", "ended_on")
    create = staticmethod(actor_services.add_membership)
    update = staticmethod(actor_services.update_membership)

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

    def plan(self, parsed):
        self.prepare_organisations([values["organisation_key"] for _r, values in parsed])
        emails = {values["email"] for _r, values in parsed if values["email"]}
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
            if person is None and values["email"] and not row.has_error("person_email"):
                row.error("person_email", _("no person has this e-mail address; import them first"))
            organisation = self.resolve(row, values["organisation_key"], "organisation")
            if organisation is not None and not self.user.has_perm(
                "actors.change_organisation", organisation
            ):
                self.out_of_scope(row, "municipality", organisation.municipality)
            if person is None or organisation is None or row.failed:
                continue
            fields = {k: values[k] for k in self.compared if values.get(k) is not None}
            fields["person"] = person
            existing = memberships.get((person.pk, organisation.pk))
            label = f"{person} – {organisation}"
            plans.append(self.row_plan(row, fields, existing, label, parent=organisation))
        return plans
