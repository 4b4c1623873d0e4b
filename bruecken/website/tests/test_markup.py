"""The Markdown sanitiser: what staff write is shown without scripts, handlers or foreign
images; public content refuses images from elsewhere or without a text alternative."""

import re

import pytest
from django.utils import translation

from bruecken.markup import content_problems, is_own_image, render_content, render_markdown


def test_scripts_styles_and_event_handlers_are_removed():
    html = render_markdown(
        "<script>alert(1)</script><style>p{}</style>"
        '<p onclick="alert(2)" style="color:red">Text</p>'
        "[Link](javascript:alert(3)) <iframe src='https://x.example'></iframe>",
        images=True,
    )
    assert "<script" not in html
    assert "alert(" not in html
    assert "onclick" not in html
    assert "style" not in html
    assert "iframe" not in html
    assert "<p>Text</p>" in html


def test_images_are_refused_in_staff_markdown():
    assert "<img" not in render_markdown("![Ein Bild](/de/images/1/bild.png)")


def test_own_images_are_kept_with_their_text_alternative():
    html = render_markdown("![Ein Bild](/de/images/1/bild.png)", images=True)
    assert '<img alt="Ein Bild" src="/de/images/1/bild.png" loading="lazy">' in html


@pytest.mark.parametrize(
    "src",
    [
        "https://tracker.example/pixel.gif",
        "http://tracker.example/pixel.gif",
        "//tracker.example/pixel.gif",
        "/\\tracker.example/pixel.gif",
        "data:image/png;base64,AAAA",
        "pixel.gif",
        "javascript:alert(1)",
    ],
)
def test_foreign_images_are_dropped(src):
    html = render_markdown(f'![Zähler]({src}) <img src="{src}" alt="Zähler">', images=True)
    assert "<img" not in html
    assert not is_own_image(src)


def test_an_image_without_text_alternative_is_shown_as_decoration():
    # Only text saved before the checks can have one; it must not break the page.
    assert '<img alt="" src="/de/images/1/a.png"' in render_markdown(
        '<img src="/de/images/1/a.png">', images=True
    )


def test_headings_move_below_the_page_heading_whatever_their_case():
    html = render_markdown("# Eins\n\n<H1>Zwei</H1>\n\n###### Sechs", heading_offset=1)
    assert "<h1" not in html
    assert html.count("<h2>") == 2
    assert "<h6>Sechs</h6>" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Eins\n\n## Zwei", ["h2", "h3"]),
        ("## Eins\n\n### Zwei", ["h2", "h3"]),
        ("### Eins\n\n## Zwei", ["h3", "h2"]),
        ("<H1>Eins</H1>\n\n###### Sechs", ["h2", "h6"]),
    ],
)
def test_content_headings_begin_at_h2_however_the_author_began(text, expected):
    assert re.findall(r"<(h\d)>", render_content(text)) == expected


def test_content_keeps_lines_as_written():
    html = render_content("Musterstraße 1\n12345 Musterstadt")
    assert html == "<p>Musterstraße 1<br>\n12345 Musterstadt</p>"


def test_links_get_rel_attributes():
    html = render_markdown("[Verein](https://verein.example)")
    assert 'rel="noopener noreferrer nofollow"' in html


def test_content_problems_name_foreign_images_and_missing_text_alternatives():
    with translation.override("en"):
        problems = content_problems(
            "![](/de/images/1/a.png)\n\n![Gut](/de/images/2/b.png)\n\n"
            '![Zähler](https://tracker.example/p.gif) <img src="/x.png" alt="  ">'
        )
    assert len(problems) == 3
    assert "“/de/images/1/a.png” has no text alternative" in problems[0]
    assert "“https://tracker.example/p.gif” is not on this website" in problems[1]
    assert "“/x.png” has no text alternative" in problems[2]
    assert content_problems("Nur **Text** und ![Gut](/de/images/2/b.png)") == []


def test_content_problems_are_marked_for_translation(monkeypatch):
    monkeypatch.setattr("bruecken.markup._", lambda text: "[übersetzt] " + text)
    problems = content_problems("![](https://tracker.example/p.gif)")
    assert len(problems) == 2
    assert all(problem.startswith("[übersetzt] ") for problem in problems)
