"""Helpers for the apps' tests."""

from django.urls import reverse
from django.utils import translation


def url_maker(namespace, language):
    """A test module's `url(name, *args, language=...)`: the address of the namespace's page
    `name` (with no namespace, `name` names it in full), in `language` unless the call names
    another."""
    prefix = f"{namespace}:" if namespace else ""

    def url(name, *args, language=language):
        with translation.override(language):
            return reverse(prefix + name, args=args)

    return url
