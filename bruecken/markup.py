"""Markdown written by staff, shown as sanitised HTML.

The HTML that Markdown produces (and any raw HTML typed into it) goes through nh3, which keeps
only the tags and attributes listed here: no scripts, styles, event handlers or foreign URL
schemes. Public content (pages, news) may also show images, but only our own: an image from
another host would tell that host who reads the page."""

import re
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3
from django.utils.translation import gettext as _

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
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
# Pages and news may show images as well.
CONTENT_TAGS = ALLOWED_TAGS | {"img"}
CONTENT_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title"}}
# An image of ours: a path on this host. "//host/…" and "/\host/…" are read by browsers as
# another host, so the second character must be neither slash nor backslash.
OWN_IMAGE = re.compile(r"^/(?![/\\])[^\s\\]*$")
HEADING = re.compile(r"<(/?)h([1-6])([\s>])")
HEADING_LEVEL = re.compile(r"<h([1-6])[\s>]")
# An image tag as nh3 writes it: lower case, every value in double quotes (a quote inside is
# written as &quot;).
IMAGE_TAG = re.compile(r'<img((?:\s+[\w:-]+="[^"]*")*)\s*/?>')


def is_own_image(src):
    return bool(OWN_IMAGE.match(src or ""))


def _own_images_only(tag, attribute, value):
    if tag == "img" and attribute == "src" and not is_own_image(value):
        return None
    return value


def render_content(text, top_level=2):
    """Pages and news: our own images, each line as written (addresses, Leichte Sprache with
    one sentence a line). The text's highest heading becomes `top_level` (h2 below the page's
    h1) and the others keep their distance to it, whether the author began with # or ##: no
    second h1, no level skipped."""
    html = render_markdown(text, images=True, line_breaks=True)
    levels = [int(level) for level in HEADING_LEVEL.findall(html)]
    if not levels:
        return html
    shift = top_level - min(levels)
    return HEADING.sub(
        lambda m: f"<{m.group(1)}h{max(1, min(int(m.group(2)) + shift, 6))}{m.group(3)}", html
    )


def _complete_images(html):
    """Drop images whose foreign source was removed; text written past the checks (an old
    entry, say) gets an empty text alternative rather than none."""

    def complete(match):
        attributes = match.group(1)
        if ' src="' not in attributes:
            return ""
        if ' alt="' not in attributes:
            return f'<img alt=""{attributes}>'
        return match.group(0)

    return IMAGE_TAG.sub(complete, html)


def _shift_headings(html, offset):
    return HEADING.sub(
        lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + offset, 6)}{m.group(3)}", html
    )


def _markdown_html(text, line_breaks=False):
    extensions = ["sane_lists", "tables"]
    if line_breaks:
        extensions.append("nl2br")
    return markdown_lib.markdown(text or "", extensions=extensions)


def render_markdown(text, heading_offset=0, images=False, line_breaks=False):
    """Markdown as sanitised HTML. Headings move down by `heading_offset` levels, so that they
    fit below the page's own; `images` lets our own images through; with `line_breaks`, a new
    line in the text is a new line on the page (not only an empty line)."""
    html = nh3.clean(
        _markdown_html(text, line_breaks),
        tags=CONTENT_TAGS if images else ALLOWED_TAGS,
        attributes=CONTENT_ATTRIBUTES if images else ALLOWED_ATTRIBUTES,
        attribute_filter=_own_images_only if images else None,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        set_tag_attribute_values={"img": {"loading": "lazy"}} if images else None,
    )
    if images:
        html = _complete_images(html)
    # Shifted after cleaning: nh3 writes every tag in lower case, so none escapes the shift.
    return _shift_headings(html, heading_offset) if heading_offset else html


class _ImageCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))

    handle_startendtag = handle_starttag


def images_in(text):
    """The images the Markdown would show, as attribute dicts (before the host check)."""
    html = nh3.clean(
        _markdown_html(text),
        tags=CONTENT_TAGS,
        attributes=CONTENT_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
    )
    collector = _ImageCollector()
    collector.feed(html)
    return collector.images


def content_problems(text):
    """Why public content with this text cannot be saved: images from another host or without
    a text alternative. An empty list when it can."""
    problems = []
    for image in images_in(text):
        src = image.get("src") or ""
        if not is_own_image(src):
            problems.append(
                _(
                    "The image “%(src)s” is not on this website. Upload it under Images and "
                    "insert the snippet shown there."
                )
                % {"src": src or "–"}
            )
        if not (image.get("alt") or "").strip():
            problems.append(
                _(
                    "The image “%(src)s” has no text alternative. Describe what it shows "
                    "between the square brackets: ![What the picture shows](%(src)s)"
                )
                % {"src": src or "–"}
            )
    return problems
