"""People, matched by e-mail address and written through the actors app's services (their rules,
derived fields and audit entries apply unchanged)."""

from django.utils.translation import gettext as _

from bruecken.actors import services as actor_services
from bruecken.actors.models import Person

from .. import parsing
from .base import Plan, ServiceImporter, choice_lookup, chunks, compare_links, twice
from .columns import PERSON_COLUMNS, normalise

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
        for chunk in chunks(emails):
            for person in Person.objects.filter(email__in=chunk):
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
                if plan.action == "update" and not self.user.has_perm(
                    "actors.change_person", match
                ):
                    row.error("email", _("you may not change this person"))
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
