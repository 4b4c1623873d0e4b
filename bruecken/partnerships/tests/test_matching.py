"""The matching rule on a small hand-made case: exact order and scores, the reasons in both
languages, the consent rule across municipalities (also in the reverse view and the stored
suggestions), and constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from bruecken.accounts.models import Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import EngagementForm, OrganisationKind, Topic
from bruecken.actors.tests.factories import OrganisationFactory
from bruecken.partnerships import matching, stored
from bruecken.partnerships.models import Match, PartnershipProfile
from bruecken.places.models import (
    Country,
    Language,
    Partnership,
    PartnershipKind,
    PartnershipStatus,
)
from bruecken.places.tests.factories import MunicipalityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def organisation(name, municipality, countries=(), languages=(), topics=(), forms=(), **extra):
    made = OrganisationFactory(
        name=name, municipality=municipality, countries=list(countries), **extra
    )
    made.languages.set(languages)
    made.topics.set(topics)
    made.engagement_forms.set(forms)
    return made


@pytest.fixture
def world(reference_data, bonn):
    country = {c.code: c for c in Country.objects.filter(code__in=["ET", "KE", "GH", "VN"])}
    am, en = Language.objects.get(code="am"), Language.objects.get(code="en")
    water, education = Topic.objects.get(code="sdg-6"), Topic.objects.get(code="sdg-4")
    knowledge = EngagementForm.objects.get(code="knowledge-transfer")
    leipzig = MunicipalityFactory(name="Leipzig", ags="14713000")
    dresden = MunicipalityFactory(name="Dresden", ags="14612000")
    # The reference data hold Leipzig's partnership with Addis Abeba already.
    partnership, _new = Partnership.objects.update_or_create(
        municipality=leipzig,
        partner_name="Addis Abeba",
        kind=PartnershipKind.CITY,
        defaults={"country": country["ET"], "note": "", "status": PartnershipStatus.ACTIVE},
    )
    profile = PartnershipProfile.objects.create(partnership=partnership)
    profile.topics.set([water, education])
    profile.languages.set([am, en])
    profile.engagement_forms.set([knowledge])
    public = {"public": True}
    found = {
        "a": organisation(
            "Äthiopischer Verein Leipzig",
            leipzig,
            [country["ET"]],
            [am],
            [water],
            [knowledge],
            competences="Brunnenbau und Wasser für Dörfer",
        ),
        "b": organisation("Kenianischer Verein Leipzig", leipzig, [country["KE"]]),
        "h": organisation("Vietnamesischer Verein Leipzig", leipzig, [country["VN"]], [en]),
        "i": organisation("Vietnamesisches Netzwerk Leipzig", leipzig, [country["VN"]]),
        "c": organisation(
            "Äthiopische Gemeinde Dresden",
            dresden,
            [country["ET"]],
            [am, en],
            [water, education],
            **public,
        ),
        "d": organisation("Ghanaischer Verein Bonn", bonn, [country["GH"]], **public),
        "e": organisation("Äthiopischer Verein Bonn", bonn, [country["ET"]], [am], **public),
        "f": organisation("Äthiopisches Netzwerk Bonn", bonn, [country["ET"]], [am, en]),
        "g": organisation(
            "Eine-Welt-Laden Leipzig", leipzig, [country["ET"]], kind=OrganisationKind.NGO
        ),
    }
    return {
        **found,
        "partnership": partnership,
        "leipzig": leipzig,
        "coordinator": user_with_role(Role.COORDINATOR, municipality=leipzig),
    }


def ranked(suggestions):
    return [(s.organisation.name, s.score, s.reach) for s in suggestions]


EXPECTED = [
    ("Äthiopischer Verein Leipzig", 65, "municipality"),  # 40 + 10 + 8 + 5 + 2 ("wasser")
    ("Kenianischer Verein Leipzig", 20, "municipality"),  # same sub-region
    ("Vietnamesischer Verein Leipzig", 10, "municipality"),  # a working language only
    ("Äthiopische Gemeinde Dresden", 76, "state"),  # 40 + 2 × 10 + 2 × 8
    ("Äthiopischer Verein Bonn", 50, "nationwide"),  # 40 + 10
    ("Ghanaischer Verein Bonn", 10, "nationwide"),  # same region
]


class TestRanking:
    def test_exact_order_and_scores(self, world):
        found = matching.suggestions_for_partnership(world["partnership"], world["coordinator"])
        assert ranked(found) == EXPECTED

    def test_the_office_sees_the_same_no_unconsented_organisation_elsewhere(self, world, office):
        found = matching.suggestions_for_partnership(world["partnership"], office)
        assert ranked(found) == EXPECTED

    def test_pages(self, world):
        found = matching.suggestions_for_partnership(
            world["partnership"], world["coordinator"], limit=2, offset=2
        )
        assert ranked(found) == EXPECTED[2:4]
        assert len(matching.ranking(world["partnership"], world["coordinator"])) == 6

    def test_reasons_in_both_languages_with_both_sides_gains(self, world):
        (first, *_rest) = matching.suggestions_for_partnership(
            world["partnership"], world["coordinator"], limit=1
        )
        facts = first.as_json()
        assert facts["de"][0] == "arbeitet in Äthiopien"
        assert facts["en"][0] == "works in Ethiopia"
        assert "spricht Amharisch" in facts["de"] and "speaks Amharic" in facts["en"]
        assert facts["de"][-2] == "die Partnerschaft gewinnt Kontakte in Addis Abeba"
        assert facts["en"][-1] == "the organisation gains a municipal partner for its projects"
        assert set(first.gains) == {"partnership", "organisation"}
        with translation.override("en"):
            assert str(first.reasons[0]) == "works in Ethiopia"
        with translation.override("de"):
            assert str(first.reasons[0]) == "arbeitet in Äthiopien"

    def test_ended_partnerships_get_none_dormant_ones_do(self, world):
        partnership = world["partnership"]
        partnership.status = PartnershipStatus.DORMANT
        partnership.save()
        assert matching.suggestions_for_partnership(partnership, world["coordinator"])
        partnership.status = PartnershipStatus.ENDED
        partnership.save()
        assert matching.suggestions_for_partnership(partnership, world["coordinator"]) == []

    def test_explain_one_pair(self, world):
        suggestion = matching.explain(world["partnership"], world["c"])
        assert (suggestion.score, suggestion.reach) == (76, "state")
        assert matching.explain(world["partnership"], world["i"]) is None

    def test_explain_two_organisations(self, world):
        suggestion = matching.explain_organisations(world["a"], world["e"])
        assert suggestion.partnership is None and suggestion.organisation == world["e"]
        assert suggestion.score == 50 and suggestion.reach == "nationwide"
        assert "both work in Ethiopia" in suggestion.as_json()["en"]
        complementary = matching.explain_organisations(world["i"], world["g"])
        assert complementary is not None and complementary.score == 0
        assert matching.explain_organisations(world["i"], world["d"]) is None

    def test_constant_queries(self, world, django_assert_max_num_queries):
        with CaptureQueriesContext(connection) as few:
            # All three reaches are read: the page is not filled before.
            matching.suggestions_for_partnership(world["partnership"], world["coordinator"])
        ethiopia = world["a"].countries.get()
        for n in range(6):
            organisation(f"Weiterer Verein {n}", world["leipzig"], [ethiopia])
            organisation(f"Verein {n} in Dresden", world["c"].municipality, [ethiopia], public=True)
        with django_assert_max_num_queries(len(few.captured_queries)):
            found = matching.suggestions_for_partnership(world["partnership"], world["coordinator"])
        assert len(found) == 18

    def test_a_full_page_from_the_municipality_reads_no_wider_reach(self, world):
        ethiopia = world["a"].countries.get()
        for n in range(3):
            organisation(f"Weiterer Verein {n}", world["leipzig"], [ethiopia])
        with CaptureQueriesContext(connection) as one_reach:
            found = matching.suggestions_for_partnership(
                world["partnership"], world["coordinator"], limit=5
            )
        with CaptureQueriesContext(connection) as all_reaches:
            matching.suggestions_for_partnership(world["partnership"], world["coordinator"])
        assert [s.reach for s in found] == ["municipality"] * 5
        assert len(one_reach.captured_queries) < len(all_reaches.captured_queries)


class TestConsent:
    def test_another_municipalitys_coordinator_never_sees_unconsented_ones(
        self, world, bonn_coordinator
    ):
        found = ranked(matching.suggestions_for_partnership(world["partnership"], bonn_coordinator))
        # Leipzig's own (not consented) are not theirs to see; Bonn's unconsented one is not
        # suggested to another municipality's partnership, even to its own coordinator.
        assert found == [EXPECTED[3], EXPECTED[4], EXPECTED[5]]
        assert len(matching.ranking(world["partnership"], bonn_coordinator)) == 3

    def test_nor_in_the_reverse_view(self, world, bonn_coordinator):
        hidden = world["f"]
        assert matching.suggestions_for_organisation(hidden, world["coordinator"]) == []
        # Its own coordinator sees only its own municipality's partnerships for it.
        bonn_partnership = PartnershipFactory(
            municipality=hidden.municipality, country=hidden.countries.get()
        )
        found = {
            s.partnership for s in matching.suggestions_for_organisation(hidden, bonn_coordinator)
        }
        assert bonn_partnership in found
        assert {p.municipality for p in found} == {hidden.municipality}

    def test_nor_in_the_stored_suggestions(self, world, bonn_coordinator, office):
        stored.store(Partnership.objects.all())
        rows = Match.objects.filter(partnership=world["partnership"])
        assert world["f"].pk not in set(rows.values_list("organisation_id", flat=True))
        assert rows.count() == 6
        seen = stored.stored_for(bonn_coordinator, [world["partnership"]])
        assert set(seen.values_list("organisation__name", flat=True)) == {
            name for name, _score, _reach in EXPECTED[3:]
        }
        assert stored.stored_for(office, [world["partnership"]]).count() == 6

    def test_the_reverse_view_for_a_consented_organisation(self, world):
        (found,) = [
            s
            for s in matching.suggestions_for_organisation(world["e"], world["coordinator"])
            if s.partnership == world["partnership"]
        ]
        assert found.partnership == world["partnership"]
        assert (found.score, found.reach) == (50, "nationwide")
        assert "the organisation gains a municipal partner in Leipzig" in found.as_json()["en"]


class TestStored:
    def test_store_is_the_rule_and_replaces_earlier_rows(self, world):
        partnerships = Partnership.objects.filter(pk=world["partnership"].pk)
        assert stored.store(partnerships) == 6
        assert stored.store(partnerships) == 6
        rows = Match.objects.filter(partnership=world["partnership"])
        by_name = {m.organisation.name: (m.score, m.reach) for m in rows}
        assert by_name == {name: (score, reach) for name, score, reach in EXPECTED}

    def test_housekeeping_recomputes_when_organisations_changed(self, world):
        rows = Match.objects.filter(partnership=world["partnership"])
        assert stored.housekeeping(timezone.now()) > 0
        assert rows.count() == 6
        assert stored.housekeeping(timezone.now()) == 0
        world["b"].countries.clear()
        world["b"].save()
        assert stored.housekeeping(timezone.now()) > 0
        assert rows.count() == 5

    def test_a_change_of_an_organisation_is_recomputed_once(
        self, world, django_capture_on_commit_callbacks
    ):
        from django.core.cache import cache

        cache.delete(stored.PENDING_KEY)
        with django_capture_on_commit_callbacks() as callbacks:
            world["a"].save()
            world["b"].save()
            world["b"].topics.clear()
        ours = [c for c in callbacks if "recompute_soon" in getattr(c, "__qualname__", "")]
        assert len(ours) == 1

    def test_the_task_stores_the_partnerships_asked_for(self, world):
        assert stored.recompute.call(partnership_ids=[world["partnership"].pk]) == 6
        assert Match.objects.filter(partnership=world["partnership"]).count() == 6

    def test_a_partnerships_change_recomputes_it_after_commit(
        self, world, office, django_capture_on_commit_callbacks
    ):
        from bruecken.partnerships import services

        with django_capture_on_commit_callbacks(execute=True):
            services.update_partnership(office, world["partnership"], {"since": 2004})
        assert Match.objects.filter(partnership=world["partnership"]).count() == 6


def test_reasons_frozen_before_the_parts_were_kept_show_unmarked():
    from django.utils import translation

    from bruecken.partnerships.matching import Reason

    old = {"de": ["Kompetenzen nennen Bildung"], "en": ["competences mention Bildung"]}
    with translation.override("en"):
        assert [r.html for r in Reason.frozen(old)] == ["competences mention Bildung"]
        assert Reason.frozen({}) == [] and Reason.frozen(None) == []
        # Only German kept: shown in German.
        assert [str(r) for r in Reason.frozen({"de": ["arbeitet in Äthiopien"]})] == [
            "arbeitet in Äthiopien"
        ]
    marked = Reason(
        "Kompetenzen nennen <b>",
        "competences mention <b>",
        (
            ("competences mention ", ""),
            ("<b>", "de"),
        ),
    )
    with translation.override("en"):
        assert marked.html == 'competences mention <span lang="de">&lt;b&gt;</span>'
    with translation.override("de"):
        assert marked.html == "Kompetenzen nennen &lt;b&gt;"
