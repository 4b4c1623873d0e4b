import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bruecken.translation import TranslatedName


class WorldRegion(TranslatedName):
    """A UN M49 region; the Americas split into Latin America and the Caribbean, and Northern
    America."""

    code = models.CharField(_("M49 code"), max_length=3, unique=True)

    class Meta:
        ordering = ["name_de"]
        verbose_name = _("world region")
        verbose_name_plural = _("world regions")


class Country(TranslatedName):
    code = models.CharField(_("ISO 3166 code"), max_length=2, unique=True)
    region = models.ForeignKey(
        WorldRegion, on_delete=models.PROTECT, related_name="countries", verbose_name=_("region")
    )
    subregion = models.CharField(_("UN sub-region"), max_length=100, blank=True)

    class Meta:
        ordering = ["name_de"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")


class Language(TranslatedName):
    code = models.CharField(_("ISO 639-1 code"), max_length=3, unique=True)

    class Meta:
        ordering = ["name_de"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class FederalState(models.TextChoices):
    """The Länder, keyed by the first two digits of the official municipality key (AGS)."""

    SH = "01", "Schleswig-Holstein"
    HH = "02", "Hamburg"
    NI = "03", "Niedersachsen"
    HB = "04", "Bremen"
    NW = "05", "Nordrhein-Westfalen"
    HE = "06", "Hessen"
    RP = "07", "Rheinland-Pfalz"
    BW = "08", "Baden-Württemberg"
    BY = "09", "Bayern"
    SL = "10", "Saarland"
    BE = "11", "Berlin"
    BB = "12", "Brandenburg"
    MV = "13", "Mecklenburg-Vorpommern"
    SN = "14", "Sachsen"
    ST = "15", "Sachsen-Anhalt"
    TH = "16", "Thüringen"


class MunicipalityKind(models.TextChoices):
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    MUNICIPALITY = "municipality", pgettext_lazy("kind of municipality", "municipality")


AGS_LENGTH = {
    MunicipalityKind.CITY: 8,
    MunicipalityKind.MUNICIPALITY: 8,
    MunicipalityKind.DISTRICT: 5,
}


def validate_ags(ags, kind):
    """Check an official key (Amtlicher Gemeindeschlüssel) against the kind of municipality."""
    if not re.fullmatch(r"[0-9]+", ags or ""):
        raise ValidationError(_("The official key (AGS) consists of digits only."), code="digits")
    expected = AGS_LENGTH.get(kind)
    if expected and len(ags) != expected:
        if kind == MunicipalityKind.DISTRICT:
            message = _("A district's official key (AGS) has 5 digits.")
        else:
            message = _("A city's or municipality's official key (AGS) has 8 digits.")
        raise ValidationError(message, code="length")
    if ags[:2] not in FederalState.values:
        raise ValidationError(
            _("The official key (AGS) must start with a federal state number from 01 to 16."),
            code="state",
        )


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=MunicipalityKind.choices)
    ags = models.CharField(
        _("official key (AGS)"),
        max_length=8,
        unique=True,
        help_text=_("8 digits for a city or municipality, 5 for a district."),
    )
    federal_state = models.CharField(
        _("federal state"), max_length=2, choices=FederalState.choices, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.federal_state and self.ags:
            self.federal_state = self.ags[:2]
        super().save(*args, **kwargs)

    def clean(self):
        try:
            validate_ags(self.ags, self.kind)
        except ValidationError as error:
            raise ValidationError({"ags": error}) from error
        state_from_key = self.ags[:2]
        if not self.federal_state:
            self.federal_state = state_from_key
        elif self.federal_state != state_from_key:
            raise ValidationError(
                {
                    "federal_state": _("The official key (AGS) belongs to %(state)s.")
                    % {"state": FederalState(state_from_key).label}
                }
            )


class PartnershipKind(models.TextChoices):
    CITY = "city", _("city partnership")
    DISTRICT = "district", _("district partnership")
    PROJECT = "project", _("project partnership")
    CLIMATE = "climate", _("climate partnership")
    FRIENDSHIP = "friendship", _("friendship")
    SCHOOL_EXCHANGE = "school_exchange", _("school exchange")
    OTHER = "other", _("other")


class PartnershipStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    DORMANT = "dormant", _("dormant")
    ENDED = "ended", _("ended")


class PartnershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=PartnershipStatus.ACTIVE)


class Partnership(models.Model):
    """A municipality's partnership with a locality abroad (Nord-Süd-Partnerschaft)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("municipality"),
    )
    partner_name = models.CharField(_("partner"), max_length=200)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("country")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PartnershipKind.choices)
    since = models.PositiveSmallIntegerField(
        _("since (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PartnershipStatus.choices,
        default=PartnershipStatus.ACTIVE,
    )
    note = models.TextField(_("note"), blank=True)
    source = models.URLField(_("source"), max_length=500, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "since", "partner_name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "partner_name", "kind"], name="unique_partnership"
            )
        ]

    def __str__(self):
        return f"{self.municipality} – {self.partner_name}"
