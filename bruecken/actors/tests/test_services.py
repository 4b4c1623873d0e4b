from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from bruecken.accounts.audit import history
from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors import services
from bruecken.actors.models import Membership, Organisation, OrganisationKind, Person, Tie, TieKind
from bruecken.actors.tests.factories import (
    EngagementFormFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TieFactory,
    TopicFactory,
)
from bruecken.places.models import Country
from bruecken.tests.helpers import at_once


def organisation_values(municipality, **overrides):
    values = {
        "name": "Ghana Union Bonn e.V.",
        "kind": OrganisationKind.MIGRANT_ORGANISATION,
        "municipality": municipality,
        "countries": [Country.objects.get(code="GH")],
        "topics": [TopicFactory()],
        "engagement_forms": [EngagementFormFactory()],
        "languages": [],
        "competences": "Kontakte zu Schulen in Cape Coast",
        "website": "https://ghana-union.example",
        "email": "info@ghana-union.example",
        "phone": "+49 228 123456",
        "founded": 1998,
    }
    values.update(overrides)
    return values


class TestCreateOrganisation:
    def test_creates_with_many_to_many_and_audit_entry(self, bonn, bonn_coordinator):
        organisation = services.create_organisation(bonn_coordinator, organisation_values(bonn))
        assert organisation.pk
        assert [c.code for c in organisation.countries.all()] == ["GH"]
        assert str(organisation.phone) == "+49228123456"
        entry = AuditEntry.objects.get(object_type="actors.organisation")
        assert entry.action == AuditEntry.Action.CREATE
        assert entry.user == bonn_coordinator
        assert entry.changes["name"] == [None, "Ghana Union Bonn e.V."]
        assert entry.changes["countries"] == [None, ["Ghana"]]

    @pytest.mark.parametrize(
        "variant", ["Ghana Union Bonn e.V.", "GHANA UNION BONN E.V.", "  Ghana   Union Bonn e. V. "]
    )
    def test_refuses_same_name_in_same_municipality(self, bonn, bonn_coordinator, variant):
        existing = services.create_organisation(bonn_coordinator, organisation_values(bonn))
        with pytest.raises(services.DuplicateOrganisation) as refusal:
            services.create_organisation(bonn_coordinator, organisation_values(bonn, name=variant))
        assert refusal.value.existing == existing
        assert Organisation.objects.count() == 1
        assert AuditEntry.objects.count() == 1

    def test_same_name_elsewhere_is_fine(self, bonn, kiel, office):
        services.create_organisation(office, organisation_values(bonn))
        services.create_organisation(office, organisation_values(kiel))
        assert Organisation.objects.count() == 2

    def test_coordinator_cannot_create_in_another_municipality(self, bonn, kiel_coordinator):
        with pytest.raises(PermissionDenied):
            services.create_organisation(kiel_coordinator, organisation_values(bonn))
        assert not Organisation.objects.exists()

    @pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.FACILITATOR])
    def test_other_roles_cannot_create(self, bonn, role):
        user = user_with_role(role, municipality=bonn if role == Role.FACILITATOR else None)
        with pytest.raises(PermissionDenied):
            services.create_organisation(user, organisation_values(bonn))

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("website", "not a url"),
            ("email", "kein-at-zeichen"),
            ("phone", "12"),
            ("founded", 1500),
            ("kind", "club"),
            ("name", ""),
        ],
    )
    def test_bad_input_changes_nothing(self, bonn, bonn_coordinator, field, value):
        with pytest.raises(ValidationError) as error:
            services.create_organisation(
                bonn_coordinator, organisation_values(bonn, **{field: value})
            )
        assert field in error.value.error_dict
        assert not Organisation.objects.exists()
        assert not AuditEntry.objects.exists()


class TestUpdateOrganisation:
    def test_records_only_what_changed(self, bonn, bonn_coordinator):
        organisation = services.create_organisation(bonn_coordinator, organisation_values(bonn))
        services.update_organisation(
            bonn_coordinator,
            organisation,
            {"description": "Neu", "countries": [Country.objects.get(code="TG")]},
        )
        entry = history(organisation).first()
        assert entry.action == AuditEntry.Action.UPDATE
        assert entry.changes == {"description": ["", "Neu"], "countries": [["Ghana"], ["Togo"]]}

    def test_no_entry_when_nothing_changed(self, bonn, bonn_coordinator):
        organisation = services.create_organisation(bonn_coordinator, organisation_values(bonn))
        services.update_organisation(bonn_coordinator, organisation, {"name": organisation.name})
        assert AuditEntry.objects.count() == 1

    def test_rename_to_existing_name_refused(self, bonn, bonn_coordinator):
        OrganisationFactory(name="Weltladen Bonn", municipality=bonn)
        organisation = OrganisationFactory(name="Anderer Verein", municipality=bonn)
        with pytest.raises(services.DuplicateOrganisation):
            services.update_organisation(bonn_coordinator, organisation, {"name": "weltladen bonn"})
        organisation.refresh_from_db()
        assert organisation.name == "Anderer Verein"

    def test_coordinator_cannot_move_organisation_away(self, bonn, kiel, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        with pytest.raises(PermissionDenied):
            services.update_organisation(bonn_coordinator, organisation, {"municipality": kiel})
        organisation.refresh_from_db()
        assert organisation.municipality == bonn

    def test_kiel_cannot_edit_bonn(self, bonn, kiel_coordinator):
        organisation = OrganisationFactory(municipality=bonn, public=True)
        with pytest.raises(PermissionDenied):
            services.update_organisation(kiel_coordinator, organisation, {"description": "x"})

    def test_representative_edits_own_organisation_only(self, bonn):
        own = OrganisationFactory(municipality=bonn)
        other = OrganisationFactory(municipality=bonn)
        representative = user_with_role(Role.REPRESENTATIVE, organisation=own)
        services.update_organisation(representative, own, {"description": "Wir bieten …"})
        with pytest.raises(PermissionDenied):
            services.update_organisation(representative, other, {"description": "x"})


class TestDeleteOrganisation:
    def test_delete_is_audited_with_the_old_id(self, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn, name="Alter Verein")
        pk = organisation.pk
        services.delete_organisation(bonn_coordinator, organisation)
        assert not Organisation.objects.filter(pk=pk).exists()
        entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE)
        assert entry.object_id == str(pk)
        assert entry.object_repr == "Alter Verein"
        assert entry.changes["name"] == ["Alter Verein", None]

    def test_representative_cannot_delete(self, bonn):
        organisation = OrganisationFactory(municipality=bonn)
        representative = user_with_role(Role.REPRESENTATIVE, organisation=organisation)
        with pytest.raises(PermissionDenied):
            services.delete_organisation(representative, organisation)
        assert Organisation.objects.filter(pk=organisation.pk).exists()


class TestConsent:
    def test_give_and_withdraw(self, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        services.give_organisation_consent(bonn_coordinator, organisation, "Vorsitzende A. Mensah")
        organisation.refresh_from_db()
        assert organisation.is_public
        assert organisation.consent_given_by == "Vorsitzende A. Mensah"
        assert organisation.consent_recorded_by == bonn_coordinator
        services.withdraw_organisation_consent(bonn_coordinator, organisation)
        organisation.refresh_from_db()
        assert not organisation.is_public
        actions = [e.changes.get("consent_given_by") for e in history(organisation)]
        assert actions == [["Vorsitzende A. Mensah", ""], ["", "Vorsitzende A. Mensah"]]

    def test_needs_who_gave_it(self, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        with pytest.raises(ValidationError):
            services.give_organisation_consent(bonn_coordinator, organisation, "   ")
        organisation.refresh_from_db()
        assert not organisation.is_public

    def test_not_in_the_future(self, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        with pytest.raises(ValidationError):
            services.give_organisation_consent(
                bonn_coordinator, organisation, "Vorstand", timezone.now() + timedelta(days=1)
            )

    def test_person_consent_by_the_person_themselves(self, participant):
        person = PersonFactory(user=participant)
        services.give_person_consent(participant, person, "selbst")
        assert Person.objects.get(pk=person.pk).is_public
        services.withdraw_person_consent(participant, person)
        assert not Person.objects.get(pk=person.pk).is_public

    def test_kiel_cannot_publish_bonn(self, bonn, kiel_coordinator):
        organisation = OrganisationFactory(municipality=bonn, public=True)
        with pytest.raises(PermissionDenied):
            services.withdraw_organisation_consent(kiel_coordinator, organisation)


class TestPeople:
    def test_create_update_delete(self, bonn, bonn_coordinator):
        person = services.create_person(
            bonn_coordinator,
            {"name": "Abena  Mensah", "email": "Abena@Example.org", "municipality": bonn},
        )
        assert person.name == "Abena Mensah"
        assert person.email == "abena@example.org"
        services.update_person(bonn_coordinator, person, {"is_multiplier": True})
        assert history(person).first().changes == {"is_multiplier": [False, True]}
        services.delete_person(bonn_coordinator, person)
        assert not Person.objects.exists()
        assert [e.action for e in AuditEntry.objects.order_by("id")] == [
            "create",
            "update",
            "delete",
        ]

    def test_coordinator_creates_only_in_own_municipality(self, kiel, bonn_coordinator):
        with pytest.raises(PermissionDenied):
            services.create_person(bonn_coordinator, {"name": "X", "municipality": kiel})
        with pytest.raises(PermissionDenied):
            services.create_person(bonn_coordinator, {"name": "X", "municipality": None})

    def test_bad_email_refused(self, bonn, bonn_coordinator):
        with pytest.raises(ValidationError):
            services.create_person(
                bonn_coordinator, {"name": "X", "email": "x@", "municipality": bonn}
            )
        assert not Person.objects.exists()

    def test_participant_edits_own_record(self, participant):
        person = PersonFactory(user=participant)
        services.update_person(participant, person, {"competences": "Twi, Englisch"})
        other = PersonFactory()
        with pytest.raises(PermissionDenied):
            services.update_person(participant, other, {"competences": "x"})


class TestMemberships:
    def test_add_shows_in_both_histories(self, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        person = PersonFactory(municipality=bonn)
        membership = services.add_membership(
            bonn_coordinator,
            organisation,
            {"person": person, "role": "Vorsitz", "is_contact": True},
        )
        assert history(organisation).filter(object_type="actors.membership").exists()
        assert history(person).filter(object_id=str(membership.pk)).exists()

    def test_end_before_start_refused(self, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        person = PersonFactory(municipality=bonn)
        with pytest.raises(ValidationError):
            services.add_membership(
                bonn_coordinator,
                organisation,
                {"person": person, "started_on": date(2020, 1, 1), "ended_on": date(2019, 1, 1)},
            )
        assert not Membership.objects.exists()

    def test_kiel_cannot_add_to_bonn(self, bonn, kiel, kiel_coordinator):
        organisation = OrganisationFactory(municipality=bonn, public=True)
        person = PersonFactory(municipality=kiel)
        with pytest.raises(PermissionDenied):
            services.add_membership(kiel_coordinator, organisation, {"person": person})

    def test_cannot_add_a_person_one_may_not_see(self, bonn, kiel, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        hidden = PersonFactory(municipality=kiel)
        with pytest.raises(PermissionDenied):
            services.add_membership(bonn_coordinator, organisation, {"person": hidden})

    @pytest.mark.parametrize(
        ("kept", "added"),
        [
            ((None, None), (None, None)),
            ((None, None), (date(2024, 1, 1), date(2024, 12, 31))),
            ((date(2020, 1, 1), None), (None, date(2020, 1, 1))),
            ((None, date(2020, 6, 30)), (date(2020, 6, 30), None)),
            ((date(2020, 1, 1), date(2020, 12, 31)), (date(2019, 1, 1), date(2021, 1, 1))),
        ],
    )
    def test_a_second_membership_for_the_same_time_refused(
        self, bonn, bonn_coordinator, kept, added
    ):
        organisation = OrganisationFactory(municipality=bonn)
        person = PersonFactory(municipality=bonn)
        MembershipFactory(
            organisation=organisation, person=person, started_on=kept[0], ended_on=kept[1]
        )
        values = {"person": person, "role": "Kasse", "started_on": added[0], "ended_on": added[1]}
        with pytest.raises(ValidationError) as refused:
            services.add_membership(bonn_coordinator, organisation, values)
        assert list(refused.value.message_dict) == ["person"]
        assert Membership.objects.count() == 1

    def test_a_member_again_after_the_membership_ended(self, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        person = PersonFactory(municipality=bonn)
        MembershipFactory(organisation=organisation, person=person, ended_on=date(2019, 12, 31))
        services.add_membership(
            bonn_coordinator, organisation, {"person": person, "started_on": date(2020, 1, 1)}
        )
        # In another organisation, and another person in the same one: members alike.
        services.add_membership(
            bonn_coordinator, OrganisationFactory(municipality=bonn), {"person": person}
        )
        services.add_membership(
            bonn_coordinator, organisation, {"person": PersonFactory(municipality=bonn)}
        )
        assert Membership.objects.count() == 4

    def test_an_edit_into_another_membership_s_time_refused(self, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        person = PersonFactory(municipality=bonn)
        MembershipFactory(organisation=organisation, person=person, started_on=date(2022, 1, 1))
        earlier = MembershipFactory(
            organisation=organisation, person=person, ended_on=date(2021, 12, 31)
        )
        services.update_membership(bonn_coordinator, earlier, {"role": "Beirat"})
        with pytest.raises(ValidationError):
            services.update_membership(bonn_coordinator, earlier, {"ended_on": None})
        earlier.refresh_from_db()
        assert (earlier.role, earlier.ended_on) == ("Beirat", date(2021, 12, 31))

    def test_update_and_delete(self, bonn, bonn_coordinator):
        membership = MembershipFactory(
            organisation=OrganisationFactory(municipality=bonn),
            person=PersonFactory(municipality=bonn),
        )
        services.update_membership(bonn_coordinator, membership, {"role": "Kassenwart"})
        assert Membership.objects.get().role == "Kassenwart"
        services.delete_membership(bonn_coordinator, membership)
        assert not Membership.objects.exists()
        assert AuditEntry.objects.filter(object_type="actors.membership").count() == 2


class TestTies:
    def test_add_between_municipalities(self, bonn, kiel, bonn_coordinator):
        source = OrganisationFactory(municipality=bonn)
        target = OrganisationFactory(municipality=kiel, public=True)
        tie = services.add_tie(
            bonn_coordinator, source, {"target": target, "kind": TieKind.JOINT_PROJECT}
        )
        assert tie.recorded_by == bonn_coordinator
        assert history(target).filter(object_type="actors.tie").exists()

    def test_no_tie_with_itself(self, bonn, bonn_coordinator):
        organisation = OrganisationFactory(municipality=bonn)
        with pytest.raises(ValidationError):
            services.add_tie(
                bonn_coordinator, organisation, {"target": organisation, "kind": TieKind.FUNDING}
            )

    def test_no_tie_with_an_organisation_one_may_not_see(self, bonn, kiel, bonn_coordinator):
        source = OrganisationFactory(municipality=bonn)
        hidden = OrganisationFactory(municipality=kiel)
        with pytest.raises(PermissionDenied):
            services.add_tie(bonn_coordinator, source, {"target": hidden, "kind": "cooperation"})

    def test_overlapping_duplicate_refused_in_either_direction(self, bonn, bonn_coordinator):
        a = OrganisationFactory(municipality=bonn)
        b = OrganisationFactory(municipality=bonn)
        TieFactory(source=a, target=b, kind=TieKind.COOPERATION, started_on=date(2008, 1, 1))
        with pytest.raises(ValidationError):
            services.add_tie(bonn_coordinator, b, {"target": a, "kind": TieKind.COOPERATION})
        # Another kind, or a period after the first one ended, is a different tie.
        services.add_tie(bonn_coordinator, b, {"target": a, "kind": TieKind.FUNDING})
        Tie.objects.filter(kind=TieKind.COOPERATION).update(ended_on=date(2009, 1, 1))
        services.add_tie(
            bonn_coordinator,
            b,
            {"target": a, "kind": TieKind.COOPERATION, "started_on": date(2010, 1, 1)},
        )
        assert Tie.objects.count() == 3

    def test_either_side_may_correct_it(self, bonn, kiel, kiel_coordinator):
        tie = TieFactory(
            source=OrganisationFactory(municipality=bonn, public=True),
            target=OrganisationFactory(municipality=kiel),
        )
        services.update_tie(kiel_coordinator, tie, {"note": "seit dem Workshop"})
        assert Tie.objects.get().note == "seit dem Workshop"
        services.delete_tie(kiel_coordinator, tie)
        assert not Tie.objects.exists()

    def test_outsider_cannot_delete(self, bonn, kiel_coordinator):
        tie = TieFactory(
            source=OrganisationFactory(municipality=bonn),
            target=OrganisationFactory(municipality=bonn),
        )
        with pytest.raises(PermissionDenied):
            services.delete_tie(kiel_coordinator, tie)
        assert Tie.objects.exists()


# Concurrent requests, each a thread with its own connection: row locks on PostgreSQL.
concurrent_writers = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="row locks and concurrent writers: PostgreSQL"
)


@concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_leave_one_and_a_clear_refusal(reference_data, bonn, office):
    """Many requests create the same organisation at once: one wins, the rest get the refusal
    (never an IntegrityError)."""
    names = ["Ghana Union Bonn", "ghana union bonn", "GHANA UNION  BONN"] * 3
    outcomes = at_once(
        [
            lambda name=name: services.create_organisation(
                office, organisation_values(bonn, name=name, topics=[])
            )
            for name in names[:8]
        ],
        services.DuplicateOrganisation,
    )
    assert sorted(outcomes) == ["DuplicateOrganisation"] * 7 + ["done"]
    assert Organisation.objects.count() == 1
    assert connection.vendor == "postgresql"


@concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_the_same_person_added_at_once_is_a_member_once(reference_data, bonn, office):
    """Many requests (a double click, two tabs) add the same person to an organisation at once:
    one membership, the others refused."""
    organisation = OrganisationFactory(municipality=bonn)
    person = PersonFactory(municipality=bonn)

    def add():
        services.add_membership(office, organisation, {"person": person})

    assert sorted(at_once([add] * 6, ValidationError)) == ["ValidationError"] * 5 + ["done"]
    assert Membership.objects.count() == 1


@concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_the_same_tie_recorded_at_once_from_both_sides_is_recorded_once(
    reference_data, bonn, office
):
    one, other = OrganisationFactory(municipality=bonn), OrganisationFactory(municipality=bonn)
    calls = [
        lambda source=source, target=target: services.add_tie(
            office, source, {"target": target, "kind": TieKind.COOPERATION}
        )
        for source, target in [(one, other), (other, one)] * 3
    ]
    assert sorted(at_once(calls, ValidationError)) == ["ValidationError"] * 5 + ["done"]
    assert Tie.objects.count() == 1


def test_names_differing_only_in_accents_are_the_same(bonn, office):
    services.create_organisation(office, organisation_values(bonn, name="Verein Düren"))
    with pytest.raises(services.DuplicateOrganisation):
        services.create_organisation(office, organisation_values(bonn, name="verein duren"))
