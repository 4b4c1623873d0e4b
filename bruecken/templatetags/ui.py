import rules
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from bruecken.translation import localized as _localized
from bruecken.translation import shows_german

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


def _german_on_this_page():
    """Whether German content needs marking: on a page in any other language."""
    return not (get_language() or settings.LANGUAGE_CODE).startswith(settings.LANGUAGE_CODE)


GERMAN = mark_safe(f' lang="{settings.LANGUAGE_CODE}"')  # noqa: S308 (a constant)


@register.simple_tag
def lang_de():
    """` lang="de"` for German content that has no English version (free text staff wrote), on
    pages in another language (WCAG 3.1.2): `<p{% lang_de %}>{{ result.text }}</p>`."""
    return GERMAN if _german_on_this_page() else ""


@register.filter
def lang_of(obj, field):
    """` lang="de"` where `{{ obj|localized:field }}` falls back to the German text on a page in
    another language: `<h1{{ event|lang_of:"title" }}>{{ event|localized:"title" }}</h1>`."""
    if obj is None or not _german_on_this_page() or getattr(obj, f"{field}_en", ""):
        return ""
    return GERMAN


@register.simple_tag
def german_note(obj, field):
    """A visible "(in German)" after content that an English page shows in German (no English
    version was written), so that sighted readers know too; the element holding the text
    carries `lang_of`: `<p{{ goal|lang_of:"title" }}>…</p>{% german_note goal "title" %}`."""
    if obj is None or not shows_german(obj, field):
        return ""
    return format_html(' <span class="language-note">{}</span>', gettext("(in German)"))


@register.simple_tag
def localized_text(obj, field):
    """`{{ obj|localized:field }}` inside a sentence: in a span marked German where it falls
    back to German, for `{% localized_text program "name" as name %}{% blocktranslate with
    name=name %}…`."""
    value = _localized(obj, field)
    if lang_of(obj, field):
        return format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, value)
    return value
