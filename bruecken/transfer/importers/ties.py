"""Ties between two organisations (each by name and municipality), written set-based like
organisations. The rules of the actors app's services (`add_tie`, `update_tie`) are checked in
the plan and reported row by row."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.actors.models import Organisation, Tie
from bruecken.actors.services import TIE_FIELDS

from . import bulkrows
from .base import chunks, twice
from .columns import TIE_COLUMNS
from .relations import RelationImporter


class TieImporter(RelationImporter):
    kind = "ties"
    columns = TIE_COLUMNS
    model = Tie
    compared = ("started_on", "ended_on", "note")

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
        existing = self._existing_ties()
        self.access = {}
        seen, plans = {}, []
        for row, values in parsed:
            source = self.resolve(row, values["source_key"], "source")
            target = self.resolve(row, values["target_key"], "target")
            if source is None or target is None:
                continue
            self.check_access(row, source, target)
            if row.failed or row.pending:
                continue
            pair = (min(source.pk, target.pk), max(source.pk, target.pk), values["kind"])
            if twice(row, seen, pair, "target"):
                continue
            fields = {k: values.get(k) for k in ("kind", "started_on", "ended_on")}
            fields["note"] = values.get("note", "")
            fields["target"] = target
            label = f"{source} – {target}"
            # Only what the file has a column for counts as a change.
            compared = [k for k in self.compared if k in values]
            plan = self.row_plan(row, fields, existing.get(pair), label, source, compared)
            self.check_update_period(row, plan)
            plans.append(plan)
        return plans

    def _existing_ties(self):
        """The recorded ties between the rows' organisations, by (lower id, higher id, kind):
        a tie either way round is the same tie; of several, the latest started (the
        model's order) counts."""
        ids = sorted({organisation.pk for organisation in self.organisations.values()})
        wanted = set(ids)
        ties = {}
        for chunk in chunks(ids):
            for tie in Tie.objects.filter(source_id__in=chunk).select_related("source", "target"):
                if tie.target_id in wanted:
                    pair = (min(tie.source_id, tie.target_id), max(tie.source_id, tie.target_id))
                    ties.setdefault((*pair, tie.kind), tie)
        return ties

    def check_access(self, row, source, target):
        """The user may change one of the two, and see both (asked once per organisation)."""
        if not self._may(source, "change") and not self._may(target, "change"):
            self.out_of_scope(row, "source_municipality", source.municipality)
        elif not (self._may(source, "view") and self._may(target, "view")):
            row.error("target", _("you may not see this organisation"))

    def _may(self, organisation, action):
        key = (organisation.pk, action)
        if key not in self.access:
            self.access[key] = self.user.has_perm(f"actors.{action}_organisation", organisation)
        return self.access[key]

    def write(self, plans, run, progress=None):
        creates = [plan for plan in plans if plan.action == "create"]
        updates = [plan for plan in plans if plan.action == "update"]
        steps = bulkrows.Steps(2 * len(creates) + len(updates), progress)
        now = timezone.now()
        ties = [
            Tie(source=plan.existing, recorded_by=self.user, recorded_at=now, **plan.values)
            for plan in creates
        ]
        bulkrows.insert(Tie, ties, ("source_id", "target_id", "kind", "recorded_at"), steps)
        changed, names = [], set()
        for plan in updates:
            tie = plan.existing
            for name in plan.changes:
                setattr(tie, name, plan.values[name])
                names.add(name)
            changed.append(tie)
        bulkrows.update(Tie, changed, names, steps)
        entries = []
        created = bulkrows.created_changes(Tie, TIE_FIELDS)
        for tie in ties:
            changes = created(tie)
            entries.append(
                (AuditEntry.Action.CREATE, "actors.tie", tie.pk, str(tie), changes, _subjects(tie))
            )
            steps.advance(1)
        for tie, plan in zip(changed, updates, strict=True):
            entries.append(
                (
                    AuditEntry.Action.UPDATE,
                    "actors.tie",
                    tie.pk,
                    str(tie),
                    plan.changes,
                    _subjects(tie),
                )
            )
        audit.record_many(self.user, entries, also=run)
        return {"created": len(creates), "updated": len(updates)}


def _subjects(tie):
    """A tie's entries are filed under both its organisations too."""
    return [
        bulkrows.subject(Organisation, tie.source_id),
        bulkrows.subject(Organisation, tie.target_id),
    ]
