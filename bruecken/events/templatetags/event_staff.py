"""Template helpers for the staff pages of programs and events."""

import re

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

from bruecken.programs.scopes import may_see_programs as _may_see_programs

register = template.Library()

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
HEADING = re.compile(r"<(/?)h([1-6])([\s>])")


def render_markdown(text, heading_offset=0):
    """Markdown as sanitised HTML: no scripts, styles, event handlers or foreign schemes.
    Headings move down by `heading_offset` levels, so that they fit below the page's own."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists", "tables"])
    if heading_offset:
        html = HEADING.sub(
            lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + heading_offset, 6)}{m.group(3)}",
            html,
        )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@register.filter
def markdown(text, heading_offset=0):
    try:
        offset = int(heading_offset)
    except (TypeError, ValueError):
        offset = 0
    return mark_safe(render_markdown(text, offset))  # noqa: S308 – sanitised by nh3 above


@register.simple_tag(takes_context=True)
def may_see_programs(context):
    request = context.get("request")
    return request is not None and _may_see_programs(request.user)


@register.filter
def basename(path):
    return str(path or "").rsplit("/", 1)[-1]
