from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedName(models.Model):
    """Reference data named in both interface languages (from CLDR, ISO or our taxonomy)."""

    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "de").startswith("en") else self.name_de


def sorted_by_name(objects):
    return sorted(objects, key=lambda obj: obj.name.casefold())
