"""What search engines and link previews read: canonical and alternate-language URLs, Open
Graph tags and schema.org JSON-LD. Absolute URLs are built from SITE_URL, the public address."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

OG_LOCALES = {"de": "de_DE", "en": "en_GB"}
DEFAULT_IMAGE = "website/og-image.png"


def absolute(path):
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


@register.simple_tag(takes_context=True)
def canonical_link(context):
    request = context.get("request")
    if request is None:
        return ""
    return format_html('<link rel="canonical" href="{}">', absolute(request.path))


@register.simple_tag(takes_context=True)
def alternate_links(context):
    """The same page in every language, and German as the default for everyone else."""
    request = context.get("request")
    if request is None:
        return ""
    links = [
        (code, absolute(translate_url(request.path, code))) for code, _name in settings.LANGUAGES
    ]
    links.append(("x-default", absolute(translate_url(request.path, settings.LANGUAGE_CODE))))
    return format_html_join("\n  ", '<link rel="alternate" hreflang="{}" href="{}">', links)


@register.simple_tag(takes_context=True)
def open_graph(context, title="", description="", image="", kind="website"):
    request = context.get("request")
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    description = description or _(
        "Brücken connects migrant organisations with municipal development actors."
    )
    tags = [
        ("name", "description", description),
        ("property", "og:site_name", "Brücken"),
        ("property", "og:type", kind),
        ("property", "og:title", title or "Brücken"),
        ("property", "og:description", description),
        ("property", "og:image", absolute(image or static(DEFAULT_IMAGE))),
        ("property", "og:locale", OG_LOCALES.get(language, language)),
    ]
    if request is not None:
        tags.append(("property", "og:url", absolute(request.path)))
    return format_html_join("\n  ", '<meta {}="{}" content="{}">', tags)


@register.simple_tag
def json_ld(data):
    """schema.org data as a JSON-LD block (data, not script: the CSP does not run it)."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    # As in json_script: nothing in the data can close the element.
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
