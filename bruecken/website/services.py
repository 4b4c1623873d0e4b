"""Every write to the public website's own content: the program office's news, pages and
images, and the messages the public sends through the contact and feedback forms.

Staff work checks the rule `website.edit_website`; every write runs in a transaction and leaves
an audit entry. The messages from the public are personal data kept for a limited time only, so
their audit entries name the message by kind and number, never by what it says or who sent it."""

import io
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry
from bruecken.markup import content_problems
from bruecken.permissions import require

from . import notifications
from .models import IMAGE_MAX_BYTES, IMAGE_MAX_SIDE, ContactMessage, Image, NewsArticle, Page

EDIT_WEBSITE = "website.edit_website"
CONTENT_FIELDS = ["title", "title_en", "body", "body_en", "is_published", "published_at"]
NEWS_FIELDS = [
    "title",
    "title_en",
    "summary",
    "summary_en",
    "body",
    "body_en",
    "image",
    "municipality",
    "is_published",
    "published_at",
]
# The address is made once, from the title, and never set from outside.
NEWS_AUDIT_FIELDS = ["slug", *NEWS_FIELDS]
PAGE_FIELDS = ["slug", "purpose", *CONTENT_FIELDS]
IMAGE_FIELDS = ["alt", "alt_en", "credit"]
MESSAGE_FIELDS = ["name", "email", "subject", "message", "page_url"]
MARKDOWN_FIELDS = ("body", "body_en")
# Pillow's format names, and the file extension each is stored under.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
# Larger pictures are refused before their pixels are decoded (a small file may unpack into
# gigabytes); 50 megapixels is more than any camera in common use.
IMAGE_MAX_PIXELS = 50_000_000
SLUG_MAX_LENGTH = 90


class Refused(ValidationError):
    """A change the state of things does not allow; its message says why."""


def _assign(instance, values, fields):
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])


def check_content(instance):
    """Refuse Markdown that shows images from another host or without a text alternative."""
    errors = {}
    for name in MARKDOWN_FIELDS:
        problems = content_problems(getattr(instance, name, ""))
        if problems:
            errors[name] = problems
    if errors:
        raise ValidationError(errors)


# News


def _unique_news_slug(title, exclude_pk=None):
    base = slugify(title)[:SLUG_MAX_LENGTH].strip("-") or "news"
    taken = set(
        NewsArticle.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _write_content(user, instance, values, fields, check=None, audited=None):
    """Create (`instance` not saved yet) or update a news article or a page: set the `fields`
    that `values` holds, let `check` refuse or complete it, save and record what changed of the
    `audited` fields (default: `fields`)."""
    require(user, EDIT_WEBSITE)
    with transaction.atomic():
        if instance.pk is not None:
            instance = type(instance).objects.select_for_update().get(pk=instance.pk)
        with audit.changes(user, instance, audited or fields):
            _assign(instance, values, fields)
            instance.updated_by = user
            if check:
                check(instance)
            check_content(instance)
            instance.full_clean()
            instance.save()
    return instance


def _give_address(article):
    article.slug = _unique_news_slug(article.title)


def create_news_article(user, values):
    """A news article; its address is made from the German title and stays as it is."""
    return _write_content(
        user, NewsArticle(), values, NEWS_FIELDS, _give_address, audited=NEWS_AUDIT_FIELDS
    )


def update_news_article(user, article, values):
    return _write_content(user, article, values, NEWS_FIELDS, audited=NEWS_AUDIT_FIELDS)


# Pages


def _check_page(page):
    errors = {}
    if page.purpose and page.purpose != Page.Purpose.OTHER:
        other = Page.objects.filter(purpose=page.purpose).exclude(pk=page.pk).first()
        if other:
            errors["purpose"] = _(
                "“%(title)s” is the %(purpose)s already; there is one page per purpose."
            ) % {"title": other.title, "purpose": page.get_purpose_display()}
    if page.slug and Page.objects.filter(slug=page.slug).exclude(pk=page.pk).exists():
        errors["slug"] = _("Another page has this address already.")
    if errors:
        raise ValidationError(errors)


def create_page(user, values):
    return _write_content(user, Page(), values, PAGE_FIELDS, _check_page)


def update_page(user, page, values):
    return _write_content(user, page, values, PAGE_FIELDS, _check_page)


# Images


def _not_a_picture():
    return ValidationError(
        {"file": _("This file is not a JPEG, PNG or WebP picture, or it is damaged.")}
    )


def _in_srgb(picture):
    """Colours as browsers show them without a profile: the profile itself is dropped with the
    other metadata."""
    icc = picture.info.get("icc_profile")
    modes = {"RGB": "RGB", "CMYK": "RGB", "RGBA": "RGBA"}
    if not icc or picture.mode not in modes:
        return picture
    from PIL import ImageCms

    try:
        return ImageCms.profileToProfile(
            picture,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode=modes[picture.mode],
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile: the pixels as they are are better than no picture.
        return picture


def _target_mode(picture, image_format):
    if image_format == "JPEG":
        return "L" if picture.mode == "L" else "RGB"
    if picture.mode in ("L", "LA", "RGB", "RGBA"):
        return picture.mode
    has_alpha = "A" in picture.getbands() or "transparency" in picture.info
    return "RGBA" if has_alpha else "RGB"


def prepare_image(upload):
    """Check an uploaded picture by its content (not its name), turn it upright as the camera
    recorded, shrink it to IMAGE_MAX_SIDE on its longest side and drop all metadata (EXIF with
    GPS positions and camera serial numbers, XMP, comments, colour profiles). Returns the file
    to store and its name."""
    if upload is None:
        raise ValidationError({"file": _("Choose a picture to upload.")})
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The picture is larger than %(size)s MB.")
                % {"size": IMAGE_MAX_BYTES // (1024 * 1024)}
            }
        )
    upload.seek(0)
    try:
        with PILImage.open(upload) as opened:
            image_format = opened.format
            if image_format not in IMAGE_FORMATS:
                raise _not_a_picture()
            width, height = opened.size
            if width * height > IMAGE_MAX_PIXELS:
                raise ValidationError(
                    {"file": _("The picture has too many pixels; please make it smaller first.")}
                )
            opened.load()
            picture = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, PILImage.DecompressionBombError, OSError, SyntaxError):
        raise _not_a_picture() from None
    picture = _in_srgb(picture)
    mode = _target_mode(picture, image_format)
    if picture.mode != mode:
        picture = picture.convert(mode)
    picture.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), PILImage.Resampling.LANCZOS)
    # The pixels alone, in a new image: nothing of the original's metadata comes along.
    clean = PILImage.frombytes(picture.mode, picture.size, picture.tobytes())
    buffer = io.BytesIO()
    if image_format == "JPEG":
        clean.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif image_format == "WEBP":
        clean.save(buffer, "WEBP", quality=85, method=4)
    else:
        clean.save(buffer, "PNG", optimize=True)
    # A random name: the address of a picture in a draft cannot be guessed from the uploaded
    # file's name (nor does the name tell what the draft is about).
    name = f"{secrets.token_urlsafe(18)}.{IMAGE_FORMATS[image_format]}"
    # Named: the image field reads the new width and height from a named file only.
    return ContentFile(buffer.getvalue(), name=name), name


def content_type(image):
    extension = image.file.name.rsplit(".", 1)[-1].lower()
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def upload_image(user, values):
    """Store a picture for pages and news, with its text alternative (required) and credit."""
    require(user, EDIT_WEBSITE)
    image = Image(uploaded_by=user)
    _assign(image, values, IMAGE_FIELDS)
    image.alt = (image.alt or "").strip()
    if not image.alt:
        raise ValidationError(
            {"alt": _("Describe what the picture shows, for people who cannot see it.")}
        )
    image.full_clean(exclude=["file", "width", "height"])
    content, name = prepare_image(values.get("file"))
    with transaction.atomic():
        image.file.save(name, content, save=False)
        try:
            with audit.changes(user, image, IMAGE_FIELDS) as extra:
                image.save()
                extra["file"] = [None, image.file.name]
        except Exception:
            # Nothing is kept of a refused upload.
            image.file.delete(save=False)
            raise
    return image


def markdown_snippet(image, language="de"):
    """What to paste into a page or article to show the picture."""
    alt = (image.alt_en or image.alt) if language == "en" else image.alt
    alt = alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"![{alt}]({image.get_absolute_url()})"


# Messages from the public


class _MessageRecord:
    """How the audit log names a message: by kind and number. The log outlives the message,
    which is deleted after the retention period, and must not keep what it said."""

    _meta = ContactMessage._meta

    def __init__(self, message):
        self.pk = message.pk
        self.label = f"{message.get_kind_display()} #{message.pk}"

    def __str__(self):
        return self.label


def receive_message(kind, values, language):
    """Store a message from the contact or feedback form and tell the program office."""
    if kind not in ContactMessage.Kind.values:
        raise ValueError(f"unknown kind of message {kind!r}")
    message = ContactMessage(kind=kind, language=language)
    _assign(message, values, MESSAGE_FIELDS)
    message.subject = " ".join((message.subject or "").split())
    message.full_clean()
    with transaction.atomic():
        message.save()
        audit.record(
            None,
            AuditEntry.Action.CREATE,
            _MessageRecord(message),
            {"kind": [None, message.get_kind_display()]},
        )
        notifications.message_received(message)
    return message


def mark_message_handled(user, message, now=None):
    require(user, EDIT_WEBSITE)
    now = now or timezone.now()
    with transaction.atomic():
        message = ContactMessage.objects.select_for_update().get(pk=message.pk)
        if message.handled_at is not None:
            raise Refused(_("This message has been handled already."), code="handled")
        message.handled_at = now
        message.handled_by = user
        message.save(update_fields=["handled_at", "handled_by"])
        audit.record(
            user,
            AuditEntry.Action.UPDATE,
            _MessageRecord(message),
            {"handled_at": [None, str(now)]},
        )
    return message


def delete_old_messages(now=None):
    """Delete the messages received more than CONTACT_MESSAGE_RETENTION_DAYS ago (run by the
    housekeeping). Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CONTACT_MESSAGE_RETENTION_DAYS)
    with transaction.atomic():
        messages = list(
            ContactMessage.objects.select_for_update().filter(received_at__lt=cutoff).order_by("pk")
        )
        for message in messages:
            audit.record(
                None,
                AuditEntry.Action.DELETE,
                _MessageRecord(message),
                {"kind": [message.get_kind_display(), None]},
            )
        ContactMessage.objects.filter(pk__in=[message.pk for message in messages]).delete()
    return len(messages)
