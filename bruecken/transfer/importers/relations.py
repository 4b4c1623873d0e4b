"""What the kinds that link to organisations share (memberships, ties): a row names an
organisation by its name and municipality, and may give a period from … until."""

import functools

from django.utils.translation import gettext as _

from bruecken.actors.models import name_key

from .. import parsing
from .base import Importer, organisations_by_key

# Kept: the rows of a file name the same organisations again and again.
organisation_key = functools.lru_cache(maxsize=100_000)(name_key)
# What a relation needs of the organisations it names (besides id, municipality and name key).
RELATED_FIELDS = ("name", "consent_given_at")


class RelationImporter(Importer):
    def prepare_organisations(self, keys):
        """Organisations by (municipality id, name key) for the rows' references: with what the
        rules of who may change and see them ask (`actors/rules.py`) and their name, for the
        messages and the audit."""
        self.organisations = organisations_by_key(
            [key for key in keys if key is not None],
            fields=RELATED_FIELDS,
            municipalities=self.municipality_by_pk,
        )

    def organisation_ref(self, row, name_column, municipality_column, ags_column=None):
        name = row.text(name_column)
        municipality = self.municipality(row, municipality_column, ags_column)
        if not name:
            row.error(name_column, _("the organisation is missing"))
            return None
        if municipality is None:
            return None
        return (municipality.pk, organisation_key(name))

    def resolve(self, row, key, column):
        if key is None:
            return None  # the row names no organisation it can be found by: an error already
        organisation = self.organisations.get(key)
        if organisation is None:
            row.error(column, _("no such organisation in this municipality; import it first"))
        return organisation

    def period(self, row, values):
        for key in ("started_on", "ended_on"):
            if row.has(key):
                values[key] = row.convert(key, parsing.parse_date)
        started, ended = values.get("started_on"), values.get("ended_on")
        if started and ended and ended < started:
            row.error("ended_on", _("the end lies before the start"))

    def check_update_period(self, row, plan):
        """An update that changes one end of a period must not put it before the other end
        the entry keeps."""
        if plan.action != "update":
            return
        started, ended = (
            plan.values.get(name) if name in plan.changes else getattr(plan.existing, name)
            for name in ("started_on", "ended_on")
        )
        if started and ended and ended < started and not row.has_error("ended_on"):
            row.error("ended_on", _("the end lies before the start"))
