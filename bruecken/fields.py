"""Field factories for concepts that recur across the apps' models.

Each returns a fresh field whose deconstruction is exactly what the migrations hold, so a
model reads `recorded_by = acting_user(_("recorded by"))` instead of repeating the options.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def acting_user(verbose_name, *, blank=True):
    """The user who did something (recorded, uploaded, changed it); kept when the user goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name="+",
        verbose_name=verbose_name,
    )


def english_title(verbose_name, max_length=200):
    """The optional English version of a German name or title."""
    return models.CharField(
        verbose_name, max_length=max_length, blank=True, help_text=_("Where it differs.")
    )


def english_text(verbose_name):
    """The optional English version of a German text written for the public (shown on English
    pages; where it is empty they show the German text, marked as German: `translation.py`)."""
    return models.TextField(
        verbose_name, blank=True, help_text=_("Shown on English pages; else the German text.")
    )


def period_constraint(name, start="started_on", end="ended_on"):
    """No end before the start, where both are known, checked by the database."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=name,
    )
