"""HTML to PDF with WeasyPrint, shared by the guideline and the reports.

The documents are rendered from our own templates; a PDF build must never fetch anything from
the network (a link in user-written Markdown would otherwise become a server-side request), so
the only URLs it resolves are our static files and uploaded images, read from their storage.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage

# A stable base URL for relative links inside the documents; nothing is ever fetched from it.
BASE_URL = "https://bruecken.invalid/"


class RefusedURL(Exception):
    """A document asked for a resource that is not one of our files."""


def _local_file(url):
    """The name and content of the static or uploaded file `url` points at, or None."""
    path = unquote(urlparse(url).path)
    if ".." in path.split("/"):
        return None
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        return (Path(found).name, Path(found).read_bytes()) if found else None
    if path.startswith(settings.MEDIA_URL):
        # Uploaded files may live in an object store: read through the storage, not the disk.
        name = path.removeprefix(settings.MEDIA_URL)
        try:
            with default_storage.open(name, "rb") as handle:
                return name.rsplit("/", 1)[-1], handle.read()
        except (OSError, SuspiciousFileOperation):
            return None
    return None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        """WeasyPrint's URL fetcher, limited to data: URLs and our static and media files."""

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "https" and parsed.netloc == "bruecken.invalid":
                found = _local_file(url)
                if found is not None:
                    name, body = found
                    # WeasyPrint reads a stylesheet only when it is labelled as one.
                    mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=body, headers={"Content-Type": mime_type})
            raise RefusedURL(url)

    return LocalFetcher()


def html_to_pdf(html):
    """The PDF of an HTML document (a string), tagged for accessibility (PDF/UA-1: structure
    tree, the language of <html lang>, the title of <title>). Static files are linked as
    `{% static %}` gives them; nothing outside our files is fetched."""
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(
        pdf_variant="pdf/ua-1"
    )
