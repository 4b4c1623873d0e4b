"""Partnerships abroad brought together with the diaspora: what a partnership seeks (topics,
languages, forms of engagement, who carries it at home) and the introductions Brücken proposes
between a partnership's municipality and an organisation, or between two organisations.

The partnership itself (partner, country, kind, since, status) is a public fact in `places`;
what refers to actors lives here, one layer above them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bruecken.accounts import roles
from bruecken.actors.models import (
    EngagementForm,
    Organisation,
    Person,
    Tie,
    Topic,
)
from bruecken.fields import acting_user
from bruecken.places.models import Language, Municipality, Partnership


class PartnershipProfile(models.Model):
    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("partnership"),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="partnerships", verbose_name=_("topics")
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="partnerships", verbose_name=_("working languages")
    )
    engagement_forms = models.ManyToManyField(
        EngagementForm,
        blank=True,
        related_name="partnerships",
        verbose_name=_("forms of engagement sought"),
    )
    # The municipal side of an introduction: the tie it leads to is recorded with this
    # organisation (e.g. the city's office for international cooperation).
    carried_by = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_partnerships",
        verbose_name=_("carried by"),
    )
    contacts = models.ManyToManyField(
        Person, blank=True, related_name="partnership_contacts", verbose_name=_("contacts")
    )

    class Meta:
        verbose_name = _("partnership profile")
        verbose_name_plural = _("partnership profiles")

    def __str__(self):
        return str(self.partnership)


class IntroductionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")
    EXPIRED = "expired", _("expired")


OPEN_OR_ACCEPTED = [IntroductionStatus.PROPOSED, IntroductionStatus.ACCEPTED]


class IntroductionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The introductions `user` sees in the staff list: all for the program office, those
        of their municipalities for a coordinator (the list mirror of
        `partnerships.manage_introduction`)."""
        if roles.is_program_office(user):
            return self.all()
        return self.filter(municipality_id__in=roles.coordinated_municipality_ids(user))


class Introduction(models.Model):
    """A proposal to two organisations to get to know each other. For a partnership, `first` is
    the organisation that carries it in the municipality. Accepted when every side accepted;
    then `tie` holds the dated tie of kind "introduction"."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="introductions",
        verbose_name=_("municipality"),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions",
        verbose_name=_("partnership"),
    )
    first = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="introductions_first",
        verbose_name=_("organisation"),
    )
    second = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="introductions_second",
        verbose_name=_("with organisation"),
    )
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    # The reasons as the matching gave them when proposed, in both languages:
    # {"de": [...], "en": [...], "en_parts": [...]} (the e-mails quote them; a later change of
    # data does not). "en_parts": each English reason as (text, language) parts, where it quotes
    # German content (`matching.Reason`).
    reasons = models.JSONField(_("reasons"), default=dict, blank=True)
    message = models.TextField(_("personal message"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=IntroductionStatus.choices,
        default=IntroductionStatus.PROPOSED,
    )
    proposed_by = acting_user(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    tie = models.OneToOneField(
        Tie,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introduction",
        verbose_name=_("tie"),
    )

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(first=models.F("second")), name="introduction_not_self"
            ),
            # One open or accepted introduction per ordered pair; the service also checks the
            # reverse order and earlier declines.
            models.UniqueConstraint(
                fields=["first", "second"],
                condition=Q(status__in=OPEN_OR_ACCEPTED),
                name="one_live_introduction_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.first} – {self.second}"


class Answer(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class IntroductionAnswer(models.Model):
    """One side's answer, given through the single-use link in its e-mail (only the token's
    hash is stored)."""

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=5, default="de")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("link valid until"))
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["introduction", "id"]
        verbose_name = _("answer to an introduction")
        verbose_name_plural = _("answers to introductions")
        constraints = [
            models.UniqueConstraint(
                fields=["introduction", "organisation"], name="one_answer_per_side"
            )
        ]

    def __str__(self):
        return f"{self.introduction}: {self.organisation}"


class Match(models.Model):
    """A suggestion stored by the background computation (`stored.store`): computed as the
    partnership's municipality sees the organisations (its own and the consented ones); whoever
    reads it filters by what they may see (`stored.stored_for`)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="matches")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="matches")
    score = models.PositiveSmallIntegerField(_("score"))
    reach = models.CharField(_("reach"), max_length=12)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["partnership", "pk"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="one_match_per_pair"
            )
        ]

    def __str__(self):
        return f"{self.partnership} – {self.organisation}"
