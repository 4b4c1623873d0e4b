from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """The figures of a network on one day (a row of the chart "figures over time"), kept for
    the content version they were computed from. Pages read them instead of measuring every
    workshop date again; for large networks a background task computes them."""

    scope = models.CharField(_("scope"), max_length=200)
    day = models.DateField(_("day"))
    version = models.PositiveBigIntegerField(_("content version"))
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)

    class Meta:
        verbose_name = _("network snapshot")
        verbose_name_plural = _("network snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "version", "day"], name="network_snapshot_once_per_version"
            )
        ]

    def __str__(self):
        return f"{self.scope} {self.day}"
