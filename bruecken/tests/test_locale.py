"""The German catalogue and the wording around dates, checked over every message and template."""

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

CATALOGUE = settings.BASE_DIR / "bruecken" / "locale" / "de" / "LC_MESSAGES" / "django.po"
# German plurals that look like the singular.
SAME_IN_BOTH = {"%(counter)s Fehler"}


def test_german_plurals_differ_from_the_singular():
    """ "12 Organisation": a plural translated with the singular noun."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    wrong = [
        message.id
        for message in catalogue
        if message.pluralizable
        and message.id[0] != message.id[1]
        and message.string[0]
        and message.string[0] == message.string[1]
        and message.string[1] not in SAME_IN_BOTH
    ]
    assert wrong == []


def test_twelve_organisations_in_german():
    with translation.override("de"):
        assert (
            translation.ngettext("%(count)s organisation", "%(count)s organisations", 12)
            % {"count": 12}
            == "12 Organisationen"
        )


def test_no_full_stop_right_after_a_time():
    """English times end in "p.m.": "… by 11:59 p.m.." where a sentence ends with one."""
    pattern = re.compile(r"{% blocktranslate([^%]*)%}(.*?){% endblocktranslate %}", re.S)
    timed = re.compile(r'(\w+)=\S+?\|date:"(?:SHORT_DATETIME_FORMAT|DATETIME_FORMAT|TIME_FORMAT)"')
    found = []
    for path in Path(settings.BASE_DIR, "bruecken").rglob("*"):
        if path.suffix not in {".html", ".txt"} or "tests" in path.parts:
            continue
        for match in pattern.finditer(path.read_text()):
            for name in timed.findall(match[1]):
                if re.search(r"{{ ?" + re.escape(name) + r" ?}}\.", match[2]):
                    found.append(f"{path}: {match[2]}")
    assert found == []
