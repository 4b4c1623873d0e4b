import html
import logging
import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import reverse

from bruecken.accounts.models import Role, RoleAssignment
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.partnerships import introductions
from bruecken.partnerships.models import Introduction, IntroductionStatus

from .introduction_helpers import propose

pytestmark = pytest.mark.usefixtures("language_reset", "site_url")


def answer_url(token, language="de"):
    return f"/{language}/partnerships/introductions/answer/{token}/"


@pytest.fixture
def proposed(django_capture_on_commit_callbacks, coordinator, partnership, diaspora):
    return propose(
        django_capture_on_commit_callbacks,
        coordinator,
        partnership=partnership,
        second=diaspora,
        message="Ein erstes Treffen im Rathaus?",
    )


def representative_email(organisation):
    return RoleAssignment.objects.get(
        role=Role.REPRESENTATIVE, organisation=organisation
    ).user.email


class TestAnswerPage:
    def test_shows_the_proposal_in_german(self, client, proposed, city_office):
        _introduction, tokens = proposed
        page = client.get(answer_url(tokens[city_office.email]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Äthiopischer Verein Leipzig" in text and "Äthiopien" in text
        assert "Vorstellung annehmen" in text and "Ein erstes Treffen im Rathaus?" in text
        assert page["Referrer-Policy"] == "no-referrer"
        assert page["X-Robots-Tag"] == "noindex"
        assert "no-store" in page["Cache-Control"]
        assert '<meta name="robots" content="noindex">' in text

    def test_in_english_the_reasons_are_english_and_the_message_marked_german(
        self, client, proposed, diaspora
    ):
        _introduction, tokens = proposed
        page = client.get(answer_url(tokens[representative_email(diaspora)], "en"))
        text = page.content.decode()
        assert "Ethiopia" in text and "Accept the introduction" in text
        assert '<blockquote lang="de">' in text

    def test_in_english_german_words_of_the_reasons_are_marked(
        self, client, django_capture_on_commit_callbacks, coordinator, partnership, diaspora
    ):
        partnership.note = "Bildung"
        partnership.save()
        diaspora.competences = "Bildung und Kultur"
        diaspora.save()
        _introduction, tokens = propose(
            django_capture_on_commit_callbacks,
            coordinator,
            partnership=partnership,
            second=diaspora,
        )
        token = tokens[representative_email(diaspora)]
        text = client.get(answer_url(token, "en")).text
        assert '<li>competences mention <span lang="de">Bildung</span></li>' in text
        text = client.get(answer_url(token, "de")).text
        assert "<li>Kompetenzen nennen Bildung</li>" in text

    def test_accepting_from_the_page_without_an_account(
        self, client, django_capture_on_commit_callbacks, proposed, city_office, diaspora
    ):
        introduction, tokens = proposed
        for address in (city_office.email, representative_email(diaspora)):
            with django_capture_on_commit_callbacks(execute=True):
                page = client.post(answer_url(tokens[address], "en"), {"answer": "accept"})
            assert page.status_code == 200
            assert "you accepted the introduction" in page.content.decode()
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.ACCEPTED
        assert introduction.tie.started_on is not None
        # Used: the page says so, and a second answer changes nothing.
        page = client.post(answer_url(tokens[city_office.email], "en"), {"answer": "decline"})
        assert "You have answered already: you accepted" in page.content.decode()
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.ACCEPTED

    def test_declining(self, client, proposed, city_office):
        introduction, tokens = proposed
        page = client.post(answer_url(tokens[city_office.email], "en"), {"answer": "decline"})
        assert "you declined the introduction" in page.content.decode()
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.DECLINED

    @pytest.mark.parametrize("choice", ["", "yes", "accept\x00", "x" * 10_000])
    def test_other_choices_change_nothing(self, client, proposed, city_office, choice):
        introduction, tokens = proposed
        page = client.post(answer_url(tokens[city_office.email], "en"), {"answer": choice})
        assert page.status_code == 200
        assert "Please choose one of the two buttons." in page.content.decode()
        assert not introduction.answers.exclude(answer="").exists()

    @pytest.mark.parametrize("token", ["x" * 10_000, "abc%00def", "%C3%28", "nope"])
    def test_made_up_links_get_a_clear_page_and_stay_out_of_the_log(
        self, client, proposed, token, caplog
    ):
        with caplog.at_level(logging.INFO):
            for method in (client.get, client.post):
                page = method(answer_url(token, "en"))
                assert page.status_code == 200
                assert "This link is not valid." in page.content.decode()
                assert page["Referrer-Policy"] == "no-referrer"
        assert token[:20] not in caplog.text

    def test_an_expired_link(self, client, proposed, city_office, caplog):
        introduction, tokens = proposed
        introduction.answers.update(expires_at="2020-01-01T00:00:00Z")
        with caplog.at_level(logging.INFO):
            page = client.post(answer_url(tokens[city_office.email], "en"), {"answer": "accept"})
        assert page.status_code == 200
        assert "This link has expired" in page.content.decode()
        assert not introduction.answers.exclude(answer="").exists()
        assert tokens[city_office.email] not in caplog.text


class TestList:
    def test_coordinator_sees_their_municipalitys_introductions(
        self, client, proposed, coordinator, kiel_coordinator, diaspora
    ):
        client.force_login(coordinator)
        page = client.get(reverse("partnerships:introduction_list"))
        assert page.status_code == 200
        assert "Äthiopischer Verein Leipzig" in page.content.decode()
        client.force_login(kiel_coordinator)
        page = client.get(reverse("partnerships:introduction_list"))
        assert "Äthiopischer Verein Leipzig" not in page.content.decode()

    @pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.FACILITATOR])
    def test_other_roles_are_refused(self, client, proposed, diaspora, leipzig, role):
        from bruecken.accounts.tests.factories import user_with_role

        scope = (
            {"organisation": diaspora} if role == Role.REPRESENTATIVE else {"municipality": leipzig}
        )
        client.force_login(user_with_role(role, **scope))
        assert client.get(reverse("partnerships:introduction_list")).status_code == 403

    def test_tabs_and_hostile_filters(self, client, office, proposed):
        client.force_login(office)
        url = reverse("partnerships:introduction_list")
        for query in [
            "?status=declined",
            "?status=%00",
            "?status=" + "x" * 10_000,
            "?page=99999999999999999999999",
        ]:
            assert client.get(url + query).status_code == 200

    def test_constant_queries(
        self, client, office, coordinator, leipzig, ethiopia, django_assert_max_num_queries
    ):
        def add(count):
            for _n in range(count):
                first = OrganisationFactory(municipality=leipzig, email="a@example.org")
                second = OrganisationFactory(
                    municipality=leipzig, countries=[ethiopia], email="b@example.org"
                )
                introductions.propose(coordinator, first=first, second=second, message="Hallo")

        client.force_login(office)
        url = reverse("partnerships:introduction_list")
        add(2)
        client.get(url)
        with django_assert_max_num_queries(12) as few:
            client.get(url)
        add(10)
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = client.get(url)
        assert page.content.decode().count("Verein") >= 20

    def test_withdraw_asks_first_then_withdraws(self, client, proposed, coordinator):
        introduction, _tokens = proposed
        client.force_login(coordinator)
        url = reverse("partnerships:introduction_withdraw", args=[introduction.pk])
        page = client.post(url)
        assert page.status_code == 200 and b"confirm" in page.content
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.PROPOSED
        page = client.post(url, {"confirm": "yes"})
        assert page.status_code == 302
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.WITHDRAWN

    def test_another_municipality_cannot_withdraw(self, client, proposed, kiel_coordinator):
        introduction, _tokens = proposed
        client.force_login(kiel_coordinator)
        url = reverse("partnerships:introduction_withdraw", args=[introduction.pk])
        assert client.post(url, {"confirm": "yes"}).status_code == 404
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.PROPOSED


class TestPropose:
    def url(self, **query):
        from urllib.parse import urlencode

        return reverse("partnerships:introduction_propose") + (
            "?" + urlencode(query) if query else ""
        )

    def test_the_reasons_and_a_message_field(self, client, coordinator, partnership, diaspora):
        client.force_login(coordinator)
        page = client.get(self.url(partnership=partnership.pk, organisation=diaspora.pk))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Äthiopien" in text and 'name="message"' in text
        assert "Referat Internationale Zusammenarbeit" in text

    def test_in_english(self, client, coordinator, partnership, diaspora):
        client.force_login(coordinator)
        page = client.get(
            "/en" + self.url(partnership=partnership.pk, organisation=diaspora.pk)[3:]
        )
        assert "Ethiopia" in page.content.decode()

    def test_proposing(
        self, client, django_capture_on_commit_callbacks, coordinator, partnership, diaspora
    ):
        client.force_login(coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(
                self.url(partnership=partnership.pk),
                {"second": diaspora.pk, "message": "Hallo"},
            )
        assert page.status_code == 302
        introduction = Introduction.objects.get()
        assert introduction.partnership == partnership and introduction.message == "Hallo"
        assert len(mail.outbox) == 2

    def test_two_organisations(self, client, coordinator, city_office, diaspora):
        client.force_login(coordinator)
        page = client.post(
            self.url(), {"first": city_office.pk, "second": diaspora.pk, "message": "Hallo"}
        )
        assert page.status_code == 302
        assert Introduction.objects.get().partnership is None

    def test_the_first_sides_picker_offers_only_the_coordinators_municipality(
        self, client, coordinator, city_office, diaspora, kiel
    ):
        elsewhere = OrganisationFactory(
            name="Kieler Integrationsrat", municipality=kiel, public=True, email="k@kiel.example"
        )
        client.force_login(coordinator)
        page = client.get(self.url())
        (first_url,) = re.findall(r'data-url="([^"]*)" data-name="first"', page.text)
        first_url = html.unescape(first_url)
        assert first_url.startswith(reverse("picker", args=["introduction_first"]))

        def found(url, q):
            response = client.get(url + ("&" if "?" in url else "?") + urlencode({"q": q}))
            return [row["label"] for row in response.json()["results"]]

        # Another municipality's public organisation: a choice for the second side only, in
        # the search the page uses and in the endpoint without the page's scope.
        assert found(reverse("picker", args=["organisations"]), "Kieler") == [elsewhere.name]
        assert found(first_url, "Kieler") == []
        assert found(reverse("picker", args=["introduction_first"]), "Kieler") == []
        assert found(first_url, "Referat") == [city_office.name]
        # Submitting its id anyway is refused, and nothing is proposed.
        page = client.post(
            self.url(), {"first": elsewhere.pk, "second": diaspora.pk, "message": "Hallo"}
        )
        assert page.status_code == 200 and not Introduction.objects.exists()
        assert 'aria-invalid="true"' in page.text

    def test_a_refusal_shows_on_the_form(self, client, coordinator, partnership, leipzig):
        silent = OrganisationFactory(municipality=leipzig)
        client.force_login(coordinator)
        page = client.post(self.url(partnership=partnership.pk), {"second": silent.pk})
        assert page.status_code == 200
        assert "nicht erreichbar" in page.content.decode()
        assert not Introduction.objects.exists()

    def test_not_visible_organisation_is_no_choice(self, client, coordinator, partnership, kiel):
        hidden = OrganisationFactory(municipality=kiel, email="h@kiel.example")
        client.force_login(coordinator)
        page = client.get(self.url(partnership=partnership.pk, organisation=hidden.pk))
        assert hidden.name not in page.content.decode()
        page = client.post(self.url(partnership=partnership.pk), {"second": hidden.pk})
        assert page.status_code == 200 and not Introduction.objects.exists()

    def test_another_municipalitys_partnership_is_refused(
        self, client, kiel_coordinator, partnership, diaspora
    ):
        client.force_login(kiel_coordinator)
        page = client.get(self.url(partnership=partnership.pk, organisation=diaspora.pk))
        assert page.status_code == 403

    @pytest.mark.parametrize(
        "query",
        [
            {"partnership": "9" * 40},
            {"partnership": "x\x00"},
            {"organisation": "9" * 40},
            {"organisation": "-1"},
            {"partnership": "1" * 10_000},
        ],
    )
    def test_hostile_ids(self, client, office, query):
        client.force_login(office)
        assert client.get(self.url(**query)).status_code in (200, 404)
        assert client.post(
            self.url(**query), {"second": "9" * 40, "message": "\x00"}
        ).status_code in (200, 404)

    def test_anonymous_goes_to_sign_in(self, client):
        page = client.get(self.url())
        assert page.status_code == 302 and "login" in page["Location"]


def test_send_again_from_the_list(
    client, django_capture_on_commit_callbacks, proposed, coordinator, kiel_coordinator
):
    introduction, _tokens = proposed
    url = reverse("partnerships:introduction_send_again", args=[introduction.pk])
    client.force_login(kiel_coordinator)
    assert client.post(url).status_code == 404
    client.force_login(coordinator)
    assert "Links erneut senden" in client.get(reverse("partnerships:introduction_list")).text
    assert client.get(url).status_code == 405
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url)
    assert page.status_code == 302
    assert len(mail.outbox) == before + 2
