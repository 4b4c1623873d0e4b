from django import template
from django.contrib.staticfiles import finders
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def inline_stylesheet(path):
    """One of our static stylesheets as text, for a <style> element in the documents that only
    WeasyPrint reads (never a page a browser gets, whose policy forbids inline styles): the
    PDF does not depend on how the URL fetcher labels the files it reads."""
    found = finders.find(path)
    if not found:
        raise template.TemplateSyntaxError(f"No static file {path}")
    with open(found, encoding="utf-8") as handle:
        text = handle.read()
    # Our own file; "</" would end the element early, and no stylesheet of ours needs it.
    return mark_safe(text.replace("</", "<\\/"))  # noqa: S308
