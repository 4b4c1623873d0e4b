"""The advice migrant organisations received (the flyer's advisory seminars and individual
consultations) with the next steps agreed and a follow-up date the advisor is reminded of."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from bruecken.accounts import roles
from bruecken.accounts.models import Role, RoleAssignment, User
from bruecken.actors.models import Organisation, Topic
from bruecken.events.models import Event
from bruecken.fields import acting_user
from bruecken.programs.models import WorkshopKind


class AdviceKind(models.TextChoices):
    SEMINAR = "seminar", _("advisory seminar")
    CONSULTATION = "consultation", _("consultation")


def recordable_organisations(user):
    """The organisations `user` may record advice for (the list mirror of
    `advisory.record_advice` in rules.py): every one for the program office, else those of the
    municipalities they coordinate."""
    if roles.is_program_office(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(municipality_id__in=roles.coordinated_municipality_ids(user))


# The roles whose holders give advice: the program office, coordinators and facilitators.
ADVISOR_ROLES = (Role.PROGRAM_OFFICE, Role.COORDINATOR, Role.FACILITATOR)


def advisor_choices(user):
    """The staff `user` may name as advisor: anyone of the program office and of the
    municipalities' staff for the program office; for a coordinator the program office and the
    coordinators and facilitators of their own municipalities (not other municipalities'
    staff, whose names and addresses are not theirs to browse)."""
    assignments = RoleAssignment.objects.filter(role__in=ADVISOR_ROLES)
    if not roles.is_program_office(user):
        assignments = assignments.filter(
            Q(role=Role.PROGRAM_OFFICE)
            | Q(municipality_id__in=roles.coordinated_municipality_ids(user))
        )
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id")).order_by(
        "full_name", "email", "pk"
    )


def advisory_seminars(user):
    """The advisory seminars `user` may name: the events of kind seminar they see."""
    return (
        Event.objects.visible_to(user)
        .filter(kind=WorkshopKind.SEMINAR)
        .order_by("-starts_at", "-pk")
    )


class AdviceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The list mirror of `advisory.view_advice`: all for the program office; for others the
        advice to organisations of the municipalities they coordinate, the advice they gave
        themselves, and the advice their organisation received."""
        if roles.is_program_office(user):
            return self.all()
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        condition = Q(advisor=user)
        coordinated = roles.coordinated_municipality_ids(user)
        if coordinated:
            condition |= Q(organisation__municipality_id__in=coordinated)
        represented = roles.represented_organisation_ids(user)
        if represented:
            condition |= Q(organisation_id__in=represented)
        return self.filter(condition)

    def follow_up_open(self):
        """A follow-up agreed and not done yet."""
        return self.filter(follow_up_on__isnull=False, follow_up_done_at__isnull=True)

    def follow_up_due(self, on):
        """Open follow-ups whose date has come (`on` or before)."""
        return self.follow_up_open().filter(follow_up_on__lte=on)

    def follow_up_overdue(self, on):
        """Open follow-ups whose date has passed (before `on`)."""
        return self.follow_up_open().filter(follow_up_on__lt=on)


class Advice(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="advice",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AdviceKind.choices)
    # The advisory seminar it was given at (none for a consultation).
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advice",
        verbose_name=_("seminar"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="advice", verbose_name=_("topic areas")
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advice_given",
        verbose_name=_("advisor"),
    )
    given_on = models.DateField(_("date"))
    next_steps = models.TextField(_("agreed next steps"), blank=True)
    follow_up_on = models.DateField(_("follow-up on"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("advisor reminded"), null=True, blank=True)
    recorded_by = acting_user(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = AdviceQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("advice")
        verbose_name_plural = _("advice")
        indexes = [models.Index(fields=["follow_up_on"], name="advice_follow_up")]

    def __str__(self):
        return f"{self.organisation}: {self.topic}"

    def get_absolute_url(self):
        return reverse("advisory:advice_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.follow_up_on and self.given_on and self.follow_up_on < self.given_on:
            errors["follow_up_on"] = _("The follow-up cannot be before the advice was given.")
        if self.event_id:
            event = self.event
            if event.kind != WorkshopKind.SEMINAR:
                errors["event"] = _("Choose an advisory seminar.")
            elif self.kind != AdviceKind.SEMINAR:
                errors["event"] = _("A consultation is not held at a seminar: leave it empty.")
            elif self.given_on and event.starts_at:
                first = timezone.localtime(event.starts_at).date()
                last = timezone.localtime(event.ends_at).date() if event.ends_at else first
                if not first <= self.given_on <= max(first, last):
                    errors["given_on"] = _(
                        "Advice at the seminar is given on the seminar's date (%(date)s)."
                    ) % {"date": formats.date_format(first, "SHORT_DATE_FORMAT")}
        if errors:
            raise ValidationError(errors)

    def follow_up_state(self, today):
        """ "done", "overdue", "due" (today), "open" (later) or "" (no follow-up agreed)."""
        if self.follow_up_on is None:
            return ""
        if self.follow_up_done_at is not None:
            return "done"
        if self.follow_up_on < today:
            return "overdue"
        if self.follow_up_on == today:
            return "due"
        return "open"
