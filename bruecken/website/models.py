"""The public website's own content: pages and news the program office writes, their images,
and the messages the public sends through the contact and feedback forms."""

from django.conf import settings
from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bruecken.accounts import roles
from bruecken.fields import acting_user
from bruecken.models import Timestamped

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
IMAGE_MAX_BYTES = 10 * 1024 * 1024
# Longest side after resizing on upload: sharp on wide screens, small to send.
IMAGE_MAX_SIDE = 1600


class PublishedQuerySet(models.QuerySet):
    def published(self, now=None):
        """Published and due: a draft, or one dated in the future, is not shown yet."""
        return self.filter(is_published=True, published_at__lte=now or timezone.now())


class Publishable(Timestamped):
    """Content in German with an optional English version (shown in English where filled in)."""

    title = models.CharField(_("title (German)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body = models.TextField(_("text (German)"), help_text=_("Markdown."))
    body_en = models.TextField(_("text (English)"), blank=True, help_text=_("Markdown."))
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Unpublished content is a draft.")
    )
    published_at = models.DateTimeField(
        _("publish on"),
        default=timezone.now,
        help_text=_("Published content appears from this moment on."),
    )
    updated_by = acting_user(_("changed by"))

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def is_visible(self, now=None):
        return self.is_published and self.published_at <= (now or timezone.now())


class ImageQuerySet(models.QuerySet):
    """The one home of who may see which uploaded picture: a picture is as public as what uses
    it (the list mirror of the rule; the image view serves nothing else)."""

    def public(self, now=None):
        """Pictures that published content shows: a published article's picture, or one that
        the text of a published page or article shows (its address, `/<lang>/images/<id>/…`)."""
        address = Concat(
            Value("/images/"), Cast(OuterRef("pk"), output_field=CharField()), Value("/")
        )

        def shown_in(model):
            return Exists(
                model.objects.published(now).filter(
                    Q(body__contains=address) | Q(body_en__contains=address)
                )
            )

        return self.filter(
            Q(articles__in=NewsArticle.objects.published(now).values("pk"))
            | shown_in(Page)
            | shown_in(NewsArticle)
        ).distinct()

    def visible_to(self, user, now=None):
        """The program office (who writes the website) sees every picture, drafts' too; everyone
        else what published content shows."""
        if roles.is_program_office(user):
            return self.all()
        return self.public(now)


class Image(models.Model):
    """An uploaded picture, resized and stripped of its metadata (GPS positions, camera
    serials) on upload; served by us (only to who may see content that shows it, see
    `ImageQuerySet`) under a name nobody can guess."""

    file = models.ImageField(
        _("file"), upload_to="website/images/%Y/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt = models.CharField(
        _("text alternative (German)"),
        max_length=300,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    alt_en = models.CharField(_("text alternative (English)"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("Photographer or source.")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = acting_user(_("uploaded by"))

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.alt

    def get_absolute_url(self):
        return reverse("website:image", args=[self.pk, self.file.name.rsplit("/", 1)[-1]])


class Page(Publishable):
    """A page the program office edits: the legally required ones and any other."""

    class Purpose(models.TextChoices):
        IMPRINT = "imprint", _("imprint (Impressum)")
        PRIVACY = "privacy", _("privacy policy")
        ACCESSIBILITY = "accessibility", _("accessibility statement")
        EASY_LANGUAGE = "easy_language", _("summary in plain language (Leichte Sprache)")
        OTHER = "other", _("other page")

    slug = models.SlugField(
        _("address"), max_length=100, unique=True, help_text=_("The last part of the page's URL.")
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.OTHER
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            # One imprint, one privacy policy…: the footer links to them by purpose.
            models.UniqueConstraint(
                fields=["purpose"], condition=~Q(purpose="other"), name="one_page_per_purpose"
            )
        ]

    def get_absolute_url(self):
        # The imprint and the other required pages have addresses of their own.
        if self.purpose != self.Purpose.OTHER:
            return reverse(f"website:{self.purpose}")
        return reverse("website:page", args=[self.slug])


class NewsArticle(Publishable):
    slug = models.SlugField(_("address"), max_length=100, unique=True)
    summary = models.TextField(
        _("summary (German)"), max_length=400, help_text=_("One or two sentences for lists.")
    )
    summary_en = models.TextField(_("summary (English)"), max_length=400, blank=True)
    image = models.ForeignKey(
        Image,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("image"),
    )
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
        verbose_name=_("municipality"),
        help_text=_("Shown on the municipality's page too."),
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("news article")
        verbose_name_plural = _("news")
        indexes = [models.Index(fields=["is_published", "published_at"])]

    def get_absolute_url(self):
        return reverse("website:news_article", args=[self.slug])


class ContactMessage(models.Model):
    """A message from the contact form or accessibility feedback, kept for the program office
    and deleted after CONTACT_MESSAGE_RETENTION_DAYS."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("contact")
        ACCESSIBILITY = "accessibility", _("accessibility feedback")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    page_url = models.CharField(_("page concerned"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = acting_user(_("handled by"))

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return self.subject or self.message[:60]
