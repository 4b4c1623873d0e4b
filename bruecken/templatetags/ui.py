import rules
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from bruecken.translation import localized as _localized

register = template.Library()


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context):
    """Links to the same page in the other languages: plain links, usable without JavaScript."""
    request = context["request"]
    current = get_language()
    path = request.get_full_path()
    return {
        "languages": [
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ]
    }


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"


@register.simple_tag(takes_context=True)
def can(context, permission, obj=None):
    return context["request"].user.has_perm(permission, obj)


@register.simple_tag(takes_context=True)
def may_edit_website(context):
    # The rule alone: a refusal must not fall through to Django's permission tables (queries).
    request = context.get("request")
    return request is not None and rules.test_rule("website.edit_website", request.user)


@register.filter
def localized(obj, field):
    """`{{ event|localized:"title" }}`: the English version where English is active and one
    exists, else the German one."""
    return _localized(obj, field)
