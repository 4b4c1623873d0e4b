"""Municipal partnerships abroad: saved one by one (few rows), their audit entries in one go."""

from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.places.models import Partnership, PartnershipStatus

from .. import parsing
from .base import Importer, choice_lookup, twice
from .columns import PARTNERSHIP_COLUMNS, normalise


class PartnershipImporter(Importer):
    kind = "partnerships"
    columns = PARTNERSHIP_COLUMNS
    model = Partnership
    # The rest identifies a partnership.
    compared = ("country", "since", "status", "note", "source")

    def prepare(self):
        # The status by its code or its label in German or English ("ruhend", "Dormant").
        self.status_choices = choice_lookup(PartnershipStatus.choices)

    def parse_row(self, row):
        values = {"municipality": self.municipality(row)}
        values["partner_name"] = self.length(row, "partner_name", row.text("partner_name"), 200)
        if not values["partner_name"]:
            row.error("partner_name", _("the partner is missing"))
        values["country"] = self.choice(row, "country", "country", True)
        values["kind"] = self.choice(row, "kind", "partnership_kind", True)
        if row.has("since"):
            since = row.convert("since", parsing.parse_year)
            if since is not None and not 1900 <= since <= 2100:
                row.error("since", _("a year between 1900 and 2100"))
            values["since"] = since
        # A blank cell leaves the status as it is (a new partnership: active).
        if row.text("status"):
            values["status"] = self.status(row)
        if row.has("note"):
            values["note"] = row.text("note")
        if row.has("source"):
            source = self.web_address(row, "source", row.text("source"))
            if source is not None:  # else left out, with a warning
                values["source"] = source
        if values["municipality"] is not None and not self.may_manage(values["municipality"]):
            self.out_of_scope(row, "municipality", values["municipality"])
        return values

    def status(self, row):
        status = self.status_choices.get(normalise(row.text("status")))
        if status is None:
            row.error(
                "status",
                _("write one of: %(choices)s")
                % {"choices": ", ".join(str(label) for _value, label in PartnershipStatus.choices)},
            )
        return status

    def plan(self, parsed):
        municipalities = {values["municipality"] for _r, values in parsed} - {None}
        existing = {
            (p.municipality_id, normalise(p.partner_name), p.kind): p
            for p in Partnership.objects.filter(municipality__in=municipalities)
        }
        seen, plans = {}, []
        for row, values in parsed:
            if values["municipality"] is None or row.failed or row.pending:
                continue
            key = (values["municipality"].pk, normalise(values["partner_name"]), values["kind"])
            if twice(row, seen, key, "partner_name"):
                continue
            label = f"{values['municipality']} – {values['partner_name']}"
            plans.append(self.row_plan(row, values, existing.get(key), label))
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
                for name in self.compared:
                    if name in plan.values:
                        setattr(partnership, name, plan.values[name])
                partnership.save()
                updated += 1
                entries.append(_entry(AuditEntry.Action.UPDATE, partnership, plan.changes))
        audit.record_many(self.user, entries, also=run)
        return {"created": created, "updated": updated}


def _entry(action, obj, changes):
    return (action, obj._meta.label_lower, obj.pk, str(obj), changes)
