"""Where files live (bruecken/storage.py): on this machine as before, or in an S3 store that
several app servers and workers share; private files never reachable without our permission
check; an unreachable store answers 503, and leaves nothing half-written."""

import urllib.error
import urllib.parse
import urllib.request

import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile

from bruecken import health, pdf, storage
from bruecken.guide.models import Edition
from bruecken.privacy.models import DataExport
from bruecken.reports.models import ProcessDocumentBuild
from bruecken.transfer import progress
from bruecken.transfer.models import ImportRun
from bruecken.website import services as website_services
from bruecken.website.models import Image
from bruecken.website.tests.factories import ImageFactory, NewsArticleFactory, picture_bytes

from .helpers import url_maker
from .s3 import EXPIRE_SECONDS, PRIVATE_BUCKET, PUBLIC_BUCKET, s3_fixture  # noqa: F401 (fixture)

url = url_maker("", "de")

# Every private area and the folder it keeps in the private storage.
PRIVATE_AREAS = [
    (Edition._meta.get_field("pdf_file").storage, "private/guide"),
    (DataExport._meta.get_field("file").storage, "private/exports"),
    (ImportRun._meta.get_field("file").storage, "private/imports"),
    (ProcessDocumentBuild._meta.get_field("file").storage, "private"),
]


def picture_upload():
    return SimpleUploadedFile("Plakat.png", picture_bytes((200, 100)), "image/png")


# On this machine (no S3 settings): the folders of before


def test_local_folders_stay_where_they_were(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_EXPORT_DIR = None
    settings.TRANSFER_UPLOAD_DIR = tmp_path / "imports"
    private = tmp_path / "private"
    assert storages["private"].location == str(private)
    assert Edition._meta.get_field("pdf_file").storage.location == str(private / "guide")
    assert DataExport._meta.get_field("file").storage.location == str(private / "exports")
    assert ImportRun._meta.get_field("file").storage.location == str(tmp_path / "imports")
    # Report builds and event documents stay under MEDIA_ROOT (no view serves it directly).
    assert ProcessDocumentBuild._meta.get_field("file").storage.location == str(tmp_path / "media")
    settings.DATA_EXPORT_DIR = str(tmp_path / "elsewhere")
    assert DataExport._meta.get_field("file").storage.location == str(tmp_path / "elsewhere")


def test_private_files_have_no_url(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for area, _folder in PRIVATE_AREAS[:3]:
        with pytest.raises(ValueError, match="not accessible via a URL"):
            area.url("x.pdf")
    with pytest.raises(ValueError, match="not accessible via a URL"):
        storages["private"].url("x.pdf")


def test_write_whole_replaces_a_local_file(tmp_path):
    local = FileSystemStorage(location=tmp_path)
    storage.write_whole(local, "progress/7", b"10")
    storage.write_whole(local, "progress/7", b"20")
    assert local.open("progress/7").read() == b"20"
    assert sorted(p.name for p in (tmp_path / "progress").iterdir()) == ["7"]


# In S3


def test_private_areas_are_folders_of_the_private_bucket(s3):
    for area, folder in PRIVATE_AREAS:
        assert not storage.is_local(area)
        assert area.bucket_name == PRIVATE_BUCKET
        assert area.location == folder
    assert default_storage.bucket_name == PUBLIC_BUCKET


def test_every_alias_lists_copies_and_answers_the_probe(s3):
    """What the backup and /readyz rely on: listdir, open, save and exists of each alias."""
    for alias in ("default", "private"):
        name = storages[alias].save("probe/kopie.txt", ContentFile(b"Inhalt"))
        assert storages[alias].listdir("probe") == ([], ["kopie.txt"])
        assert storages[alias].open(name).read() == b"Inhalt"
        assert storages[alias].exists("readyz-probe") is False


def test_an_uploaded_picture_lands_in_the_bucket_and_is_served(s3, client, office):
    client.force_login(office)
    response = client.post(
        url("website:editorial_images"),
        {"file": picture_upload(), "alt": "Plakat", "credit": "Servicestelle"},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    key = f"media/{image.file.name}"
    assert s3.keys(PUBLIC_BUCKET) == [key]
    stored = s3.read(PUBLIC_BUCKET, key)
    # Served by our view (drafts only to the program office), from the store.
    response = client.get(image.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    client.logout()
    assert client.get(image.get_absolute_url()).status_code == 404


def test_a_picture_uploaded_by_one_server_is_served_by_another(s3, client, office, settings):
    image = website_services.upload_image(office, {"file": picture_upload(), "alt": "Plakat"})
    NewsArticleFactory(image=image)
    # Another server: storages built afresh, nothing shared but the store.
    first = default_storage._wrapped
    settings.STORAGES = dict(settings.STORAGES)
    assert default_storage.bucket_name == PUBLIC_BUCKET and default_storage._wrapped is not first
    response = client.get(image.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == s3.read(
        PUBLIC_BUCKET, f"media/{image.file.name}"
    )


def test_private_objects_are_refused_without_a_signature(s3):
    area = ImportRun._meta.get_field("file").storage
    name = area.save("2026/12/liste.csv", ContentFile(b"Name;Ort\nVerein;Bonn\n"))
    key = f"private/imports/{name}"
    assert s3.keys(PRIVATE_BUCKET) == [key]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3.endpoint}/{PRIVATE_BUCKET}/{key}")  # noqa: S310
    assert refused.value.code == 403
    # Nobody but the owner is granted anything on the object.
    grants = s3.client().get_object_acl(Bucket=PRIVATE_BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"]["Type"] == "CanonicalUser" for grant in grants)
    # A URL, should one ever be made, is signed and short-lived.
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(area.url(name)).query)
    assert query["X-Amz-Expires"] == [str(EXPIRE_SECONDS)]
    assert query["X-Amz-Signature"]


def test_progress_is_shared_through_the_store(s3):
    progress.report(41, 1200)
    progress.report(41, 2400)
    assert progress.read(41) == 2400
    assert s3.keys(PRIVATE_BUCKET) == ["private/imports/progress/41"]
    progress.clear(41)
    assert progress.read(41) == 0
    assert s3.keys(PRIVATE_BUCKET) == []


def test_pdf_documents_read_uploaded_pictures_from_the_store(s3):
    name = default_storage.save("website/images/2026/bild.png", ContentFile(b"PNG"))
    assert pdf._local_file(f"{pdf.BASE_URL}media/{name}") == ("bild.png", b"PNG")
    assert pdf._local_file(f"{pdf.BASE_URL}media/website/images/fehlt.png") is None


# The store unreachable


def test_pages_that_need_the_store_answer_503_and_keep_nothing(s3, client, office):
    image = ImageFactory()
    NewsArticleFactory(image=image)
    client.force_login(office)
    s3.stop()
    client.raise_request_exception = False  # answered as a server does: handler500
    response = client.get(image.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == str(health.RETRY_AFTER_SECONDS)
    assert "nicht erreichbar" in response.content.decode()
    response = client.post(
        url("website:editorial_images"), {"file": picture_upload(), "alt": "Plakat"}
    )
    assert response.status_code == 503
    # No row points at a file that was not stored.
    assert list(Image.objects.all()) == [image]


def test_pages_work_again_when_the_store_is_back(s3, client, db):
    image = ImageFactory()
    NewsArticleFactory(image=image)
    served = client.get(image.get_absolute_url())
    assert served.status_code == 200
    picture = b"".join(served.streaming_content)
    s3.stop()
    client.raise_request_exception = False  # answered as a server does: handler500
    assert client.get(image.get_absolute_url()).status_code == 503
    s3.start()  # no restart of Brücken: the next request reaches the store again
    again = client.get(image.get_absolute_url())
    assert again.status_code == 200
    assert b"".join(again.streaming_content) == picture


def test_progress_without_the_store_stands_still(s3):
    s3.stop()
    progress.report(3, 10)
    assert progress.read(3) == 0
    progress.clear(3)


def test_a_refusing_store_is_503_too():
    refused = ClientError({"Error": {"Code": "AccessDenied"}}, "GetObject")
    assert health.is_outage(refused)
    assert not health.is_outage(ValueError("bug"))


def test_cleanup_after_a_failure_survives_the_store_being_gone(s3):
    area = Edition._meta.get_field("pdf_file").storage
    name = area.save("1/1/guide.pdf", ContentFile(b"%PDF"))
    s3.stop()
    storage.delete_quietly(area, name)  # logged, not raised
