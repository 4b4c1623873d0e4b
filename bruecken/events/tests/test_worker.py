import signal
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from bruecken import cli, housekeeping
from bruecken.actors.tests.factories import PersonFactory
from bruecken.events import services
from bruecken.events.models import Event, Invitation, Registration
from bruecken.events.tests.factories import EventFactory, RegistrationFactory

Status = Registration.Status
Source = Registration.Source


pytestmark = pytest.mark.usefixtures("language_reset")


@pytest.fixture
def run_housekeeping(django_capture_on_commit_callbacks):
    """Run the command as the worker does; the e-mails go out when its transactions commit."""

    def run(**options):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("housekeeping", verbosity=0, **options)
        return list(mail.outbox)

    return run


def subjects(messages):
    return sorted(message.subject for message in messages)


class TestEventReminders:
    def test_two_days_before_to_confirmed_participants_once(self, db, run_housekeeping):
        soon = EventFactory(
            title="Bald", capacity=1, starts_at=timezone.now() + timedelta(days=1, hours=20)
        )
        confirmed = RegistrationFactory(event=soon, person=PersonFactory(language="en"))
        RegistrationFactory(event=soon, status=Status.WAITING, queued_at=timezone.now())
        RegistrationFactory(event=soon, status=Status.CANCELLED)
        EventFactory(title="Später", starts_at=timezone.now() + timedelta(days=3))
        RegistrationFactory(
            event__title="Später 2", event__starts_at=timezone.now() + timedelta(days=5)
        )
        messages = run_housekeeping()
        assert [m.to for m in messages] == [[confirmed.person.email]]
        assert messages[0].subject.startswith("Soon: Bald on")
        # Idempotent: the next runs send nothing more.
        assert run_housekeeping() == []
        assert run_housekeeping() == []

    def test_again_when_the_event_moves(self, db, run_housekeeping):
        event = EventFactory(starts_at=timezone.now() + timedelta(days=1))
        RegistrationFactory(event=event)
        assert len(run_housekeeping()) == 1
        event.starts_at += timedelta(hours=3)
        event.ends_at += timedelta(hours=3)
        event.save()
        assert len(run_housekeeping()) == 1
        assert run_housekeeping() == []

    @pytest.mark.parametrize(
        "changes",
        [
            {"cancelled_at": timezone.now()},
            {"is_published": False},
        ],
    )
    def test_not_for_cancelled_or_unpublished_events(self, db, run_housekeeping, changes):
        event = EventFactory(starts_at=timezone.now() + timedelta(days=1), **changes)
        RegistrationFactory(event=event)
        assert run_housekeeping() == []

    def test_not_for_events_already_begun(self, db, run_housekeeping):
        begun = EventFactory(starts_at=timezone.now() - timedelta(hours=1))
        RegistrationFactory(event=begun)
        assert run_housekeeping() == []

    def test_claimed_once_even_when_two_runs_overlap(self, db, django_capture_on_commit_callbacks):
        event = EventFactory(starts_at=timezone.now() + timedelta(days=1))
        RegistrationFactory(event=event)
        with django_capture_on_commit_callbacks(execute=True):
            # The second run sees the event as due (it read the list before the claim).
            due = list(Event.objects.filter(pk=event.pk))
            assert services.send_event_reminders() == 1
            assert services.send_event_reminders() == 0
        assert due and len(mail.outbox) == 1


class TestInvitationReminders:
    def test_once_before_the_deadline(self, db, run_housekeeping):
        event = EventFactory(
            registration_deadline=timezone.now() + timedelta(days=2), reminder_days=3
        )
        pending = Invitation.objects.create(event=event, person=PersonFactory(language="en"))
        Invitation.objects.create(
            event=event, person=PersonFactory(), status=Invitation.Status.DECLINED
        )
        messages = run_housekeeping()
        assert [m.to for m in messages] == [[pending.person.email]]
        assert messages[0].subject.startswith("Reminder: your invitation")
        pending.refresh_from_db()
        assert pending.reminded_at is not None
        assert run_housekeeping() == []

    def test_not_yet(self, db, run_housekeeping):
        event = EventFactory(
            registration_deadline=timezone.now() + timedelta(days=10), reminder_days=3
        )
        Invitation.objects.create(event=event, person=PersonFactory())
        assert run_housekeeping() == []


def sign_up(event, count, **person):
    """`count` new people take a place at the event themselves, one after the other."""
    return [
        services.take_place(event, PersonFactory(**person), source=Source.SELF)
        for _ in range(count)
    ]


class TestOffers:
    def test_expired_offer_passes_to_the_next_once(self, db, run_housekeeping):
        event = EventFactory(capacity=1)
        [holder] = sign_up(event, 1)
        first, second = sign_up(event, 2, language="en")
        services.cancel(holder)
        first.refresh_from_db()
        assert first.status == Status.OFFERED
        Registration.objects.filter(pk=first.pk).update(
            offer_expires_at=timezone.now() - timedelta(minutes=1)
        )
        messages = run_housekeeping()
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == (Status.EXPIRED, Status.OFFERED)
        assert subjects(messages) == [
            "A place is free for you: " + event.title,
            "Offer expired: " + event.title,
        ]
        assert run_housekeeping() == []
        second.refresh_from_db()
        assert second.status == Status.OFFERED

    def test_open_offers_are_left_alone(self, db, run_housekeeping):
        event = EventFactory(capacity=1)
        holder, waiting = sign_up(event, 2)
        services.cancel(holder)
        assert run_housekeeping() == []
        waiting.refresh_from_db()
        assert waiting.status == Status.OFFERED

    def test_places_added_go_to_the_waiting_list(self, db, run_housekeeping):
        event = EventFactory(capacity=1)
        _holder, waiting = sign_up(event, 2)
        Event.objects.filter(pk=event.pk).update(capacity=2)
        run_housekeeping()
        waiting.refresh_from_db()
        assert waiting.status == Status.OFFERED

    def test_nothing_after_the_event_began(self, db, run_housekeeping):
        event = EventFactory(capacity=1)
        holder, offered = sign_up(event, 2)
        services.cancel(holder)
        past = timezone.now() - timedelta(hours=1)
        Event.objects.filter(pk=event.pk).update(starts_at=past, ends_at=past)
        Registration.objects.filter(pk=offered.pk).update(offer_expires_at=past)
        assert run_housekeeping() == []
        offered.refresh_from_db()
        assert offered.status == Status.OFFERED


def test_a_failing_step_does_not_stop_the_others(db, monkeypatch, run_housekeeping):
    def broken(now=None):
        raise RuntimeError("database trouble")

    monkeypatch.setitem(
        housekeeping.STEPS, "invitation_reminders", (broken, "invitation reminders")
    )
    event = EventFactory(starts_at=timezone.now() + timedelta(days=1))
    RegistrationFactory(event=event)
    with pytest.raises(CommandError, match="invitation_reminders"):
        run_housekeeping()
    assert len(mail.outbox) == 1


def test_housekeeping_reports_what_it_did(db, capsys):
    call_command("housekeeping")
    assert "event reminders: 0" in capsys.readouterr().out


class TestHousekeepingLoop:
    def test_runs_at_once_and_then_every_interval_until_stopped(self, monkeypatch):
        runs = []
        enough = threading.Event()

        def fake_call_command(name, **options):
            runs.append(name)
            if len(runs) == 1:
                raise RuntimeError("a bad run is logged, the loop goes on")
            if len(runs) >= 3:
                enough.set()

        monkeypatch.setattr("django.core.management.call_command", fake_call_command)
        stop = threading.Event()
        thread = threading.Thread(target=cli.housekeeping_loop, args=(0.01, stop), daemon=True)
        thread.start()
        assert enough.wait(5)
        stop.set()
        thread.join(5)
        assert not thread.is_alive()
        assert set(runs) == {"housekeeping"}

    def test_options(self, monkeypatch):
        monkeypatch.delenv("WORKER_HOUSEKEEPING_INTERVAL", raising=False)
        options, rest = cli.worker_arguments(["--batch", "--queue-name", "*"])
        assert options.housekeeping_interval == 300
        assert rest == ["--batch", "--queue-name", "*"]
        monkeypatch.setenv("WORKER_HOUSEKEEPING_INTERVAL", "60")
        options, _rest = cli.worker_arguments([])
        assert options.housekeeping_interval == 60
        options, _rest = cli.worker_arguments(["--housekeeping-interval", "0"])
        assert options.housekeeping_interval == 0

    @pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
    def test_bad_interval_is_refused(self, monkeypatch, capsys, value):
        with pytest.raises(SystemExit):
            cli.worker_arguments(["--housekeeping-interval", value])
        assert "seconds, 0 or more" in capsys.readouterr().err
        monkeypatch.setenv("WORKER_HOUSEKEEPING_INTERVAL", value)
        with pytest.raises(SystemExit):
            cli.worker_arguments([])


@pytest.fixture
def database_tasks(settings):
    """Tasks queue in the database, as in production, until a worker runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    yield
    # The worker installs its own signal handlers; give pytest its own back.
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_worker_sends_queued_mail_and_does_the_housekeeping(database_tasks):
    from django_tasks_db.models import DBTaskResult

    soon = EventFactory(title="Bald", starts_at=timezone.now() + timedelta(days=1))
    person = PersonFactory(language="en")
    services.take_place(soon, person, source=Source.SELF)
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []

    exit_code = cli.main(
        ["bruecken", "worker", "--batch", "--no-startup-delay", "--verbosity", "0"]
    )

    assert exit_code == 0
    confirmation, reminder = sorted(mail.outbox, key=lambda m: m.subject, reverse=True)
    assert confirmation.subject == "Your place is confirmed: Bald"
    assert reminder.subject.startswith("Soon: Bald on ")
    assert all(m.to == [person.email] for m in mail.outbox)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    assert Event.objects.get(pk=soon.pk).reminder_sent_for == soon.starts_at

    # Run again: nothing new.
    mail.outbox.clear()
    assert (
        cli.main(["bruecken", "worker", "--batch", "--no-startup-delay", "--verbosity", "0"]) == 0
    )
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_worker_without_housekeeping(database_tasks):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=1))
    RegistrationFactory(event=event)
    args = ["bruecken", "worker", "--housekeeping-interval", "0", "--batch", "--no-startup-delay"]
    assert cli.main([*args, "--verbosity", "0"]) == 0
    assert mail.outbox == []
    assert Event.objects.get(pk=event.pk).reminder_sent_for is None
