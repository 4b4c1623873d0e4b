"""Template helpers for the content the program office writes: Markdown with our own images,
the language of a text that falls back to German, and the publication state."""

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bruecken.markup import render_content
from bruecken.translation import is_english

from .. import services

register = template.Library()


@register.filter
def content_markdown(text, top_level=2):
    """Pages and news: headings from h2 on (below the page's h1); our own images allowed."""
    try:
        level = int(top_level)
    except (TypeError, ValueError):
        level = 2
    return mark_safe(render_content(text, level))  # noqa: S308 – sanitised by nh3


def fallback_language(obj, field):
    """ "de" when the English site shows the German version of `field` (there is no English
    one), else ""."""
    if is_english() and not getattr(obj, f"{field}_en", ""):
        return "de"
    return ""


@register.simple_tag
def fallback_lang(obj, field):
    """` lang="de"` on an element of the English site that shows German text, so that screen
    readers pronounce it as German."""
    language = fallback_language(obj, field)
    return format_html(' lang="{}"', language) if language else ""


@register.simple_tag
def publication_state(obj):
    """Draft, scheduled or published, as a badge with words (not colour alone)."""
    if not obj.is_published:
        return format_html('<span class="badge badge-draft">{}</span>', _("draft"))
    if obj.published_at > timezone.now():
        return format_html('<span class="badge badge-warning">{}</span>', _("scheduled"))
    return format_html('<span class="badge badge-published">{}</span>', _("published"))


@register.filter
def markdown_snippet(image, language="de"):
    return services.markdown_snippet(image, language)


@register.simple_tag
def retention_days():
    return settings.CONTACT_MESSAGE_RETENTION_DAYS
