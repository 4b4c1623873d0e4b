import io
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from bruecken.website.models import ContactMessage, Image, NewsArticle, Page


def picture_bytes(size=(40, 30), image_format="PNG", color="teal", **save_options):
    buffer = io.BytesIO()
    mode = "RGB" if image_format == "JPEG" else "RGBA"
    PILImage.new(mode, size, color).save(buffer, image_format, **save_options)
    return buffer.getvalue()


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    file = factory.LazyFunction(lambda: ContentFile(picture_bytes(), name="bild.png"))
    alt = factory.Sequence(lambda n: f"Bild {n}: Menschen an einem Tisch")
    credit = "Servicestelle (Demo)"


class PublishedFactory(factory.django.DjangoModelFactory):
    """Published since yesterday."""

    class Meta:
        abstract = True

    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class NewsArticleFactory(PublishedFactory):
    class Meta:
        model = NewsArticle

    slug = factory.Sequence(lambda n: f"meldung-{n}")
    title = factory.Sequence(lambda n: f"Meldung {n}")
    summary = "Eine kurze Zusammenfassung."
    body = "## Worum es geht\n\nEin Absatz mit **Text**."


class PageFactory(PublishedFactory):
    class Meta:
        model = Page

    slug = factory.Sequence(lambda n: f"seite-{n}")
    title = factory.Sequence(lambda n: f"Seite {n}")
    body = "Ein Absatz."


class ContactMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMessage

    kind = ContactMessage.Kind.CONTACT
    name = "Amina Diallo"
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    subject = "Frage zum Programm"
    message = "Wie kann unser Verein mitmachen?"
    language = "de"
