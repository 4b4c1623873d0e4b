"""Template helpers for the staff pages of programs and events."""

from django import template
from django.utils.safestring import mark_safe

from bruecken.markup import render_markdown
from bruecken.programs.rules import may_see_programs as _may_see_programs

register = template.Library()


@register.filter
def markdown(text, heading_offset=0):
    try:
        offset = int(heading_offset)
    except (TypeError, ValueError):
        offset = 0
    return mark_safe(render_markdown(text, offset))  # noqa: S308 – sanitised by nh3 (bruecken.markup)


@register.simple_tag(takes_context=True)
def may_see_programs(context):
    request = context.get("request")
    return request is not None and _may_see_programs(request.user)


@register.filter
def basename(path):
    return str(path or "").rsplit("/", 1)[-1]
