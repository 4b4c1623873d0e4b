"""The scope of a network page: a program (optionally one of its municipalities) or a
municipality, with what the pages need of it in a fixed number of queries."""

from dataclasses import dataclass

from bruecken.events.models import Event

from .graph import workshop_days


@dataclass
class Scope:
    program: object = None
    municipality: object = None

    @property
    def key(self):
        """A text naming the scope, for cache keys."""
        program = self.program.pk if self.program else "-"
        municipality = self.municipality.pk if self.municipality else "-"
        return f"program:{program}:municipality:{municipality}"

    def workshops(self):
        events = Event.objects.filter(
            process__isnull=False, cancelled_at__isnull=True, starts_at__isnull=False
        )
        if self.program is not None:
            events = events.filter(process__program=self.program)
        if self.municipality is not None:
            events = events.filter(process__municipality=self.municipality)
        return events

    def snapshot_dates(self):
        """The snapshot days of every local process in the scope (`graph.workshop_days` of
        each), merged and in order, from one query."""
        by_process = {}
        for process, starts_at in (
            self.workshops().order_by().values_list("process_id", "starts_at")
        ):
            by_process.setdefault(process, []).append(starts_at)
        dates = set()
        for starts in by_process.values():
            dates.update(workshop_days(starts))
        return sorted(dates)
