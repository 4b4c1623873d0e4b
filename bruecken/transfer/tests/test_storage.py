"""Spreadsheet uploads in the shared S3 store: written by the web process, read back by the
importer (the worker), deleted after the import; an unreachable store keeps nothing."""

import pytest
from botocore.exceptions import EndpointConnectionError
from django.utils import translation

from bruecken.actors.models import Organisation
from bruecken.tests.s3 import PRIVATE_BUCKET, s3_fixture  # noqa: F401 (fixture)
from bruecken.transfer import services
from bruecken.transfer.models import ImportRun

from .conftest import check, csv_bytes, upload

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def test_the_upload_is_stored_in_the_bucket_and_read_back_by_the_importer(s3, office, bonn):
    run = upload(office, csv_bytes(["Verein Düren;MSO;Bonn;GH;1995;info@verein.example"]))
    assert s3.keys(PRIVATE_BUCKET) == [f"private/imports/{run.file.name}"]
    assert s3.read(PRIVATE_BUCKET, f"private/imports/{run.file.name}").startswith(b"Name;Art")
    run = services.start_check(office, run)
    assert run.status == ImportRun.Status.CHECKED
    assert run.summary["create"] == 1
    run = services.commit(office, run)
    assert run.status == ImportRun.Status.DONE
    assert Organisation.objects.filter(name="Verein Düren").exists()
    # The upload and the progress count are gone with the import.
    assert s3.keys(PRIVATE_BUCKET) == []


def test_an_upload_while_the_store_is_down_keeps_no_run(s3, office, bonn):
    s3.stop()
    with pytest.raises(EndpointConnectionError):
        check(office, csv_bytes(["Verein;MSO;Bonn;;;"]))
    assert not ImportRun.objects.exists()
