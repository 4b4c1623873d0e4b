"""The follow-ups due per municipality: the figures provider, the program dashboard's column and
the guideline's municipality chapter."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bruecken import figures
from bruecken.advisory.figures import per_municipality
from bruecken.advisory.models import Advice
from bruecken.advisory.services import record_advice, set_follow_up_done
from bruecken.guide.compose import compose
from bruecken.guide.models import Chapter, ChapterKind
from bruecken.guide.render import chapter_lines, render_body
from bruecken.guide.services import create_edition
from bruecken.programs.tests.factories import LocalProcessFactory

from .conftest import values

pytestmark = pytest.mark.django_db


def _by_key(found):
    return {figure.key: figure.value for figure in found}


def test_follow_ups_due_on_or_before_today_not_done(office, bonn, kiel, bonn_org, advice):
    today = timezone.localdate()
    record_advice(
        office,
        bonn_org,
        values(given_on=today, follow_up_on=today + datetime.timedelta(days=1), topic="Später"),
    )
    due_today = record_advice(
        office,
        bonn_org,
        values(given_on=today - datetime.timedelta(days=3), follow_up_on=today, topic="Heute"),
    )
    now = timezone.now()
    found = per_municipality([bonn.pk, kiel.pk], now)
    # Today's; not the seminar's (in four days) nor tomorrow's.
    assert _by_key(found[bonn.pk]) == {"advice_given": 3, "advice_follow_ups_due": 1}
    assert _by_key(found[kiel.pk]) == {"advice_given": 0, "advice_follow_ups_due": 0}
    overdue = record_advice(
        office,
        bonn_org,
        values(
            given_on=today - datetime.timedelta(days=9),
            follow_up_on=today - datetime.timedelta(days=2),
            topic="Überfällig",
        ),
    )
    assert _by_key(per_municipality([bonn.pk], now)[bonn.pk])["advice_follow_ups_due"] == 2
    set_follow_up_done(office, due_today)
    set_follow_up_done(office, overdue)
    assert _by_key(per_municipality([bonn.pk], now)[bonn.pk])["advice_follow_ups_due"] == 0
    assert "advisory" in figures.PROVIDERS


def test_the_dashboard_shows_every_providers_figures_in_constant_queries(
    client, office, program, bonn, kiel, advice, django_assert_max_num_queries, monkeypatch
):
    from bruecken.figures import Figure

    # Another provider (the partnerships' one) shows the same way.
    providers = dict(figures.PROVIDERS)
    providers["other"] = lambda ids, now: {
        i: [Figure("linked", "Linked partnerships", 2, 5)] for i in ids
    }
    monkeypatch.setattr(figures, "PROVIDERS", providers)
    Advice.objects.filter(pk=advice.pk).update(follow_up_on=timezone.localdate())
    LocalProcessFactory(program=program, municipality=bonn)
    client.force_login(office)
    # German whatever an earlier test left active in this thread.
    with translation.override("de"):
        url = reverse("programs:program_detail", args=[program.pk])
    response = client.get(url)
    html = response.content.decode()
    assert '<th scope="col">Weitere Kennzahlen</th>' in html
    assert "Nachfassen fällig: <strong>1</strong>" in html
    assert "Linked partnerships: <strong>2 von 5</strong>" in html
    # More municipalities cost no more queries.
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    from bruecken.places.tests.factories import MunicipalityFactory

    for _ in range(5):
        municipality = MunicipalityFactory()
        program.municipalities.add(municipality)
        LocalProcessFactory(program=program, municipality=municipality)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_guides_municipality_chapter_includes_the_figures_when_chosen(
    office, program, bonn, advice
):
    Advice.objects.filter(pk=advice.pk).update(follow_up_on=timezone.localdate())
    LocalProcessFactory(program=program, municipality=bonn)
    edition = create_edition(office, program, {"title": "Leitfaden", "language": "de"})
    chapter = Chapter.objects.get(edition=edition, kind=ChapterKind.MUNICIPALITIES)
    content = compose(edition, figures=False)
    (municipalities,) = [c for c in content["chapters"] if c["kind"] == "municipalities"]
    assert municipalities["municipalities"][0]["figures"] == []
    chapter.with_figures = True
    chapter.save()
    content = compose(edition, figures=False)
    (municipalities,) = [c for c in content["chapters"] if c["kind"] == "municipalities"]
    shown = {f["key"]: f for f in municipalities["municipalities"][0]["figures"]}
    assert shown["advice_follow_ups_due"]["value"] == 1
    assert shown["advice_follow_ups_due"]["label"] == "Nachfassen fällig"
    assert "Nachfassen fällig" in render_body(content)
    assert "Nachfassen fällig: 1" in chapter_lines(municipalities, "de")


def test_the_editor_includes_the_figures_on_the_chapter_form(client, office, program):
    edition = create_edition(office, program, {"title": "Leitfaden", "language": "de"})
    chapter = Chapter.objects.get(edition=edition, kind=ChapterKind.MUNICIPALITIES)
    client.force_login(office)
    url = reverse("guide:chapter_edit", args=[chapter.pk])
    assert 'name="with_figures"' in client.get(url).content.decode()
    client.post(url, {"kind": chapter.kind, "title": chapter.title, "with_figures": "on"})
    chapter.refresh_from_db()
    assert chapter.with_figures


def test_a_change_of_advice_renews_the_drafts_kept_content(
    office, bonn_org, django_capture_on_commit_callbacks
):
    """The composer keeps a draft's content per content version (guide/compose.py `composed`):
    recorded advice counts it up, so the figures shown are current."""
    from bruecken.cache import current_version

    before = current_version()
    with django_capture_on_commit_callbacks(execute=True):
        record_advice(office, bonn_org, values())
    assert current_version() > before
