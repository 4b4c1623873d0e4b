from django import template
from django.utils.safestring import mark_safe

from bruecken.markup import render_markdown

register = template.Library()


@register.filter
def guide_markdown(text, offset=2):
    """Markdown of a chapter's text or the foreword, below the chapter's own heading."""
    return mark_safe(render_markdown(text, heading_offset=offset))  # noqa: S308 (sanitised)
