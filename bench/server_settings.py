"""The production settings for the server of `make bench-size`'s directory, with the static
files hashed but not compressed: compressing them (gzip and Brotli, every file) takes minutes on
a busy machine and changes nothing measured (the benchmark's client asks for no compression)."""

from bruecken.settings import *  # noqa: F403
from bruecken.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
