import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.tests.factories import TopicFactory
from bruecken.advisory.models import Advice, AdviceKind
from bruecken.advisory.services import (
    delete_advice,
    record_advice,
    set_follow_up_done,
    update_advice,
)
from bruecken.events.tests.factories import EventFactory

from .conftest import values

pytestmark = pytest.mark.django_db


def test_the_office_records_advice_with_its_audit_entry(advice, office, advisor, seminar):
    assert advice.recorded_by == office
    assert advice.advisor == advisor
    assert advice.event == seminar
    entry = AuditEntry.objects.get(object_type="advisory.advice", object_id=str(advice.pk))
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.user == office
    assert entry.changes["topic"] == [None, "Fördermittel beantragen"]
    # Not filed under the organisation: its history is read by staff who may not see advice.
    assert not entry.subjects.filter(key=f"actors.organisation:{advice.organisation_id}").exists()


def test_a_coordinator_records_for_their_municipality_only(bonn_coordinator, bonn_org, kiel_org):
    advice = record_advice(bonn_coordinator, bonn_org, values())
    assert advice.organisation == bonn_org
    with pytest.raises(PermissionDenied):
        record_advice(bonn_coordinator, kiel_org, values())
    assert Advice.objects.count() == 1


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.PARTICIPANT])
def test_other_roles_may_not_record(role, bonn, bonn_org):
    scope = {"municipality": bonn} if role == Role.FACILITATOR else {}
    with pytest.raises(PermissionDenied):
        record_advice(user_with_role(role, **scope), bonn_org, values())


def test_a_representative_may_not_record_or_change(representative, bonn_org, advice):
    with pytest.raises(PermissionDenied):
        record_advice(representative, bonn_org, values())
    with pytest.raises(PermissionDenied):
        update_advice(representative, advice, {"topic": "x"})
    with pytest.raises(PermissionDenied):
        set_follow_up_done(representative, advice)


def test_another_municipalitys_coordinator_may_not_touch_it(kiel_coordinator, advice):
    for act in (
        lambda: update_advice(kiel_coordinator, advice, {"topic": "x"}),
        lambda: set_follow_up_done(kiel_coordinator, advice),
        lambda: delete_advice(kiel_coordinator, advice),
    ):
        with pytest.raises(PermissionDenied):
            act()
    advice.refresh_from_db()
    assert advice.topic == "Fördermittel beantragen"
    assert advice.follow_up_done_at is None


def test_the_follow_up_is_not_before_the_advice(office, bonn_org):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        record_advice(
            office,
            bonn_org,
            values(given_on=today, follow_up_on=today - datetime.timedelta(days=1)),
        )
    assert "follow_up_on" in error.value.error_dict
    assert not Advice.objects.exists()


def test_seminar_advice_is_dated_on_the_seminar(office, bonn_org, seminar):
    later = timezone.localtime(seminar.starts_at).date() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        record_advice(office, bonn_org, values(seminar, given_on=later, follow_up_on=None))
    assert "given_on" in error.value.error_dict


def test_only_seminars_are_named(office, bonn_org, program):
    workshop = EventFactory(process=None, program=program, title="Austausch")
    with pytest.raises(ValidationError) as error:
        record_advice(office, bonn_org, values(workshop))
    assert "event" in error.value.error_dict


def test_a_consultation_names_no_seminar(office, bonn_org, seminar):
    advice = record_advice(office, bonn_org, values(seminar, kind=AdviceKind.CONSULTATION))
    assert advice.event is None


def test_a_coordinator_names_no_advisor_of_another_municipality(bonn_coordinator, bonn_org, kiel):
    stranger = user_with_role(Role.FACILITATOR, municipality=kiel)
    with pytest.raises(ValidationError) as error:
        record_advice(bonn_coordinator, bonn_org, values(advisor=stranger))
    assert "advisor" in error.value.error_dict
    office = user_with_role(Role.PROGRAM_OFFICE)
    assert record_advice(bonn_coordinator, bonn_org, values(advisor=office)).advisor == office


def test_update_changes_and_audits_and_a_new_date_reminds_again(office, advice):
    Advice.objects.filter(pk=advice.pk).update(reminded_at=timezone.now())
    topic = TopicFactory()
    new_date = advice.follow_up_on + datetime.timedelta(days=7)
    advice = update_advice(
        office, advice, {"next_steps": "Neu.", "follow_up_on": new_date, "topics": [topic]}
    )
    advice.refresh_from_db()
    assert advice.next_steps == "Neu."
    assert advice.reminded_at is None
    assert list(advice.topics.all()) == [topic]
    entry = AuditEntry.objects.filter(object_id=str(advice.pk)).latest("pk")
    assert entry.action == AuditEntry.Action.UPDATE
    assert set(entry.changes) == {"next_steps", "follow_up_on", "topics"}


def test_the_advisor_follows_up_and_opens_again(advice, advisor):
    set_follow_up_done(advisor, advice)
    advice.refresh_from_db()
    assert advice.follow_up_done_at is not None
    set_follow_up_done(advisor, advice, done=False)
    advice.refresh_from_db()
    assert advice.follow_up_done_at is None
    # The advisor follows up; changing the record is the office's and the coordinator's.
    with pytest.raises(PermissionDenied):
        update_advice(advisor, advice, {"topic": "x"})


def test_no_follow_up_agreed_cannot_be_done(office, bonn_org):
    advice = record_advice(office, bonn_org, values(follow_up_on=None))
    with pytest.raises(ValidationError):
        set_follow_up_done(office, advice)


def test_delete_is_audited(bonn_coordinator, advice):
    pk = advice.pk
    delete_advice(bonn_coordinator, advice)
    assert not Advice.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(
        object_id=str(pk), object_type="advisory.advice", action=AuditEntry.Action.DELETE
    ).exists()
