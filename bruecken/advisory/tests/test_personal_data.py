import pytest

from bruecken import personal_data
from bruecken.actors.tests.factories import PersonFactory
from bruecken.advisory.models import Advice
from bruecken.privacy.erasure import delete_own_account, erase_person

pytestmark = pytest.mark.django_db


def _sections(person, user):
    return {section.kind: section for section in personal_data.collect(person, user)}


def test_the_advisor_finds_the_advice_they_gave(advice, advisor):
    section = _sections(None, advisor)["advice"]
    (row,) = section.rows
    assert row["topic"] == "Fördermittel beantragen"
    assert row["organisation"] == "Ghana Union Bonn"
    assert "next_steps" in section.columns


def test_deleting_the_advisors_account_keeps_the_advice_under_the_pseudonym(advice, advisor):
    request = delete_own_account(advisor)
    advice.refresh_from_db()
    assert advice.advisor_id == advisor.pk
    assert str(advice.advisor) == request.pseudonym


def test_a_person_named_in_the_next_steps_is_replaced_by_the_pseudonym(advice, office):
    person = PersonFactory(name="Amara Mensah")
    request = erase_person(person, by_user=office)
    advice.refresh_from_db()
    assert "Amara Mensah" not in advice.next_steps
    assert request.pseudonym in advice.next_steps
    assert Advice.objects.count() == 1
