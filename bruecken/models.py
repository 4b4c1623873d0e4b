"""The project's own models: shared infrastructure that every app may use."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """One row counting changes to what the public site shows: cached pages are keyed by it,
    so every process sees a change at once, however the cache is shared."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        # Created by the website app, which held it first.
        db_table = "website_contentversion"
        verbose_name = _("content version")

    def __str__(self):
        return str(self.value)


class Timestamped(models.Model):
    """When a row was created and last changed, set by Django on save."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        abstract = True
