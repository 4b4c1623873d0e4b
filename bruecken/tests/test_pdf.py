"""The shared HTML-to-PDF step: tagged, our own files only, stylesheets applied."""

import io

import pypdf
import pytest

from bruecken.pdf import RefusedURL, _fetcher, html_to_pdf

DOCUMENT = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Leitfaden</title>
{head}</head><body><h1>Überschrift</h1><p>Text für alle.</p>{body}</body></html>"""


def text_of(pdf):
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_a_tagged_pdf_with_title_and_language():
    pdf = html_to_pdf(DOCUMENT.format(head="", body=""))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Leitfaden"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "de"
    assert "/StructTreeRoot" in catalog
    assert "Überschrift" in text_of(pdf)


def test_only_our_own_files_are_fetched():
    fetcher = _fetcher()
    for url in [
        "https://evil.example/tracker.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://bruecken.invalid/static/../../settings.py",
        "https://bruecken.invalid/media/../../etc/passwd",
    ]:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    # A document asking for them still renders, without them.
    pdf = html_to_pdf(
        DOCUMENT.format(
            head='<link rel="stylesheet" href="https://evil.example/x.css">',
            body='<img src="file:///etc/passwd" alt="Bild">',
        )
    )
    assert "Text für alle." in text_of(pdf)


def test_our_stylesheets_are_applied():
    response = _fetcher().fetch("https://bruecken.invalid/static/css/app.css")
    assert response.content_type == "text/css"
    assert b"{" in response.read()
