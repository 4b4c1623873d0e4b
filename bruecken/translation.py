import re
import unicodedata

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
        return self.name_en if is_english() else self.name_de


def collation_key(text):
    """Sort and compare names as a German reader does: "Äthiopien" next to "Athen", not after
    "Zypern"; case, accents, spacing and punctuation aside."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", letters).strip()


def sorted_by_name(objects):
    return sorted(objects, key=lambda obj: collation_key(obj.name))


def is_english():
    return (get_language() or "de").startswith("en")


def localized(obj, field):
    """A content field in the active language: its English version (`<field>_en`) when English
    is active and that is filled in, else the German one."""
    if is_english():
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, field)


def shows_german(obj, field):
    """Whether `localized(obj, field)` shows German text on an English page: there is German
    text and no English version. Such text carries lang="de" and a visible note."""
    return is_english() and bool(getattr(obj, field, "")) and not getattr(obj, f"{field}_en", "")
