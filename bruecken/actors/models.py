from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from bruecken import fulltext
from bruecken.accounts import roles
from bruecken.fields import acting_user, english_text, period_constraint
from bruecken.models import Timestamped
from bruecken.places.models import Country, Language, Municipality
from bruecken.translation import TranslatedName, collation_key


def name_key(name):
    """What makes two organisation names "the same" ("Verein Düren" and "verein duren"), and
    the order lists sort them in."""
    return collation_key(name)


class Topic(TranslatedName):
    """The taxonomy: the 17 Sustainable Development Goals and development-education topics."""

    class Group(models.TextChoices):
        SDG = "sdg", _("Sustainable Development Goal")
        EDUCATION = "education", _("development education")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class EngagementForm(TranslatedName):
    """How an actor works for development: aid projects, remittances, knowledge transfer, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("form of engagement")
        verbose_name_plural = _("forms of engagement")


class OrganisationKind(models.TextChoices):
    MIGRANT_ORGANISATION = "migrant_organisation", _("migrant organisation")
    ADMINISTRATION = "administration", _("municipal administration")
    NGO = "ngo", _("NGO")
    EDUCATION = "education", _("education")
    FAITH_COMMUNITY = "faith_community", _("faith community")
    FOUNDATION = "foundation", _("foundation")
    BUSINESS = "business", _("business")
    NETWORK = "network", _("network")
    OTHER = "other", _("other")


NOTHING = Q(pk__in=[])
PUBLIC = Q(consent_given_at__isnull=False)


def _signed_in(user):
    return user is not None and user.is_authenticated and user.is_active


class ConsentQuerySet(fulltext.Searchable, models.QuerySet):
    """The one home of "shown in public" and of who may see which actor (the list-page mirror of
    the `view_*` rules in `rules.py`)."""

    def public(self):
        """What the public sees: the actors that consented to publication."""
        return self.filter(PUBLIC)

    def visible_to(self, user, private=False):
        """What `user` may see; private=True: only what they may see including non-public
        details."""
        return self.filter(self.model.visibility_q(user, private))

    def search_as(self, user, text):
        """What `user` finds by `text` (`search`, best first): the name and public part of every
        document, its private part (a person's countries) only where `user` may see the actor's
        private details (`visibility_q(user, private=True)`)."""
        searched = self.search(text)
        private = self.model.visibility_q(user, private=True)
        if not fulltext.has_private(self.model) or private == Q() or searched is self:
            return searched
        return searched.filter(
            private | fulltext.held_in(searched, text, (fulltext.NAME, fulltext.PUBLIC))
        )


def email_address(text):
    """`text` if it is one e-mail address (lower-cased, as people's are stored), else None."""
    text = (text or "").strip()
    if "@" not in text or len(text) > 254 or any(ch.isspace() or ch == "\x00" for ch in text):
        return None
    try:
        validate_email(text)
    except ValidationError:
        return None
    return text.lower()


def hidden_organisation_name(number=None):
    """How an organisation appears to a reader who may not see it: not by its name (nor with
    its id or address), numbered where several must be told apart (a network's nodes)."""
    if number is None:
        return gettext("Organisation (not public)")
    return gettext("Organisation %(number)s (not public)") % {"number": number}


class OrganisationQuerySet(ConsentQuerySet):
    def visible_ids(self, user):
        """The ids of the organisations `user` may see: those named to them."""
        return set(self.visible_to(user).values_list("pk", flat=True))

    def shown_to(self, user, organisations):
        """The one rule for how organisations appear to `user` wherever they are named beside
        others (ties, memberships, partners, network nodes): by name where `user` may see them
        (`visible_to`), else as `hidden_organisation_name()`, without link. Sets `shown_name`
        and `hidden` on each of `organisations` (one query) and returns them as a list."""
        organisations = [o for o in organisations if o is not None]
        pks = {o.pk for o in organisations}
        visible = set(self.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))
        return _mark(organisations, visible)

    def shown_in(self, municipality_id, organisations):
        """The same for a document that every staff member of a municipality reads (a stored
        report): what all of them see – the municipality's own and the public organisations."""
        organisations = [o for o in organisations if o is not None]
        visible = {
            o.pk for o in organisations if o.municipality_id == municipality_id or o.is_public
        }
        return _mark(organisations, visible)


def _mark(organisations, visible):
    for organisation in organisations:
        organisation.hidden = organisation.pk not in visible
        organisation.shown_name = (
            hidden_organisation_name() if organisation.hidden else organisation.name
        )
    return organisations


class Consent(models.Model):
    """Consent to publish: who gave it and when. Without it nothing of the actor is public."""

    consent_given_at = models.DateTimeField(_("consent to publish given on"), null=True, blank=True)
    consent_given_by = models.CharField(
        _("consent given by"),
        max_length=200,
        blank=True,
        help_text=_("Who gave the consent, e.g. the chair of the association."),
    )
    consent_recorded_by = acting_user(_("consent recorded by"))

    class Meta:
        abstract = True

    @property
    def is_public(self):
        return self.consent_given_at is not None


class Actor(Consent, Timestamped):
    """What organisations and people share: consent to publish, the demo flag, and the text the
    search looked in before the full-text index (bruecken/fulltext/; `derive_fields`
    computes it on save)."""

    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    # Lower-cased name and the like, for a LIKE. The searches use the full-text index
    # (`.search()`); the benchmark measures it against this LIKE.
    search_text = models.TextField(editable=False, default="")

    objects = ConsentQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)


# Facts of an organisation that a listing request asks for too, declared once for both.


def _municipality(related_name):
    return models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name=related_name,
        verbose_name=_("municipality"),
    )


def _countries(related_name):
    return models.ManyToManyField(
        Country, blank=True, related_name=related_name, verbose_name=_("countries of engagement")
    )


def _founding_year():
    return models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )


class Organisation(Actor):
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    municipality = _municipality("organisations")
    countries = _countries("organisations")
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="organisations", verbose_name=_("topics")
    )
    engagement_forms = models.ManyToManyField(
        EngagementForm,
        blank=True,
        related_name="organisations",
        verbose_name=_("forms of engagement"),
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="organisations", verbose_name=_("languages")
    )
    competences = models.TextField(
        _("competences"), blank=True, help_text=_("What the organisation can offer.")
    )
    competences_en = english_text(_("competences (English)"))
    description = models.TextField(_("description"), blank=True)
    description_en = english_text(_("description (English)"))
    website = models.URLField(_("website"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    address = models.TextField(_("address"), blank=True)
    founded = _founding_year()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        # pk breaks ties, so that pages never repeat or skip an organisation.
        ordering = ["name_key", "pk"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name_key"], name="unique_organisation_name"
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "kind"]),
            models.Index(fields=["name_key"]),
            # The public directory: its count and its pages in order, from the index alone.
            models.Index(
                fields=["name_key", "id"], condition=PUBLIC, name="actors_organisation_public"
            ),
            # Who may see an organisation (`visibility_q`), read with its id from the index
            # alone: a coordinator's search looks up each organisation found (PostgreSQL read
            # the whole table instead: "athiopisch" 26 → 10 ms at 50,000 organisations).
            models.Index(
                fields=["id", "municipality", "consent_given_at"], name="organisation_visibility"
            ),
        ]

    def get_absolute_url(self):
        return reverse("actors:organisation_detail", args=[self.pk])

    @staticmethod
    def derived(name, competences="", description="", email=""):
        """What an organisation computes from its fields: the tidied name, the key that makes
        two names "the same", and the lower-cased text the search looks in. The one rule, used
        by save() and by the bulk import's rows that bypass it."""
        name = " ".join(name.split())
        parts = (name, competences, description, email)
        return {
            "name": name,
            "name_key": name_key(name),
            "search_text": "\n".join((part or "").casefold() for part in parts),
        }

    def derive_fields(self):
        values = self.derived(self.name, self.competences, self.description, self.email)
        for field, value in values.items():
            setattr(self, field, value)

    @staticmethod
    def visibility_q(user, private=False):
        """Organisations the user may see (private=True: including their non-public data)."""
        if roles.is_program_office(user):
            return Q()
        condition = NOTHING if private else PUBLIC
        if not _signed_in(user):
            return condition
        municipalities = roles.working_municipality_ids(user)
        if municipalities:
            condition |= Q(municipality_id__in=municipalities)
        represented = roles.represented_organisation_ids(user)
        if represented:
            condition |= Q(pk__in=represented)
        return condition

    @property
    def is_migrant_organisation(self):
        return self.kind == OrganisationKind.MIGRANT_ORGANISATION


class PersonQuerySet(ConsentQuerySet):
    def accepting_emails(self):
        """The people who may get e-mails beyond what they asked for (reminders, news): the one
        home of the e-mail consent (`Person.accepts_emails`). Confirmations, changes and
        cancellations of what they signed up to are sent regardless."""
        return self.filter(accepts_emails=True)

    def search_as(self, user, text):
        """As for any actor, and by an e-mail address, whole and exact, among the people whose
        contact details `user` may see: addresses are in no search document, so that nobody
        finds a person by one they may not read."""
        address = email_address(text)
        if address is not None:
            return self.filter(self.model.visibility_q(user, private=True), email=address)
        return super().search_as(user, text)


class Person(Actor):
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("municipality"),
        help_text=_("Where the person is active; their organisations' municipalities count too."),
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="people", verbose_name=_("languages")
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="people", verbose_name=_("countries")
    )
    competences = models.TextField(_("competences"), blank=True)
    language = models.CharField(
        _("language for e-mails"), max_length=5, choices=settings.LANGUAGES, default="de"
    )
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    is_multiplier = models.BooleanField(_("multiplier"), default=False)
    # The parts of the consent a person withdraws on their own (bruecken/privacy/consents.py):
    # being named as a member of their organisations (which also needs the consent to publish),
    # and e-mails that are not needed for what they signed up to (reminders, news).
    shown_as_member = models.BooleanField(
        _("shown as member of their organisations"),
        default=True,
        help_text=_("In public only together with the consent to publish."),
    )
    accepts_emails = models.BooleanField(_("receives reminders and news by e-mail"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["email"]),
            # Every request looks up the signed-in user's person (accounts/backends.py). Once
            # SQLite's ANALYZE has run, its statistics count the people without an account as
            # one value of the unique index on `user`, rate it useless and scan all people
            # instead (37 ms a request at 229,000 people); this index holds only the others.
            models.Index(
                fields=["user"], condition=models.Q(user__isnull=False), name="person_with_account"
            ),
            # Who may see a person (`visibility_q`), with the id, from the index alone: for each
            # person a coordinator's search finds, and SQLite counts a coordinator's people
            # through it (the list 84 → 56 ms at 229,110 people).
            models.Index(
                fields=["id", "municipality", "consent_given_at", "user"],
                name="person_visibility",
            ),
        ]

    def get_absolute_url(self):
        return reverse("actors:person_detail", args=[self.pk])

    def derive_fields(self):
        """What a person computes from its fields on save (and the bulk import before it
        writes rows): the tidied name and address, and the text the search looks in."""
        self.name = " ".join(self.name.split())
        self.email = self.email.lower()
        self.search_text = "\n".join(
            part.casefold() for part in (self.name, self.email, self.competences)
        )

    @staticmethod
    def visibility_q(user, private=False):
        """People the user may see (private=True: including their non-public data): their own
        record, the people of their municipalities and of the organisations they represent."""
        if roles.is_program_office(user):
            return Q()
        condition = NOTHING if private else PUBLIC
        if not _signed_in(user):
            return condition
        condition |= Q(user_id=user.pk)
        municipalities = roles.working_municipality_ids(user)
        if municipalities:
            condition |= Q(municipality_id__in=municipalities) | _members_in(municipalities)
        represented = roles.represented_organisation_ids(user)
        if represented:
            condition |= Exists(
                Membership.objects.filter(person=OuterRef("pk"), organisation_id__in=represented)
            )
        return condition


def _members_in(municipalities):
    """People who are members of an organisation of `municipalities`: a condition on people.
    SQLite builds the list of them once (asked for each person, counting a coordinator's
    62,133 of 229,110 people took 161 ms, now 63); PostgreSQL is asked for each, which lets it
    start a search from the documents found (with the list it read every person: 65 → 90 ms)."""
    members = Membership.objects.filter(organisation__municipality_id__in=municipalities)
    if connection.vendor == "sqlite":
        return Q(pk__in=members.values("person_id"))
    return Q(Exists(members.filter(person=OuterRef("pk"))))


def check_period(started_on, ended_on):
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": _("The end lies before the start.")})


class PeriodQuerySet(models.QuerySet):
    """Memberships and ties: rows with a period (`started_on`, `ended_on`)."""

    def current(self, on=None):
        """Those that have not ended by `on` (today in the site's time zone)."""
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))

    def overlapping(self, started_on, ended_on):
        """Those that share a day with the period `started_on`–`ended_on` (either end open)."""
        found = self.current(on=started_on) if started_on else self
        if ended_on:
            found = found.filter(Q(started_on__isnull=True) | Q(started_on__lte=ended_on))
        return found


class MembershipQuerySet(PeriodQuerySet):
    def public(self):
        """Memberships the public may see: both the person and the organisation consented, and
        the person did not withdraw being shown as a member."""
        return self.filter(
            person__consent_given_at__isnull=False,
            person__shown_as_member=True,
            organisation__consent_given_at__isnull=False,
        )

    def visible_to(self, user):
        """Memberships `user` may see: the public ones, and those of the organisations and
        people whose non-public data they may see."""
        if roles.is_program_office(user):
            return self.all()
        condition = Q(pk__in=self.model.objects.public().values("pk"))
        if _signed_in(user):
            condition |= Q(
                organisation__in=Organisation.objects.visible_to(user, private=True)
            ) | Q(person__in=Person.objects.visible_to(user, private=True))
        return self.filter(condition)


class Membership(models.Model):
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
        # Indexed with the organisation (Meta.indexes), which serves lookups by person as well.
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
        # Indexed with the person (Meta.indexes), as the person with the organisation.
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=100, blank=True)
    is_contact = models.BooleanField(_("contact person"), default=False)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "person__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [period_constraint("membership_period")]
        # "Is this person a member of an organisation of these municipalities" (who may see a
        # person, `Person.visibility_q`) is asked from the indexes alone, without reading the
        # memberships: row by row from the person's side (SQLite), or as the set of the
        # municipalities' members from the organisations' side (PostgreSQL). Each also serves
        # the lookups by its first column.
        indexes = [
            models.Index(fields=["person", "organisation"], name="membership_person_org"),
            models.Index(fields=["organisation", "person"], name="membership_org_person"),
        ]

    def __str__(self):
        return f"{self.person} – {self.organisation}"

    def clean(self):
        check_period(self.started_on, self.ended_on)


class TieKind(models.TextChoices):
    COOPERATION = "cooperation", _("cooperation")
    JOINT_PROJECT = "joint_project", _("joint project")
    FUNDING = "funding", _("funding")
    NETWORK_MEMBERSHIP = "network_membership", _("network membership")
    PARTNERSHIP = "partnership", _("partnership")
    # Recorded when both sides accepted an introduction Brücken proposed (partnerships app).
    INTRODUCTION = "introduction", _("introduction")


class Tie(models.Model):
    """A relation between two organisations. For funding, `source` funds `target`; the other
    kinds are mutual."""

    source = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="ties_out",
        verbose_name=_("organisation"),
    )
    target = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="ties_in",
        verbose_name=_("with organisation"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=TieKind.choices)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = acting_user(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "kind"]
        verbose_name = _("tie")
        verbose_name_plural = _("ties")
        constraints = [
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="tie_not_self"),
            period_constraint("tie_period"),
        ]

    def __str__(self):
        return f"{self.source} – {self.target} ({self.get_kind_display()})"

    def clean(self):
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError({"target": _("An organisation cannot have a tie with itself.")})
        check_period(self.started_on, self.ended_on)

    def other(self, organisation):
        return self.target if organisation.pk == self.source_id else self.source


class ListingRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ListingRequest.Status.PENDING)

    def visible_to(self, user):
        """The requests `user` reviews (the list-page mirror of `actors.review_listing_request`):
        the program office all of them, a coordinator those of their municipalities."""
        if roles.is_program_office(user):
            return self.all()
        if not _signed_in(user):
            return self.none()
        return self.filter(municipality_id__in=roles.coordinated_municipality_ids(user))

    def with_duplicates(self):
        """Annotate `existing_id`: an organisation of the same name in the same municipality
        (the registry's rule, `name_key`), and `twin_id`: an earlier pending request for it."""
        same = {"municipality_id": OuterRef("municipality_id"), "name_key": OuterRef("name_key")}
        return self.annotate(
            existing_id=models.Subquery(
                Organisation.objects.filter(**same).order_by("pk").values("pk")[:1]
            ),
            twin_id=models.Subquery(
                ListingRequest.objects.filter(
                    **same, status=ListingRequest.Status.PENDING, pk__lt=OuterRef("pk")
                )
                .order_by("pk")
                .values("pk")[:1]
            ),
        )


class ListingRequest(models.Model):
    """An organisation asks, through the public form, to be listed in the registry. The
    coordinator of its municipality (or the program office) accepts it – which creates the
    organisation and its contact person through the services – or declines it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("listing request", "waiting for review")
        ACCEPTED = "accepted", pgettext_lazy("listing request", "accepted")
        DECLINED = "declined", pgettext_lazy("listing request", "declined")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="de"
    )
    # The organisation.
    name = models.CharField(_("name of the organisation"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    municipality = _municipality("listing_requests")
    countries = _countries("listing_requests")
    description = models.TextField(_("what the organisation does"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail address of the organisation"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    address = models.TextField(_("address"), blank=True)
    founded = _founding_year()
    # The contact person.
    contact_name = models.CharField(_("name of the contact person"), max_length=200)
    contact_email = models.EmailField(_("e-mail address of the contact person"))
    contact_phone = PhoneNumberField(_("phone of the contact person"), blank=True)
    contact_role = models.CharField(_("role in the organisation"), max_length=100, blank=True)
    # Consent, as given on the form.
    publish_organisation = models.BooleanField(
        _("the organisation agrees to be published"), default=False
    )
    publish_contact = models.BooleanField(
        _("the contact person agrees to be named in public"), default=False
    )
    # The decision.
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = acting_user(_("decided by"))
    reason = models.TextField(_("reason for declining"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listing_requests",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listing_requests",
        verbose_name=_("contact person"),
    )

    objects = ListingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("listing request")
        verbose_name_plural = _("listing requests")
        indexes = [models.Index(fields=["status", "municipality"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split())
        self.name_key = name_key(self.name)
        self.contact_email = self.contact_email.lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actors:listing_request_detail", args=[self.pk])

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING
