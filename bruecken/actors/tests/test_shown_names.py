"""One rule for how an organisation appears beside others (ties, memberships, network nodes):
by name to those who may see it, else as "Organisation (not public)" – for every role, on every
page that names it."""

import pytest
from django.urls import reverse
from django.utils import translation

from bruecken.actors.models import Organisation, hidden_organisation_name
from bruecken.actors.tests.factories import MembershipFactory, TieFactory

from .test_rules import USERS

KIEL_SECRET = "Tansania-Verein Kiel"
# The pages are German (their addresses start with /de/).
HIDDEN = "Organisation (nicht öffentlich)"


@pytest.fixture
def ties(world):
    organisations = world["organisations"]
    for other in ("kiel_private", "kiel_public", "bonn_public"):
        TieFactory(source=organisations["bonn_private"], target=organisations[other])
    return organisations


@pytest.mark.parametrize("user_name", USERS)
def test_named_exactly_where_the_rules_let_the_user_see(world, user_name):
    user = world["users"][user_name]
    organisations = Organisation.objects.shown_to(user, Organisation.objects.all())
    for organisation in organisations:
        may_see = user.has_perm("actors.view_organisation", organisation)
        assert organisation.hidden is not may_see
        expected = organisation.name if may_see else hidden_organisation_name()
        assert organisation.shown_name == expected


def test_the_network_numbers_the_same_name():
    with translation.override("de"):
        assert hidden_organisation_name() == "Organisation (nicht öffentlich)"
        assert hidden_organisation_name(3) == "Organisation 3 (nicht öffentlich)"


class TestOrganisationPage:
    def page(self, client, user, organisation):
        client.force_login(user)
        with translation.override("de"):
            address = organisation.get_absolute_url()
        response = client.get(address)
        assert response.status_code == 200
        return response.content.decode()

    def test_representative_sees_non_public_tie_without_its_name(self, client, world, ties):
        content = self.page(client, world["users"]["representative"], ties["bonn_private"])
        assert KIEL_SECRET not in content
        assert f"/actors/organisations/{ties['kiel_private'].pk}/" not in content
        assert HIDDEN in content
        assert "Eine-Welt-Netzwerk Kiel" in content
        assert "Weltladen Bonn" in content

    def test_coordinator_sees_other_municipalitys_non_public_tie_without_name(
        self, client, world, ties
    ):
        content = self.page(client, world["users"]["bonn_coordinator"], ties["bonn_private"])
        assert KIEL_SECRET not in content
        assert HIDDEN in content

    def test_program_office_sees_every_name(self, client, world, ties):
        content = self.page(client, world["users"]["office"], ties["bonn_private"])
        assert KIEL_SECRET in content
        assert HIDDEN not in content

    def test_tie_page_does_not_name_the_hidden_side(self, client, world, ties):
        tie = ties["kiel_private"].ties_in.get()
        client.force_login(world["users"]["representative"])
        with translation.override("de"):
            address = reverse("actors:tie_edit", args=[ties["bonn_private"].pk, tie.pk])
        response = client.get(address)
        assert response.status_code == 200
        assert KIEL_SECRET not in response.content.decode()
        # And the tie can still be changed by its steward.
        response = client.post(address, {"kind": "funding", "note": "Neu"})
        assert response.status_code == 302
        tie.refresh_from_db()
        assert (tie.kind, tie.note) == ("funding", "Neu")

    def test_history_does_not_name_the_hidden_side(self, client, world):
        from bruecken.actors import services

        organisations = world["organisations"]
        services.add_tie(
            world["users"]["office"],
            organisations["bonn_private"],
            {"target": organisations["kiel_private"], "kind": "cooperation"},
        )
        content = self.page(client, world["users"]["representative"], organisations["bonn_private"])
        assert KIEL_SECRET not in content
        assert HIDDEN in content
        content = self.page(client, world["users"]["office"], organisations["bonn_private"])
        assert KIEL_SECRET in content

    def test_persons_memberships_follow_the_rule(self, client, world):
        organisations, people = world["organisations"], world["people"]
        MembershipFactory(person=people["member"], organisation=organisations["kiel_private"])
        client.force_login(world["users"]["representative"])
        with translation.override("de"):
            address = people["member"].get_absolute_url()
        content = client.get(address).content.decode()
        assert KIEL_SECRET not in content
        assert HIDDEN in content
        assert "Ghanaischer Verein Bonn" in content
