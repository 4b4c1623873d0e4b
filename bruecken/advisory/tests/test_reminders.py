"""The follow-up reminder: on the date, once, to the advisor in their language, with the link
to the advice; and the waiting item "Nachfassen fällig"."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from bruecken import housekeeping, waiting
from bruecken.advisory.models import Advice
from bruecken.advisory.services import send_follow_up_reminders, set_follow_up_done

pytestmark = pytest.mark.django_db


def _noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_reminded_once_on_the_due_date_and_not_before(
    advice, advisor, django_capture_on_commit_callbacks
):
    due = advice.follow_up_on
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders(_noon(due - datetime.timedelta(days=1))) == 0
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders(_noon(due)) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [advisor.email]
    # In the advisor's language (English here).
    assert message.subject == "Follow-up due: Ghana Union Bonn"
    assert f"/advisory/{advice.pk}/" in message.body
    assert "Projektskizze" in message.body
    advice.refresh_from_db()
    assert advice.reminded_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders(_noon(due)) == 0
        assert send_follow_up_reminders(_noon(due + datetime.timedelta(days=1))) == 0
    assert len(mail.outbox) == 1


def test_german_advisor_gets_german(advice, advisor, django_capture_on_commit_callbacks):
    advisor.language = "de"
    advisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_follow_up_reminders(_noon(advice.follow_up_on))
    assert mail.outbox[0].subject == "Nachfassen fällig: Ghana Union Bonn"


def test_no_reminder_when_done_or_without_advisor(
    advice, kiel_advice, advisor, django_capture_on_commit_callbacks
):
    set_follow_up_done(advisor, advice)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders(_noon(advice.follow_up_on)) == 0
        assert send_follow_up_reminders(_noon(kiel_advice.follow_up_on)) == 0
    assert mail.outbox == []


def test_old_follow_ups_entered_later_send_nothing(advice, django_capture_on_commit_callbacks):
    late = advice.follow_up_on + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_follow_up_reminders(_noon(late)) == 0
    assert mail.outbox == []


def test_the_housekeeping_runs_it(advice, django_capture_on_commit_callbacks):
    assert "advice_follow_ups" in housekeeping.STEPS
    with django_capture_on_commit_callbacks(execute=True):
        counts, failed = housekeeping.run(_noon(advice.follow_up_on))
    assert counts["advice_follow_ups"] == 1
    assert "advice_follow_ups" not in failed
    assert len(mail.outbox) == 1


def _labels(user, now):
    with translation.override("de"):
        return {item.label: item.url for item in waiting.for_user(user, now)}


def test_waiting_for_the_advisor_and_the_coordinator(
    advice, advisor, bonn_coordinator, kiel_coordinator, representative
):
    before = _noon(advice.follow_up_on - datetime.timedelta(days=1))
    on = _noon(advice.follow_up_on)
    label = "Nachfassen fällig: 1 Beratung"
    assert label not in _labels(advisor, before)
    for user in (advisor, bonn_coordinator):
        found = _labels(user, on)
        assert label in found
        assert found[label].endswith("/advisory/?follow_up=due")
    for user in (kiel_coordinator, representative):
        assert label not in _labels(user, on)
    Advice.objects.filter(pk=advice.pk).update(follow_up_done_at=timezone.now())
    assert label not in _labels(advisor, on)


@pytest.mark.django_db(transaction=True)
def test_two_housekeepings_at_once_remind_once(office, bonn, advisor):
    """Two workers run the housekeeping at the same moment: the conditional update lets one
    claim the follow-up; the other finds it claimed."""
    import threading

    from django.db import connection

    from bruecken.actors.models import Organisation
    from bruecken.advisory.services import record_advice

    from .conftest import values

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are PostgreSQL's")
    # Written without save(): what an organisation's save sets off elsewhere is not tested here.
    (organisation,) = Organisation.objects.bulk_create(
        [Organisation(name="Verein", name_key="verein", kind="ngo", municipality=bonn)]
    )
    advice = record_advice(office, organisation, values(advisor=advisor))
    barrier = threading.Barrier(4)
    counts = []

    def run():
        from django.db import connection as own

        barrier.wait()
        try:
            counts.append(send_follow_up_reminders(_noon(advice.follow_up_on)))
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 0, 0, 1]
    assert len(mail.outbox) == 1
