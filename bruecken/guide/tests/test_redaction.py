"""Published editions after a withdrawn consent: the public web edition, PDF, DOCX and HTML no
longer name the organisation or person, the edition keeps its number and says it was redacted,
the program office still reads the frozen edition, nobody else does."""

import copy
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from bruecken.accounts.models import AuditEntry
from bruecken.actors import services as actor_services
from bruecken.actors.models import Organisation
from bruecken.actors.signals import consent_withdrawn
from bruecken.actors.tests.factories import PersonFactory
from bruecken.guide import redaction, render, services
from bruecken.guide.models import BuildStatus, Edition

pytestmark = pytest.mark.django_db

ORGANISATION = "Ghana Union Bonn"
PERSON = "Ama Kwarteng"
FOREWORD = (
    f"Wir danken {ORGANISATION} und {PERSON} für die Mitarbeit. Die Erfahrungen der Ghana "
    "Union\nBonn zeigen den Weg."
)


def url(name, *args):
    with translation.override("en"):
        return reverse(f"guide:{name}", args=args)


def pdf_text(data):
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def docx_text(data):
    from docx import Document

    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def login(db):
    """A client of its own, signed in as `user` (the `client` fixture stays anonymous)."""
    from django.test import Client

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def cheap_pdf(monkeypatch):
    """The PDF renderer replaced by the HTML one: for tests that do not read the PDF."""
    renderers = [
        ("html", "HTML", render.render_html),
        ("pdf", "PDF", lambda content: b"%PDF-1.7 " + render.render_html(content)),
        ("docx", "DOCX", render.render_docx),
    ]
    monkeypatch.setattr(render, "RENDERERS", renderers)


@pytest.fixture
def organisation(process):
    return Organisation.objects.get(name=ORGANISATION)


@pytest.fixture
def person(bonn):
    from django.utils import timezone

    return PersonFactory(
        municipality=bonn, name=PERSON, email="ama@example.org", consent_given_at=timezone.now()
    )


@pytest.fixture
def publish(office, edition, accepted, private_files, django_capture_on_commit_callbacks):
    def publish(foreword=FOREWORD):
        Edition.objects.filter(pk=edition.pk).update(foreword=foreword)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_edition(office, edition)
        return Edition.objects.get(pk=edition.pk)

    return publish


@pytest.fixture
def withdraw(office, django_capture_on_commit_callbacks):
    def withdraw(actor):
        with django_capture_on_commit_callbacks(execute=True):
            if isinstance(actor, Organisation):
                actor_services.withdraw_organisation_consent(office, actor)
            else:
                actor_services.withdraw_person_consent(office, actor)
        return actor

    return withdraw


def read(field):
    field.open("rb")
    try:
        return field.read()
    finally:
        field.close()


# Finding the names


def test_pattern_finds_whole_words_any_case_genitive_and_broken_lines():
    pattern = redaction.name_pattern({"Ghana Union Bonn", "ama@example.org"})
    for text in (
        "die Ghana Union Bonn",
        "GHANA UNION BONN",
        "der Ghana Union Bonns",
        "Ghana\nUnion  Bonn",
        "Mail: ama@example.org.",
    ):
        assert pattern.search(text), text
    for text in ("Ghana Union Bonner Str.", "XGhana Union Bonn", "Ghana Union"):
        assert not pattern.search(text), text


def test_names_include_earlier_names_and_a_persons_address(office, organisation):
    actor_services.update_organisation(office, organisation, {"name": "Ghana Union e. V."})
    organisation.refresh_from_db()
    assert redaction.names_of(organisation) >= {"Ghana Union e. V.", ORGANISATION}
    person = PersonFactory(name="Li", email="li@example.org")
    assert redaction.names_of(person) == {"Li", "li@example.org"}
    assert redaction.names_of(PersonFactory(name="X", email="")) == set()


def test_redact_leaves_the_annex_and_every_text_but_nothing_else(edition, accepted, process):
    from bruecken.guide.compose import compose

    edition.foreword = FOREWORD
    content = compose(edition)
    pattern = redaction.name_pattern({ORGANISATION})
    redacted = redaction.redact(content, pattern, "Organisation (nicht öffentlich)")
    annex = next(c for c in redacted["chapters"] if c["kind"] == "annex")
    assert ORGANISATION not in str(redacted)
    assert [row["name"] for row in annex["organisations"]] == [
        "Stadt Bonn, Amt für Internationales"
    ]
    assert redacted["foreword"].count("Organisation (nicht öffentlich)") == 2
    assert ORGANISATION in str(content)  # the snapshot itself is not touched
    # Nothing else changed: the same chapters, anchors, number and recommendations.
    assert [c["anchor"] for c in redacted["chapters"]] == [c["anchor"] for c in content["chapters"]]
    assert redaction.redact(redacted, pattern, "x") == redacted


# The whole way, with the real PDF


def test_withdrawn_organisation_leaves_every_public_output(
    client, login, office, bonn_coordinator, organisation, publish, withdraw, private_files
):
    edition = publish()
    assert ORGANISATION in pdf_text(read(edition.pdf_file))
    frozen = {kind: read(field) for kind, field in edition.files}
    frozen_names = {field.name for _kind, field in edition.files}

    withdraw(organisation)

    edition = Edition.objects.get(pk=edition.pk)
    assert edition.number == 1 and edition.is_published and edition.is_redacted
    assert edition.redaction_status == BuildStatus.DONE
    assert edition.public_snapshot["number"] == 1
    # The public files, as everyone downloads them.
    downloads = {}
    for kind in ("pdf", "docx", "html"):
        response = client.get(url("edition_file", edition.pk, kind))
        assert response.status_code == 200, kind
        downloads[kind] = b"".join(response.streaming_content)
    texts = {
        "pdf": pdf_text(downloads["pdf"]),
        "docx": docx_text(downloads["docx"]),
        "html": downloads["html"].decode(),
    }
    for kind, text in texts.items():
        assert ORGANISATION not in text, kind
        assert "Geschwärzt am" in text, kind
        assert "Organisation (nicht öffentlich)" in text, kind
        assert "Stadt Bonn, Amt für Internationales" in text, kind
    assert "Ausgabe 1" in texts["pdf"] and "Ausgabe 1" in texts["docx"]
    # The web edition and the comparison.
    page = client.get(url("edition_read", edition.pk)).content.decode()
    assert ORGANISATION not in page and "Redacted on" in page
    assert "Geschwärzt am" in page
    compared = client.get(url("edition_compare", edition.pk))
    assert compared.status_code == 200 and ORGANISATION not in compared.content.decode()
    # Nothing of the old public files is left but the frozen edition, unchanged.
    edition = Edition.objects.get(pk=edition.pk)
    assert {kind: read(field) for kind, field in edition.files} == frozen
    kept = {p.relative_to(private_files).as_posix() for p in private_files.rglob("*.*")}
    public_names = {field.name for _kind, field in edition.public_files}
    assert kept == frozen_names | public_names
    # The program office still reads and downloads the frozen edition.
    office_client = login(office)
    assert (
        "Unredacted edition" in office_client.get(url("edition_read", edition.pk)).content.decode()
    )
    page = office_client.get(url("edition_unredacted", edition.pk))
    assert page.status_code == 200 and ORGANISATION in page.content.decode()
    response = office_client.get(url("edition_unredacted_file", edition.pk, "pdf"))
    assert b"".join(response.streaming_content) == frozen["pdf"]
    assert (
        "Unredacted edition"
        in office_client.get(url("edition_detail", edition.pk)).content.decode()
    )


# Without reading the PDF


def test_nobody_but_the_office_reaches_the_unredacted_edition(
    client, login, bonn_coordinator, participant, organisation, publish, withdraw, cheap_pdf
):
    edition = publish()
    withdraw(organisation)
    for path in (
        url("edition_unredacted", edition.pk),
        url("edition_unredacted_file", edition.pk, "pdf"),
        url("edition_unredacted_file", edition.pk, "html"),
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response["Location"]
        for user in (bonn_coordinator, participant):
            response = login(user).get(path)
            assert response.status_code in (403, 404), (user, path)
            assert ORGANISATION.encode() not in response.content


def test_hostile_ids_and_kinds(login, office, organisation, publish, withdraw, cheap_pdf):
    edition = publish()
    withdraw(organisation)
    client = login(office)
    assert client.get(url("edition_unredacted_file", edition.pk, "exe")).status_code == 404
    assert client.get(url("edition_unredacted_file", edition.pk, "PDF")).status_code == 404
    for pk in (0, 2**31, 2**63, 10**30):
        assert client.get(url("edition_unredacted", pk)).status_code == 404
        assert client.get(url("edition_unredacted_file", pk, "pdf")).status_code == 404
        assert client.post(url("edition_redaction_retry", pk)).status_code == 404
    assert client.get(url("edition_unredacted_file", edition.pk, "pdf") + "%00").status_code == 404


def test_an_edition_not_redacted_has_no_separate_unredacted_version(
    login, office, publish, cheap_pdf
):
    edition = publish()
    client = login(office)
    assert client.get(url("edition_unredacted", edition.pk)).status_code == 404
    assert client.get(url("edition_file", edition.pk, "pdf")).status_code == 200


def test_an_edition_not_naming_them_stays_as_it_is(publish, withdraw, person, cheap_pdf):
    edition = publish(foreword="Ohne Namen.")
    withdraw(person)
    edition = Edition.objects.get(pk=edition.pk)
    assert not edition.is_redacted and edition.public_content == edition.snapshot


def test_withdrawn_person_leaves_the_public_edition(
    client, person, publish, withdraw, cheap_pdf, organisation
):
    edition = publish()
    withdraw(person)
    edition = Edition.objects.get(pk=edition.pk)
    assert edition.is_redacted and edition.redaction_status == BuildStatus.DONE
    assert PERSON not in str(edition.public_snapshot)
    assert "Person (nicht öffentlich)" in edition.public_snapshot["foreword"]
    # The organisation kept its consent: still named.
    assert ORGANISATION in edition.public_snapshot["foreword"]
    for kind in ("pdf", "docx", "html"):
        data = b"".join(client.get(url("edition_file", edition.pk, kind)).streaming_content)
        text = docx_text(data) if kind == "docx" else data.decode()
        assert PERSON not in text and "Geschwärzt am" in text
    assert PERSON in edition.snapshot["foreword"]


def test_second_withdrawal_keeps_the_first_and_removes_the_old_public_files(
    client, person, organisation, publish, withdraw, cheap_pdf, private_files
):
    edition = publish()
    frozen = {field.name for _kind, field in edition.files}
    withdraw(person)
    withdraw(organisation)
    edition = Edition.objects.get(pk=edition.pk)
    text = str(edition.public_snapshot)
    assert PERSON not in text and ORGANISATION not in text
    assert edition.number == 1
    # Every file on disk but the frozen ones is a public one without either name.
    others = [
        p
        for p in private_files.rglob("*.*")
        if p.relative_to(private_files).as_posix() not in frozen
    ]
    assert len(others) == 3
    for path in others:
        data = path.read_bytes()
        assert ORGANISATION.encode() not in data and PERSON.encode() not in data, path
    html = b"".join(client.get(url("edition_file", edition.pk, "html")).streaming_content)
    assert PERSON.encode() not in html and ORGANISATION.encode() not in html


def test_withdrawing_twice_or_consenting_again_changes_nothing(
    office, organisation, publish, withdraw, cheap_pdf, django_capture_on_commit_callbacks
):
    edition = publish()
    withdraw(organisation)
    edition = Edition.objects.get(pk=edition.pk)
    redacted_at, public = edition.redacted_at, edition.public_snapshot
    entries = AuditEntry.objects.filter(object_type="guide.edition").count()
    # A second announcement (the privacy page's service sends it too) finds nothing to do.
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdrawn.send(sender=Organisation, instance=organisation)
    withdraw(organisation)  # not public any more: the service does nothing
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.give_organisation_consent(office, organisation, "Vorstand")
    edition = Edition.objects.get(pk=edition.pk)
    assert (edition.redacted_at, edition.public_snapshot) == (redacted_at, public)
    assert AuditEntry.objects.filter(object_type="guide.edition").count() == entries
    # Consent given again does not bring the name back into the redacted edition.
    assert ORGANISATION not in str(edition.public_snapshot)
    # Withdrawn again: still one redaction, nothing breaks.
    withdraw(organisation)
    assert Edition.objects.get(pk=edition.pk).public_snapshot == public


def test_the_redaction_is_audited_without_the_name(organisation, publish, withdraw, cheap_pdf):
    edition = publish()
    withdraw(organisation)
    entry = AuditEntry.objects.filter(
        object_type="guide.edition", object_id=str(edition.pk)
    ).latest("at")
    assert "redacted_at" in entry.changes and ORGANISATION not in str(entry.changes)


def test_an_erased_person_leaves_the_frozen_edition_too(
    login, office, person, publish, cheap_pdf, django_capture_on_commit_callbacks, private_files
):
    edition = publish()
    old_frozen = {field.name for _kind, field in edition.files}
    before = copy.copy(person)
    with django_capture_on_commit_callbacks(execute=True):
        actor_services.delete_person(office, person)
    edition = Edition.objects.get(pk=edition.pk)
    assert PERSON not in str(edition.snapshot) and PERSON not in str(edition.public_snapshot)
    assert not edition.frozen_files_outdated and edition.redaction_status == BuildStatus.DONE
    for _kind, field in edition.files:
        data = read(field)
        assert PERSON.encode() not in data and before.email.encode() not in data
    remaining = {p.relative_to(private_files).as_posix() for p in private_files.rglob("*.*")}
    assert not remaining & old_frozen - {field.name for _kind, field in edition.files}
    page = login(office).get(url("edition_unredacted", edition.pk)).content.decode()
    assert PERSON not in page


def test_withdrawal_during_the_publication_build(office, edition, accepted, organisation):
    """The consent is withdrawn after the snapshot was taken, before the files are built: the
    public files are built redacted once the publication's build is done."""
    Edition.objects.filter(pk=edition.pk).update(foreword=FOREWORD)
    services.publish_edition(office, edition)  # the build is queued, not run
    assert redaction.redact_editions(organisation) == [edition.pk]
    edition = Edition.objects.get(pk=edition.pk)
    assert edition.is_building and edition.redaction_status == BuildStatus.QUEUED
    fake = [("html", "HTML", render.render_html)]
    assert services.build_edition(edition.pk, fake)
    assert redaction.build_redacted(edition.pk, fake)
    edition = Edition.objects.get(pk=edition.pk)
    assert ORGANISATION.encode() in read(edition.html_file)
    assert ORGANISATION.encode() not in read(edition.public_html_file)


def test_a_failed_rebuild_can_be_started_again(
    login, office, organisation, publish, cheap_pdf, monkeypatch, django_capture_on_commit_callbacks
):
    edition = publish()

    def broken(content):
        raise RuntimeError("font missing")

    monkeypatch.setattr(render, "RENDERERS", [("pdf", "PDF", broken)])
    with django_capture_on_commit_callbacks(execute=True):
        redaction.redact_editions(organisation)
    edition = Edition.objects.get(pk=edition.pk)
    assert (
        edition.redaction_status == BuildStatus.FAILED and "font missing" in edition.redaction_error
    )
    assert edition.public_files == []  # nothing public to download, nothing unredacted either
    client = login(office)
    page = client.get(url("edition_detail", edition.pk)).content.decode()
    assert "font missing" in page and url("edition_redaction_retry", edition.pk) in page
    monkeypatch.setattr(render, "RENDERERS", [("html", "HTML", render.render_html)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("edition_redaction_retry", edition.pk))
    assert response.status_code == 302
    edition = Edition.objects.get(pk=edition.pk)
    assert edition.redaction_status == BuildStatus.DONE and edition.public_html_file
    with pytest.raises(ValidationError):
        redaction.retry_redacted_build(office, edition)


def test_only_the_office_retries(bonn_coordinator, organisation, publish, cheap_pdf):
    edition = publish()
    with pytest.raises(PermissionDenied):
        redaction.retry_redacted_build(bonn_coordinator, edition)


def test_failed_publication_forgets_its_redaction(office, edition, accepted, organisation):
    Edition.objects.filter(pk=edition.pk).update(foreword=FOREWORD)
    services.publish_edition(office, edition)
    redaction.redact_editions(organisation)

    def broken(content):
        raise RuntimeError("font missing")

    assert not services.build_edition(edition.pk, [("pdf", "PDF", broken)])
    edition = Edition.objects.get(pk=edition.pk)
    assert edition.public_snapshot is None and not edition.is_redacted
    assert edition.redaction_status == BuildStatus.IDLE


def test_a_failing_receiver_does_not_undo_the_withdrawal(
    office, organisation, publish, cheap_pdf, monkeypatch, withdraw
):
    publish()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(redaction, "redact_editions", broken)
    withdraw(organisation)
    organisation.refresh_from_db()
    assert not organisation.is_public


def test_an_erasure_leaves_no_copy_of_the_name_in_any_edition(
    office, person, publish, cheap_pdf, django_capture_on_commit_callbacks
):
    from bruecken.privacy.erasure import erase_person

    edition = publish()
    with django_capture_on_commit_callbacks(execute=True):
        erase_person(person, by_user=office)
    edition = Edition.objects.get(pk=edition.pk)
    for content in (edition.snapshot, edition.public_snapshot):
        assert PERSON not in str(content) and "ama@example.org" not in str(content)
    for _kind, field in [*edition.files, *edition.public_files]:
        assert PERSON.encode() not in read(field)
