"""Ties between two organisations (each by name and municipality), written through the actors
app's services."""

from django.db.models import Q
from django.utils.translation import gettext as _

from bruecken.actors import services as actor_services
from bruecken.actors.models import Tie

from .columns import TIE_COLUMNS
from .relations import RelationImporter


class TieImporter(RelationImporter):
    kind = "ties"
    columns = TIE_COLUMNS
    model = Tie
    compared = ("started_on", "ended_on", "note")
    create = staticmethod(actor_services.add_tie)
    update = staticmethod(actor_services.update_tie)

    def parse_row(self, row):
        values = {
            "source_key": self.organisation_ref(row, "source", "source_municipality"),
            "target_key": self.organisation_ref(row, "target", "target_municipality"),
            "kind": self.choice(row, "kind", "tie_kind", True),
        }
        self.period(row, values)
        if row.has("note"):
            values["note"] = row.text("note")
        if values["source_key"] and values["source_key"] == values["target_key"]:
            row.error("target", _("an organisation cannot have a tie with itself"))
        return values

    def plan(self, parsed):
        keys = [values["source_key"] for _r, values in parsed]
        keys += [values["target_key"] for _r, values in parsed]
        self.prepare_organisations(keys)
        plans = []
        for row, values in parsed:
            source = self.resolve(row, values["source_key"], "source")
            target = self.resolve(row, values["target_key"], "target")
            if source is None or target is None:
                continue
            self.check_access(row, source, target)
            if row.failed or row.pending:
                continue
            fields = {k: values.get(k) for k in ("kind", "started_on", "ended_on")}
            fields["note"] = values.get("note", "")
            fields["target"] = target
            pair = Q(source=source, target=target) | Q(source=target, target=source)
            existing = Tie.objects.filter(pair, kind=fields["kind"]).first()
            label = f"{source} – {target}"
            # Only what the file has a column for counts as a change.
            compared = [k for k in self.compared if k in values]
            plans.append(self.row_plan(row, fields, existing, label, source, compared))
        return plans

    def check_access(self, row, source, target):
        """The user may change one of the two, and see both."""
        user = self.user
        may = user.has_perm("actors.change_organisation", source) or user.has_perm(
            "actors.change_organisation", target
        )
        if not may:
            self.out_of_scope(row, "source_municipality", source.municipality)
        elif not (
            user.has_perm("actors.view_organisation", source)
            and user.has_perm("actors.view_organisation", target)
        ):
            row.error("target", _("you may not see this organisation"))
