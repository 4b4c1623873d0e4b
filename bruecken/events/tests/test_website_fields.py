"""The staff forms' fields for the public website: an event's English title and description, and
whether a goal or result is shown on the website."""

import pytest
from django.urls import reverse

from bruecken.accounts.models import AuditEntry
from bruecken.events.forms import EventForm, GoalForm, ResultForm
from bruecken.events.models import Event
from bruecken.events.tests.factories import EventFactory
from bruecken.programs.models import Goal, Result, WorkshopKind
from bruecken.tests.helpers import url_maker

from .test_views import event_form_data

pytestmark = pytest.mark.usefixtures("language_reset")


url = url_maker("events", language="en")


@pytest.fixture
def workshop(bonn):
    return EventFactory(process__municipality=bonn, title="Erweiterter Workshop Bonn")


class TestEventForm:
    def test_has_the_english_fields(self, workshop):
        fields = list(EventForm(instance=workshop).fields)
        assert fields.index("title_en") == fields.index("title") + 1
        assert fields.index("description_en") == fields.index("description") + 1

    def test_english_title_and_description_are_saved_and_audited(
        self, client, bonn_coordinator, workshop
    ):
        client.force_login(bonn_coordinator)
        response = client.post(
            url("event_edit", workshop.pk),
            event_form_data(
                workshop,
                title_en="Extended workshop Bonn",
                description_en="Open to everyone.",
            ),
        )
        assert response.status_code == 302
        workshop = Event.objects.get(pk=workshop.pk)
        assert workshop.title_en == "Extended workshop Bonn"
        assert workshop.description_en == "Open to everyone."
        entry = AuditEntry.objects.get(object_type="events.event", action="update")
        assert entry.changes["title_en"] == ["", "Extended workshop Bonn"]

    def test_office_creates_a_seminar_with_an_english_title(self, client, office, workshop):
        client.force_login(office)
        response = client.post(
            reverse("events:event_create", args=[workshop.program_id]),
            {
                **event_form_data(workshop, title="Beratungsseminar", admission="open"),
                "kind": WorkshopKind.SEMINAR,
                "title_en": "Advisory seminar",
            },
        )
        assert response.status_code == 302
        assert Event.objects.get(title="Beratungsseminar").title_en == "Advisory seminar"


class TestGoalsAndResults:
    def test_forms_ask_whether_to_show_on_the_website(self):
        assert "is_public" in GoalForm(organisations=Goal.objects.none()).fields
        assert "is_public" in ResultForm(goals=None, organisations=Goal.objects.none()).fields

    def test_staff_pages_say_what_is_shown(self, client, bonn_facilitator, initiative):
        Goal.objects.create(
            process=initiative.process,
            workshop=initiative,
            title="Öffentliches Ziel",
            indicator="x",
            is_public=True,
        )
        Goal.objects.create(
            process=initiative.process, workshop=initiative, title="Internes Ziel", indicator="y"
        )
        Result.objects.create(workshop=initiative, kind="agreement", text="Runder Tisch")
        client.force_login(bonn_facilitator)
        content = client.get(url("event_detail", initiative.pk)).content.decode()
        public = content.split("Öffentliches Ziel")[1].split("</tr>")[0]
        internal = content.split("Internes Ziel")[1].split("</tr>")[0]
        assert '<td data-label="On the website">shown</td>' in public
        assert '<td data-label="On the website">not shown</td>' in internal
        result = content.split("Runder Tisch")[1].split("</dl>")[0]
        assert "On the website</dt><dd>not shown</dd>" in result

    def test_goal_shown_on_the_website(self, client, bonn_facilitator, initiative):
        client.force_login(bonn_facilitator)
        client.post(
            url("goal_add", initiative.pk),
            {"title": "Beirat", "indicator": "Zwei Sitze", "is_public": "on"},
        )
        assert Goal.objects.get().is_public

    def test_result_shown_on_the_website(self, client, bonn_facilitator, initiative):
        client.force_login(bonn_facilitator)
        client.post(
            url("result_add", initiative.pk),
            {"kind": "agreement", "text": "Runder Tisch", "status": "planned", "is_public": "on"},
        )
        assert Result.objects.get().is_public
