"""The website's services: news, pages, images and messages from the public. Each checks the
rule, validates, writes in a transaction and leaves an audit entry."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import ExifTags
from PIL import Image as PILImage

from bruecken import housekeeping
from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import UserFactory, user_with_role
from bruecken.website import services
from bruecken.website.models import (
    IMAGE_MAX_SIDE,
    ContactMessage,
    Image,
    NewsArticle,
    Page,
)

from .factories import (
    ContactMessageFactory,
    ImageFactory,
    NewsArticleFactory,
    PageFactory,
    picture_bytes,
)

pytestmark = pytest.mark.django_db

NEWS = {
    "title": "Leipzig lädt zum Workshop",
    "summary": "Der erste erweiterte Workshop steht an.",
    "body": "## Programm\n\nWir beginnen um 10 Uhr.",
}
PAGE = {
    "slug": "ueber-uns",
    "purpose": Page.Purpose.OTHER,
    "title": "Über uns",
    "body": "Wer wir sind.",
}
MESSAGE = {
    "name": "Amina Diallo",
    "email": "amina@example.org",
    "subject": "Frage zum Verzeichnis",
    "message": "Wie kommt unser Verein in das Verzeichnis?",
}


@pytest.fixture(autouse=True)
def english():
    # The messages asserted below are the source strings.
    with translation.override("en"):
        yield


@pytest.fixture(params=["coordinator", "participant", "anonymous"])
def not_office(request, bonn):
    if request.param == "anonymous":
        return AnonymousUser()
    if request.param == "coordinator":
        return user_with_role(Role.COORDINATOR, municipality=bonn)
    return user_with_role(Role.PARTICIPANT)


def entries(obj):
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


# News


def test_office_writes_news_with_an_address_from_the_title(office):
    article = services.create_news_article(office, {**NEWS, "is_published": True})
    assert article.slug == "leipzig-ladt-zum-workshop"
    assert article.updated_by == office
    entry = entries(article).get()
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.user == office
    assert entry.changes["title"] == [None, NEWS["title"]]


def test_news_addresses_stay_unique(office):
    first = services.create_news_article(office, NEWS)
    second = services.create_news_article(office, NEWS)
    third = services.create_news_article(office, NEWS)
    assert [first.slug, second.slug, third.slug] == [
        "leipzig-ladt-zum-workshop",
        "leipzig-ladt-zum-workshop-2",
        "leipzig-ladt-zum-workshop-3",
    ]


def test_a_title_without_letters_still_gets_an_address(office):
    assert services.create_news_article(office, {**NEWS, "title": "!!!"}).slug == "news"


def test_updating_news_records_the_changes_and_keeps_the_address(office, kiel):
    article = services.create_news_article(office, NEWS)
    editor = user_with_role(Role.PROGRAM_OFFICE)
    services.update_news_article(
        editor, article, {**NEWS, "title": "Neuer Titel", "municipality": kiel}
    )
    article.refresh_from_db()
    assert article.title == "Neuer Titel"
    assert article.slug == "leipzig-ladt-zum-workshop"
    assert article.updated_by == editor
    update = entries(article).get(action=AuditEntry.Action.UPDATE)
    assert update.changes == {
        "title": [NEWS["title"], "Neuer Titel"],
        "municipality": ["", "Kiel"],
    }


def test_an_unchanged_article_leaves_no_update_entry(office):
    article = services.create_news_article(office, NEWS)
    services.update_news_article(office, article, NEWS)
    assert not entries(article).filter(action=AuditEntry.Action.UPDATE).exists()


def test_news_needs_a_title_and_summary(office):
    with pytest.raises(ValidationError) as error:
        services.create_news_article(office, {**NEWS, "title": "", "summary": ""})
    assert {"title", "summary"} <= set(error.value.message_dict)
    assert not NewsArticle.objects.exists()


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("body", "![Zähler](https://tracker.example/pixel.gif)"),
        ("body_en", "![](/de/images/1/bild.png)"),
    ],
)
def test_news_with_foreign_images_or_without_text_alternative_is_refused(office, field, text):
    with pytest.raises(ValidationError) as error:
        services.create_news_article(office, {**NEWS, field: text})
    assert list(error.value.message_dict) == [field]
    assert not NewsArticle.objects.exists()
    assert not AuditEntry.objects.exists()


def test_only_the_program_office_writes_news(not_office):
    with pytest.raises(PermissionDenied):
        services.create_news_article(not_office, NEWS)
    article = NewsArticleFactory()
    with pytest.raises(PermissionDenied):
        services.update_news_article(not_office, article, {"title": "Übernommen"})
    article.refresh_from_db()
    assert article.title != "Übernommen"


def test_an_inactive_office_account_writes_nothing(office):
    office.is_active = False
    office.save()
    with pytest.raises(PermissionDenied):
        services.create_news_article(office, NEWS)


# Pages


def test_office_creates_and_updates_a_page(office):
    page = services.create_page(office, PAGE)
    assert entries(page).get().action == AuditEntry.Action.CREATE
    services.update_page(office, page, {**PAGE, "title_en": "About us", "body_en": "Who we are."})
    page.refresh_from_db()
    assert page.title_en == "About us"
    assert entries(page).get(action=AuditEntry.Action.UPDATE).changes["title_en"] == [
        "",
        "About us",
    ]


def test_one_page_per_purpose(office):
    PageFactory(purpose=Page.Purpose.IMPRINT, title="Impressum")
    with pytest.raises(ValidationError) as error:
        services.create_page(office, {**PAGE, "purpose": Page.Purpose.IMPRINT})
    assert "Impressum" in error.value.message_dict["purpose"][0]
    assert Page.objects.count() == 1


def test_a_page_keeps_its_own_purpose_when_edited(office):
    page = PageFactory(purpose=Page.Purpose.PRIVACY)
    services.update_page(office, page, {"title": "Datenschutz"})
    assert Page.objects.get(pk=page.pk).title == "Datenschutz"


def test_page_addresses_are_unique_and_valid(office):
    PageFactory(slug="ueber-uns")
    with pytest.raises(ValidationError) as error:
        services.create_page(office, PAGE)
    assert error.value.message_dict["slug"] == ["Another page has this address already."]
    with pytest.raises(ValidationError) as error:
        services.create_page(office, {**PAGE, "slug": "über uns!"})
    assert "slug" in error.value.message_dict


def test_pages_refuse_foreign_images(office):
    with pytest.raises(ValidationError) as error:
        services.create_page(office, {**PAGE, "body": '<img src="//cdn.example/a.png" alt="A">'})
    assert "body" in error.value.message_dict


def test_only_the_program_office_edits_pages(not_office):
    with pytest.raises(PermissionDenied):
        services.create_page(not_office, PAGE)
    page = PageFactory()
    with pytest.raises(PermissionDenied):
        services.update_page(not_office, page, {"title": "Übernommen"})


# Images


def upload(data, name="foto.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def photo_with_gps(size=(3200, 1000)):
    """A camera picture turned on its side (EXIF orientation 6), with a position and a maker."""
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Geheimkamera"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (50.0, 44.0, 3.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (7.0, 5.0, 55.0),
    }
    picture = PILImage.new("RGB", size, "white")
    # A dark left half, to see which way the picture was turned.
    picture.paste((0, 0, 0), (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif, comment=b"Urlaub bei Familie Diallo")
    return buffer.getvalue()


def stored(image):
    with image.file.open("rb") as handle:
        return handle.read()


def test_upload_turns_shrinks_and_strips_the_picture(office):
    original = photo_with_gps()
    assert b"Geheimkamera" in original
    image = services.upload_image(
        office, {"file": upload(original), "alt": "Ein Bild", "credit": "Demo"}
    )
    data = stored(image)
    picture = PILImage.open(io.BytesIO(data))
    # Turned upright (3200 × 1000 on its side is 1000 × 3200), then made smaller.
    assert picture.size == (500, IMAGE_MAX_SIDE) == (image.width, image.height)
    # The dark half, on the left before turning, is at the top now.
    assert picture.getpixel((250, 100))[0] < 60
    assert picture.getpixel((250, IMAGE_MAX_SIDE - 100))[0] > 200
    assert picture.format == "JPEG"
    assert len(picture.getexif()) == 0
    assert "exif" not in picture.info and "comment" not in picture.info
    assert b"Geheimkamera" not in data and b"Diallo" not in data
    assert image.file.name.endswith(".jpg")
    assert image.uploaded_by == office
    assert entries(image).get().changes["alt"] == [None, "Ein Bild"]


def test_small_pictures_keep_their_size_and_format(office):
    image = services.upload_image(
        office,
        {"file": upload(picture_bytes((40, 30), "WEBP"), "Logo.webp"), "alt": "Logo"},
    )
    picture = PILImage.open(io.BytesIO(stored(image)))
    assert (picture.format, picture.size) == ("WEBP", (40, 30))
    # A random name that cannot be guessed (an unpublished article's picture stays private).
    name = image.file.name.rsplit("/", 1)[-1]
    assert name.endswith(".webp")
    assert "logo" not in name.lower()
    other = services.upload_image(
        office,
        {"file": upload(picture_bytes((40, 30), "WEBP"), "Logo.webp"), "alt": "Logo"},
    )
    assert other.file.name != image.file.name


def test_the_type_comes_from_the_content_not_the_name(office):
    image = services.upload_image(
        office, {"file": upload(picture_bytes(), "verkleidet.jpg"), "alt": "PNG"}
    )
    assert image.file.name.endswith(".png")
    assert services.content_type(image) == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"GIF89a" + b"\x00" * 20,
        b"\xff\xd8\xff\xe0 kaputt",
    ],
    ids=["svg", "broken-gif", "broken-jpeg"],
)
def test_other_files_are_refused(office, data):
    with pytest.raises(ValidationError) as error:
        services.upload_image(office, {"file": upload(data), "alt": "Bild"})
    assert "file" in error.value.message_dict
    assert not Image.objects.exists()


def test_a_gif_is_refused_though_it_is_a_picture(office):
    with pytest.raises(ValidationError) as error:
        services.upload_image(
            office, {"file": upload(picture_bytes(image_format="GIF"), "a.gif"), "alt": "Bild"}
        )
    assert "JPEG, PNG or WebP" in error.value.message_dict["file"][0]


def test_large_files_are_refused(office, monkeypatch):
    monkeypatch.setattr(services, "IMAGE_MAX_BYTES", 100)
    with pytest.raises(ValidationError) as error:
        services.upload_image(office, {"file": upload(photo_with_gps()), "alt": "Bild"})
    assert "larger than" in error.value.message_dict["file"][0]


def test_pictures_with_too_many_pixels_are_refused(office, monkeypatch):
    monkeypatch.setattr(services, "IMAGE_MAX_PIXELS", 100)
    with pytest.raises(ValidationError) as error:
        services.upload_image(office, {"file": upload(picture_bytes((20, 20))), "alt": "Bild"})
    assert "pixels" in error.value.message_dict["file"][0]


def test_a_picture_needs_a_text_alternative(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        services.upload_image(office, {"file": upload(photo_with_gps()), "alt": "   "})
    assert "alt" in error.value.message_dict
    assert not Image.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_a_refused_upload_leaves_no_file(office, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path

    def broken_record(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        services.upload_image(office, {"file": upload(photo_with_gps()), "alt": "Bild"})
    assert not Image.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_only_the_program_office_uploads_pictures(not_office):
    with pytest.raises(PermissionDenied):
        services.upload_image(not_office, {"file": upload(photo_with_gps()), "alt": "Bild"})


def test_markdown_snippet_escapes_brackets():
    image = ImageFactory(alt="Plakat [Entwurf]", alt_en="Poster")
    assert services.markdown_snippet(image) == (
        f"![Plakat \\[Entwurf\\]]({image.get_absolute_url()})"
    )
    assert services.markdown_snippet(image, "en").startswith("![Poster](")
    image.alt_en = ""
    assert services.markdown_snippet(image, "en").startswith("![Plakat")


# Messages from the public


def test_a_message_is_stored_and_sent_to_the_contact_address(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.CONTACT_EMAIL = "servicestelle@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        message = services.receive_message(ContactMessage.Kind.CONTACT, MESSAGE, "en")
    assert message.language == "en"
    assert message.handled_at is None
    [mail] = mailoutbox
    assert mail.to == ["servicestelle@example.org"]
    assert mail.reply_to == ["amina@example.org"]
    assert "Frage zum Verzeichnis" in mail.subject
    assert MESSAGE["message"] in mail.body
    assert "/de/editorial/messages/" in mail.body


def test_without_a_contact_address_the_active_program_office_hears_of_it(
    settings, mailoutbox, django_capture_on_commit_callbacks, bonn
):
    settings.CONTACT_EMAIL = ""
    german = user_with_role(Role.PROGRAM_OFFICE)
    english = UserFactory(language="en")
    user_with_role(Role.PROGRAM_OFFICE, user=english)
    gone = UserFactory(is_active=False)
    user_with_role(Role.PROGRAM_OFFICE, user=gone)
    user_with_role(Role.COORDINATOR, municipality=bonn)
    with django_capture_on_commit_callbacks(execute=True):
        services.receive_message(
            ContactMessage.Kind.ACCESSIBILITY, {**MESSAGE, "page_url": "/de/news/"}, "de"
        )
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([german.email, english.email])
    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert "/en/editorial/messages/" in by_address[english.email].body
    assert "/de/news/" in by_address[german.email].body


def test_nothing_is_sent_when_the_transaction_fails(
    settings, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    settings.CONTACT_EMAIL = "servicestelle@example.org"

    def broken_record(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", broken_record)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.receive_message(ContactMessage.Kind.CONTACT, MESSAGE, "de")
    assert mailoutbox == []
    assert not ContactMessage.objects.exists()


def test_the_audit_log_keeps_nothing_the_sender_wrote():
    message = services.receive_message(ContactMessage.Kind.CONTACT, MESSAGE, "de")
    entry = entries(message).get()
    assert entry.user is None
    assert entry.object_repr == f"contact #{message.pk}"
    text = f"{entry.object_repr} {entry.changes}"
    for value in MESSAGE.values():
        assert value not in text


def test_bad_messages_are_refused_and_nothing_is_stored(mailoutbox):
    with pytest.raises(ValidationError) as error:
        services.receive_message(
            ContactMessage.Kind.CONTACT, {**MESSAGE, "email": "keine-adresse", "message": ""}, "de"
        )
    assert {"email", "message"} <= set(error.value.message_dict)
    with pytest.raises(ValueError):
        services.receive_message("spam", MESSAGE, "de")
    assert not ContactMessage.objects.exists()
    assert mailoutbox == []


def test_the_subject_is_one_line():
    message = services.receive_message(
        ContactMessage.Kind.CONTACT, {**MESSAGE, "subject": "Hallo\r\nBcc: x@example.org"}, "de"
    )
    assert message.subject == "Hallo Bcc: x@example.org"


def test_office_marks_a_message_as_handled(office):
    message = ContactMessageFactory()
    services.mark_message_handled(office, message)
    message.refresh_from_db()
    assert message.handled_by == office
    assert message.handled_at is not None
    entry = entries(message).get()
    assert entry.action == AuditEntry.Action.UPDATE
    assert message.email not in entry.object_repr
    with pytest.raises(services.Refused):
        services.mark_message_handled(office, message)


def test_only_the_program_office_handles_messages(not_office):
    message = ContactMessageFactory()
    with pytest.raises(PermissionDenied):
        services.mark_message_handled(not_office, message)
    message.refresh_from_db()
    assert message.handled_at is None


def test_old_messages_are_deleted_after_the_retention_period(settings):
    settings.CONTACT_MESSAGE_RETENTION_DAYS = 30
    now = timezone.now()
    old = ContactMessageFactory()
    recent = ContactMessageFactory()
    ContactMessage.objects.filter(pk=old.pk).update(received_at=now - timedelta(days=31))
    ContactMessage.objects.filter(pk=recent.pk).update(received_at=now - timedelta(days=29))
    assert services.delete_old_messages(now) == 1
    assert list(ContactMessage.objects.all()) == [recent]
    entry = entries(old).get()
    assert entry.action == AuditEntry.Action.DELETE
    assert old.email not in str(entry.changes) + entry.object_repr
    assert services.delete_old_messages(now) == 0


def test_the_housekeeping_deletes_old_messages(settings):
    settings.CONTACT_MESSAGE_RETENTION_DAYS = 30
    old = ContactMessageFactory()
    ContactMessage.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    counts, failed = housekeeping.run()
    assert failed == []
    assert counts["contact_messages"] == 1
    assert not ContactMessage.objects.exists()
