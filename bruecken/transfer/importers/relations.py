"""What the kinds that link to organisations share (memberships, ties): a row names an
organisation by its name and municipality, and may give a period from … until."""

from django.utils.translation import gettext as _

from bruecken.actors.models import name_key

from .. import parsing
from .base import ServiceImporter, organisations_by_key


class RelationImporter(ServiceImporter):
    def prepare_organisations(self, keys):
        """Organisations by (municipality id, name key) for the rows' references."""
        self.organisations = organisations_by_key([key for key in keys if key is not None])

    def organisation_ref(self, row, name_column, municipality_column, ags_column=None):
        name = row.text(name_column)
        municipality = self.municipality(row, municipality_column, ags_column)
        if not name:
            row.error(name_column, _("the organisation is missing"))
            return None
        if municipality is None:
            return None
        return (municipality.pk, name_key(name))

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
