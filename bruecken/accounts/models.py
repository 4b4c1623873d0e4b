from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from bruecken.fields import acting_user


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. E-mail is the login; there is no user name."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="de"
    )
    is_staff = models.BooleanField(
        _("admin access"),
        default=False,
        help_text=_("May log in to the Django admin (the program office)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def roles_cached(self):
        """The user's role assignments, fetched once per request (rules ask for them often)."""
        if not hasattr(self, "_roles_cache"):
            self._roles_cache = list(self.roles.all())
        return self._roles_cache


class Role(models.TextChoices):
    PROGRAM_OFFICE = "program_office", _("program office")
    COORDINATOR = "coordinator", _("municipal coordinator")
    FACILITATOR = "facilitator", _("facilitator")
    REPRESENTATIVE = "representative", _("organisation representative")
    PARTICIPANT = "participant", _("participant")


def _coordinated_unless_office(user):
    """None for the program office (who manages every role), else the ids of the
    municipalities `user` coordinates. The rule of roles.py, here below it (roles imports
    models)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    assignments = user.roles_cached()
    if user.is_superuser or any(a.role == Role.PROGRAM_OFFICE for a in assignments):
        return None
    return {
        a.municipality_id for a in assignments if a.role == Role.COORDINATOR and a.municipality_id
    }


class ScopedQuerySet(models.QuerySet):
    """Role assignments or invitations: a role in a scope (a municipality or an organisation)."""

    def visible_to(self, user):
        """Those `user` manages: all for the program office; for a coordinator those in their
        municipalities and their municipalities' organisations."""
        ids = _coordinated_unless_office(user)
        if ids is None:
            return self.all()
        if not ids:
            return self.none()
        return self.filter(
            models.Q(municipality_id__in=ids) | models.Q(organisation__municipality_id__in=ids)
        )


def _scope(model, verbose_name, related_name):
    """The municipality or organisation a role is given for (neither for the program office)."""
    return models.ForeignKey(
        model,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class ScopedRole:
    """What role assignments and invitations share: a role, in a scope."""

    def scope_label(self):
        scope = self.municipality or self.organisation
        return f"{self.get_role_display()} ({scope})" if scope else str(self.get_role_display())


class RoleAssignment(ScopedRole, models.Model):
    """What a user may do, and where: a coordinator for one municipality, a representative for
    one organisation. A user may hold several assignments."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    municipality = _scope("places.Municipality", _("municipality"), "role_assignments")
    organisation = _scope("actors.Organisation", _("organisation"), "role_assignments")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        # One assignment per role and scope. Three conditional constraints, because a
        # plain unique constraint treats the empty scopes (NULL) as all different.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(municipality__isnull=True, organisation__isnull=True),
                name="unique_unscoped_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=models.Q(municipality__isnull=False),
                name="unique_municipality_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="unique_organisation_role",
            ),
        ]

    def __str__(self):
        return self.scope_label()

    def clean(self):
        needs_municipality = {Role.COORDINATOR, Role.FACILITATOR}
        if self.role in needs_municipality and not self.municipality_id:
            raise ValidationError({"municipality": _("This role needs a municipality.")})
        if self.role == Role.REPRESENTATIVE and not self.organisation_id:
            raise ValidationError({"organisation": _("This role needs an organisation.")})


class AuditEntry(models.Model):
    """Who changed what, when. Written by the service functions, never edited."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = acting_user(_("by"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        # In local time and the reader's format, as everywhere else (not UTC as text).
        at = formats.date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{at} {self.user or '–'} {self.get_action_display()} {self.object_repr}"


class AuditSubject(models.Model):
    """Each object an entry concerns, so that a membership's change also shows in the history of
    its organisation and its person."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.CASCADE, related_name="subjects")
    key = models.CharField(max_length=80, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "key"], name="unique_subject")]

    def __str__(self):
        return self.key


class InvitationQuerySet(ScopedQuerySet):
    """The states of an invitation, as conditions on the instant `now` (default: this moment)."""

    def pending(self, now=None):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )

    def accepted(self):
        return self.filter(accepted_at__isnull=False)

    def expired(self, now=None):
        return self.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__lte=now or timezone.now(),
        )

    def revoked(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=False)


class AccountInvitation(ScopedRole, models.Model):
    """An invitation by e-mail to an account with a role. Only a hash of the link's token is
    kept: whoever reads the database cannot accept it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    municipality = _scope("places.Municipality", _("municipality"), "account_invitations")
    organisation = _scope("actors.Organisation", _("organisation"), "account_invitations")
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="de"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    invited_by = acting_user(_("invited by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = acting_user(_("account"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("account invitation")
        verbose_name_plural = _("account invitations")
        indexes = [models.Index(fields=["email"])]

    def __str__(self):
        return f"{self.email}: {self.scope_label()}"

    def status(self, now=None):
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self):
        return self.status().label
