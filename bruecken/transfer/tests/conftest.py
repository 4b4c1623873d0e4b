import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bruecken.transfer import services

HEADER = "Name;Art;Kommune;Länder;Gründungsjahr;E-Mail\r\n"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.TRANSFER_UPLOAD_DIR = tmp_path / "imports"
    return settings.TRANSFER_UPLOAD_DIR


def csv_bytes(lines, encoding="cp1252", header=HEADER):
    return (header + "".join(line + "\r\n" for line in lines)).encode(encoding)


def upload(user, data, name="liste.csv", kind="organisations", on_duplicate="skip"):
    return services.create_import(user, kind, SimpleUploadedFile(name, data), on_duplicate)


def check(user, data, **kwargs):
    run = upload(user, data, **kwargs)
    return services.start_check(user, run)


def problems_of(run):
    return [(p["row"], p["column"], p["value"]) for p in run.problems]
