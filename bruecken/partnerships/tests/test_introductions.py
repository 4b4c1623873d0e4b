from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from bruecken import housekeeping
from bruecken.accounts.models import AuditEntry, Role, RoleAssignment
from bruecken.accounts.services import hash_token
from bruecken.accounts.tests.factories import user_with_role
from bruecken.actors.models import OrganisationKind, Tie, TieKind
from bruecken.actors.tests.factories import OrganisationFactory, PersonFactory
from bruecken.partnerships import introductions
from bruecken.partnerships.introductions import AnswerRefused
from bruecken.partnerships.models import (
    Answer,
    Introduction,
    IntroductionAnswer,
    IntroductionStatus,
)
from bruecken.partnerships.personal_data import (
    collect_introduction_answers,
    erase_introduction_answers,
)
from bruecken.personal_data import Erasure
from bruecken.privacy import retention
from bruecken.privacy.models import LedgerEntry
from bruecken.tests.helpers import at_once

from .introduction_helpers import LINK, answer, propose

pytestmark = pytest.mark.usefixtures("language_reset", "site_url")


@pytest.fixture(autouse=True)
def english_messages(language_reset):
    # The refusals are matched by their English text; the e-mails choose their own language.
    # After language_reset has given the default language, not before.
    translation.activate("en")


def representative_of(organisation):
    return RoleAssignment.objects.get(role=Role.REPRESENTATIVE, organisation=organisation).user


class TestPropose:
    def test_both_sides_get_the_reasons_in_their_language(
        self, django_capture_on_commit_callbacks, coordinator, partnership, diaspora, city_office
    ):
        introduction, tokens = propose(
            django_capture_on_commit_callbacks,
            coordinator,
            partnership=partnership,
            second=diaspora,
            message="Sie arbeiten beide an Wasserprojekten.",
        )
        assert introduction.first == city_office and introduction.second == diaspora
        assert introduction.municipality == partnership.municipality
        assert introduction.status == IntroductionStatus.PROPOSED
        assert introduction.score > 0
        assert any("Äthiopien" in reason for reason in introduction.reasons["de"])
        assert any("Ethiopia" in reason for reason in introduction.reasons["en"])
        german, english = sorted(mail.outbox[-2:], key=lambda m: m.to[0] != city_office.email)
        assert german.to == [city_office.email]
        assert "Äthiopischer Verein Leipzig" in german.subject and "Vorstellung" in german.subject
        assert "Äthiopien" in german.body and "/de/partnerships/" in german.body
        assert "Sie arbeiten beide an Wasserprojekten." in german.body
        representative = representative_of(diaspora)
        assert english.to == [representative.email]
        assert "Introduction proposed" in english.subject
        assert "Ethiopia" in english.body and "/en/partnerships/" in english.body
        assert "https://bruecken.example.org/en/partnerships/introductions/answer/" in english.body
        # Only hashes are kept.
        for address, token in tokens.items():
            stored = IntroductionAnswer.objects.get(email=address)
            assert stored.token_hash == hash_token(token) and token not in stored.token_hash
            assert stored.expires_at > timezone.now() + timedelta(days=20)
        assert AuditEntry.objects.filter(
            object_type="partnerships.introduction", object_id=str(introduction.pk)
        ).exists()

    def test_without_carrying_organisation_it_is_refused(self, coordinator, partnership, diaspora):
        partnership.profile.carried_by = None
        partnership.profile.save()
        with pytest.raises(ValidationError, match="carries this partnership"):
            introductions.propose(coordinator, partnership=partnership, second=diaspora)
        assert not Introduction.objects.exists()

    @pytest.mark.parametrize("role", [Role.FACILITATOR, Role.PARTICIPANT])
    def test_other_roles_may_not_propose(self, role, leipzig, partnership, diaspora):
        user = user_with_role(role, municipality=leipzig if role == Role.FACILITATOR else None)
        with pytest.raises(PermissionDenied):
            introductions.propose(user, partnership=partnership, second=diaspora)

    def test_a_representative_may_not_propose(self, partnership, diaspora):
        with pytest.raises(PermissionDenied):
            introductions.propose(
                representative_of(diaspora), partnership=partnership, second=diaspora
            )

    def test_another_municipalitys_coordinator_may_not(
        self, kiel_coordinator, partnership, diaspora
    ):
        with pytest.raises(PermissionDenied):
            introductions.propose(kiel_coordinator, partnership=partnership, second=diaspora)
        assert not Introduction.objects.exists()

    def test_not_consented_organisation_of_another_municipality_is_refused(
        self, coordinator, partnership, kiel, ethiopia
    ):
        hidden = OrganisationFactory(
            municipality=kiel, countries=[ethiopia], email="a@kiel.example"
        )
        with pytest.raises(ValidationError) as refusal:
            introductions.propose(coordinator, partnership=partnership, second=hidden)
        assert hidden.name not in str(refusal.value)
        assert not Introduction.objects.exists()

    def test_consented_organisation_of_another_municipality_is_allowed(
        self, coordinator, partnership, kiel, ethiopia
    ):
        public = OrganisationFactory(
            municipality=kiel, countries=[ethiopia], email="b@kiel.example", public=True
        )
        introduction = introductions.propose(coordinator, partnership=partnership, second=public)
        assert introduction.second == public

    def test_the_office_proposes_anywhere(self, office, partnership, diaspora):
        assert introductions.propose(office, partnership=partnership, second=diaspora).pk

    def test_unreachable_organisation_is_refused(self, coordinator, partnership, leipzig, ethiopia):
        silent = OrganisationFactory(municipality=leipzig, countries=[ethiopia])
        with pytest.raises(ValidationError, match="cannot be reached"):
            introductions.propose(coordinator, partnership=partnership, second=silent)

    def test_a_second_live_proposal_is_refused_in_either_order(
        self, coordinator, partnership, diaspora, city_office
    ):
        introductions.propose(coordinator, partnership=partnership, second=diaspora)
        with pytest.raises(ValidationError, match="have an introduction already"):
            introductions.propose(coordinator, partnership=partnership, second=diaspora)
        with pytest.raises(ValidationError, match="have an introduction already"):
            introductions.propose(coordinator, first=diaspora, second=city_office)
        assert Introduction.objects.count() == 1

    @pytest.mark.parametrize("reverse", [False, True])
    def test_after_a_decline_never_again(
        self,
        reverse,
        django_capture_on_commit_callbacks,
        coordinator,
        partnership,
        diaspora,
        city_office,
    ):
        _introduction, tokens = propose(
            django_capture_on_commit_callbacks,
            coordinator,
            partnership=partnership,
            second=diaspora,
        )
        answer(django_capture_on_commit_callbacks, tokens[city_office.email], accept=False)
        with pytest.raises(ValidationError, match="not proposed again"):
            if reverse:
                introductions.propose(coordinator, first=diaspora, second=city_office)
            else:
                introductions.propose(coordinator, partnership=partnership, second=diaspora)
        assert Introduction.objects.count() == 1

    def test_two_organisations_without_link_need_a_message(self, coordinator, leipzig):
        first = OrganisationFactory(municipality=leipzig, email="x@example.org")
        second = OrganisationFactory(
            municipality=leipzig, email="y@example.org", kind=OrganisationKind.MIGRANT_ORGANISATION
        )
        first.kind = OrganisationKind.MIGRANT_ORGANISATION
        first.save()
        with pytest.raises(ValidationError, match="Say in your message"):
            introductions.propose(coordinator, first=first, second=second)
        introduction = introductions.propose(
            coordinator, first=first, second=second, message="Beide in Grünau aktiv."
        )
        assert introduction.score == 0 and introduction.reasons == {"de": [], "en": []}

    def test_an_organisation_is_not_introduced_to_itself(self, coordinator, city_office):
        with pytest.raises(ValidationError, match="itself"):
            introductions.propose(coordinator, first=city_office, second=city_office)

    def test_the_first_side_must_lie_where_the_coordinator_works(self, coordinator, kiel, diaspora):
        elsewhere = OrganisationFactory(municipality=kiel, public=True, email="k@kiel.example")
        with pytest.raises(PermissionDenied):
            introductions.propose(coordinator, first=elsewhere, second=diaspora)

    def test_the_first_sides_choices_mirror_the_check(
        self, coordinator, kiel_coordinator, office, city_office, diaspora, leipzig, kiel
    ):
        elsewhere = OrganisationFactory(municipality=kiel, public=True, email="k@kiel.example")
        unlisted = OrganisationFactory(municipality=kiel, email="u@kiel.example")
        anywhere = OrganisationFactory(public=True, email="a@anywhere.example")
        facilitator = user_with_role(Role.FACILITATOR, municipality=leipzig)

        class Undo(Exception):
            pass

        def accepted(user, organisation):
            try:
                with transaction.atomic():
                    introductions.propose(user, first=organisation, second=anywhere, message="x")
                    raise Undo
            except Undo:
                return True
            except PermissionDenied:
                return False
            except ValidationError as refusal:
                return "first" not in getattr(refusal, "error_dict", {})

        for user in (coordinator, kiel_coordinator, office, facilitator):
            choices = set(introductions.first_choices(user))
            for organisation in (city_office, diaspora, elsewhere, unlisted):
                assert (organisation in choices) == accepted(user, organisation), (
                    user,
                    organisation,
                )
        assert set(introductions.first_choices(coordinator)) == {city_office, diaspora}


@pytest.fixture
def proposed(django_capture_on_commit_callbacks, coordinator, partnership, diaspora):
    return propose(
        django_capture_on_commit_callbacks, coordinator, partnership=partnership, second=diaspora
    )


class TestAnswer:
    def test_both_accept_records_the_dated_tie(
        self, django_capture_on_commit_callbacks, proposed, coordinator, city_office, diaspora
    ):
        introduction, tokens = proposed
        first_token = tokens[city_office.email]
        second_token = tokens[representative_of(diaspora).email]
        answer(django_capture_on_commit_callbacks, first_token)
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.PROPOSED and introduction.tie is None
        before = len(mail.outbox)
        answer(django_capture_on_commit_callbacks, second_token)
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.ACCEPTED
        assert introduction.decided_at is not None
        tie = introduction.tie
        assert (tie.kind, tie.source, tie.target) == (TieKind.INTRODUCTION, city_office, diaspora)
        assert tie.started_on == timezone.localdate()
        assert tie.recorded_by == coordinator
        assert AuditEntry.objects.filter(object_type="actors.tie", object_id=str(tie.pk)).exists()
        # Both sides hear of it, each in its language.
        notices = mail.outbox[before:]
        assert sorted(m.to[0] for m in notices) == sorted(tokens)
        assert any("Introduction accepted" in m.subject for m in notices)
        assert any("Vorstellung angenommen" in m.subject for m in notices)

    def test_a_used_link_changes_nothing(
        self, django_capture_on_commit_callbacks, proposed, city_office
    ):
        introduction, tokens = proposed
        token = tokens[city_office.email]
        answer(django_capture_on_commit_callbacks, token, accept=True)
        # Forwarded to someone who declines: the link was used, nothing changes.
        with pytest.raises(AnswerRefused, match="answered already"):
            answer(django_capture_on_commit_callbacks, token, accept=False)
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.PROPOSED
        assert introduction.answers.get(organisation=city_office).answer == "accepted"

    def test_a_forwarded_unused_link_answers_for_its_side(
        self, django_capture_on_commit_callbacks, proposed, diaspora
    ):
        introduction, tokens = proposed
        answer(django_capture_on_commit_callbacks, tokens[representative_of(diaspora).email])
        assert introduction.answers.get(organisation=diaspora).answer == "accepted"

    def test_decline_closes_and_tells_the_other_side(
        self, django_capture_on_commit_callbacks, proposed, city_office, diaspora
    ):
        introduction, tokens = proposed
        before = len(mail.outbox)
        answer(django_capture_on_commit_callbacks, tokens[city_office.email], accept=False)
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.DECLINED
        assert introduction.tie is None and not Tie.objects.exists()
        notices = mail.outbox[before:]
        assert [m.to[0] for m in notices] == [representative_of(diaspora).email]
        assert "declined" in notices[0].subject
        with pytest.raises(AnswerRefused, match="declined"):
            answer(django_capture_on_commit_callbacks, tokens[representative_of(diaspora).email])

    def test_an_expired_link_changes_nothing(self, proposed, city_office):
        introduction, tokens = proposed
        later = timezone.now() + timedelta(days=22)
        with pytest.raises(AnswerRefused, match="expired"):
            introductions.answer(tokens[city_office.email], True, now=later)
        assert not introduction.answers.exclude(answer="").exists()
        assert introductions.expire_introductions(now=later) == 1
        assert introductions.expire_introductions(now=later) == 0
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.EXPIRED

    def test_expiry_waits_while_one_side_may_still_answer(
        self, django_capture_on_commit_callbacks, proposed, city_office
    ):
        introduction, tokens = proposed
        answer(django_capture_on_commit_callbacks, tokens[city_office.email])
        assert introductions.expire_introductions(now=timezone.now()) == 0
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.PROPOSED
        later = timezone.now() + timedelta(days=22)
        assert introductions.expire_introductions(now=later) == 1

    @pytest.mark.parametrize(
        "token", ["", "x" * 10_000, "abc\x00def", None, 12345, "ÄÖÜ" * 10, "a/b"]
    )
    def test_made_up_links_are_refused(self, proposed, token):
        with pytest.raises(AnswerRefused, match="not valid"):
            introductions.answer(token, True)
        assert not IntroductionAnswer.objects.exclude(answer="").exists()

    def test_withdrawn_introduction_cannot_be_answered(
        self, django_capture_on_commit_callbacks, proposed, coordinator, city_office
    ):
        introduction, tokens = proposed
        introductions.withdraw(coordinator, introduction)
        with pytest.raises(AnswerRefused, match="withdrawn"):
            answer(django_capture_on_commit_callbacks, tokens[city_office.email])
        # Withdrawn is not declined: it may be proposed again.
        assert introductions.propose(
            coordinator, partnership=introduction.partnership, second=introduction.second
        ).pk

    def test_the_tie_is_recorded_when_the_proposer_lost_the_role(
        self, django_capture_on_commit_callbacks, proposed, coordinator, city_office, diaspora
    ):
        introduction, tokens = proposed
        coordinator.roles.all().delete()
        for token in tokens.values():
            answer(django_capture_on_commit_callbacks, token)
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.ACCEPTED
        assert introduction.tie.recorded_by == coordinator

    def test_sending_again_issues_a_new_link(self, proposed, city_office):
        introduction, tokens = proposed
        introductions.send_introduction_emails.call(introduction.pk)
        with pytest.raises(AnswerRefused, match="not valid"):
            introductions.answer(tokens[city_office.email], True)


class TestWithdraw:
    def test_only_staff_of_the_municipality(self, proposed, kiel_coordinator, diaspora):
        introduction, _tokens = proposed
        with pytest.raises(PermissionDenied):
            introductions.withdraw(kiel_coordinator, introduction)
        with pytest.raises(PermissionDenied):
            introductions.withdraw(representative_of(diaspora), introduction)

    def test_only_while_open(self, proposed, office):
        introduction, _tokens = proposed
        introductions.withdraw(office, introduction)
        with pytest.raises(ValidationError, match="waits for its answers"):
            introductions.withdraw(office, introduction)


class TestPersonalData:
    def test_the_representatives_address_is_exported_and_erased(self, proposed, diaspora):
        representative = representative_of(diaspora)
        found = collect_introduction_answers(None, representative)
        assert [row["email"] for row in found.rows] == [representative.email]
        erasure = Erasure.of(None, representative, "Gelöschte Person 1A2B")
        assert erase_introduction_answers(erasure) == 1
        assert not IntroductionAnswer.objects.filter(email=representative.email).exists()
        assert collect_introduction_answers(None, representative) is None

    def test_a_person_with_the_organisations_address(self, proposed, city_office):
        person = PersonFactory(email=city_office.email)
        assert collect_introduction_answers(person, None).rows

    def test_addresses_go_after_the_retention_period_the_answers_stay(
        self, proposed, city_office, settings
    ):
        settings.RETENTION_INTRODUCTION_ADDRESS_DAYS = 30
        _introduction, tokens = proposed
        introductions.answer(tokens[city_office.email], True)
        answered = IntroductionAnswer.objects.get(organisation=city_office)
        waiting = IntroductionAnswer.objects.exclude(pk=answered.pk).get()
        day = timedelta(days=1)
        run = housekeeping.STEPS["introduction_addresses"][0]

        # Answered 30 days ago, the other link still open or expired less than 30 days ago.
        assert run(now=answered.answered_at + 30 * day) == 0
        assert run(now=answered.answered_at + 30 * day + timedelta(seconds=1)) == 1
        answered.refresh_from_db()
        assert answered.email == "" and answered.answer == Answer.ACCEPTED
        assert run(now=waiting.expires_at + 30 * day) == 0
        assert run(now=waiting.expires_at + 31 * day) == 1
        waiting.refresh_from_db()
        assert waiting.email == ""
        assert list(
            LedgerEntry.objects.filter(kind="introduction_addresses").values_list("count", "reason")
        ) == [(1, LedgerEntry.Reason.RETENTION), (1, LedgerEntry.Reason.RETENTION)]
        assert "introduction_addresses" in {period.kind for period in retention.periods()}


class TestLanguage:
    def test_an_organisation_address_of_an_english_speaking_person(self, leipzig):
        organisation = OrganisationFactory(municipality=leipzig, email="Club@Example.org")
        PersonFactory(email="club@example.org", language="en")
        assert introductions.recipient(organisation) == introductions.Recipient(
            "club@example.org", "en"
        )

    def test_german_when_nothing_is_recorded(self, leipzig):
        organisation = OrganisationFactory(municipality=leipzig, email="club@example.org")
        assert introductions.recipient(organisation).language == "de"


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="row locks and concurrent writers: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
class TestConcurrency:
    @pytest.fixture(autouse=True)
    def queue_only(self, settings):
        # The e-mails are not the point here: queued, never sent.
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    def run_at_once(self, *calls):
        return sorted(at_once(calls, (ValidationError, AnswerRefused)))

    def test_proposals_of_one_pair_at_once_in_either_order(
        self, coordinator, partnership, diaspora, city_office
    ):
        calls = [
            lambda: introductions.propose(coordinator, partnership=partnership, second=diaspora),
            lambda: introductions.propose(coordinator, first=diaspora, second=city_office),
        ] * 3
        assert self.run_at_once(*calls) == ["ValidationError"] * 5 + ["done"]
        assert Introduction.objects.count() == 1
        assert connection.vendor == "postgresql"

    def test_both_sides_accepting_at_once_record_one_tie(
        self, coordinator, partnership, diaspora, city_office
    ):
        introduction = introductions.propose(coordinator, partnership=partnership, second=diaspora)
        tokens = [
            introductions.issue_link(answer_) for answer_ in introduction.answers.order_by("pk")
        ]
        calls = [lambda token=token: introductions.answer(token, True) for token in tokens]
        # Each link twice: the second use of each is refused.
        assert self.run_at_once(*calls, *calls) == ["AnswerRefused"] * 2 + ["done"] * 2
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.ACCEPTED
        assert Tie.objects.filter(kind=TieKind.INTRODUCTION).count() == 1


class TestWaiting:
    def test_the_proposer_sees_decided_introductions(
        self, django_capture_on_commit_callbacks, proposed, coordinator, office, city_office
    ):
        from bruecken.partnerships.introduction_waiting import waiting_for

        _introduction, tokens = proposed
        assert waiting_for(coordinator, timezone.now()) == []
        answer(django_capture_on_commit_callbacks, tokens[city_office.email], accept=False)
        items = waiting_for(coordinator, timezone.now())
        assert [item.count for item in items] == [1]
        assert "declined" in items[0].label and "status=declined" in items[0].url
        assert waiting_for(office, timezone.now()) == []
        later = timezone.now() + timedelta(days=15)
        assert waiting_for(coordinator, later) == []


def test_no_token_waits_in_the_task_queue(
    settings, django_capture_on_commit_callbacks, coordinator, partnership, diaspora
):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        introduction = introductions.propose(coordinator, partnership=partnership, second=diaspora)
    queued = [
        result
        for result in default_task_backend.results
        if result.task.name == "send_introduction_emails"
    ]
    assert [(result.args, result.kwargs) for result in queued] == [([introduction.pk], {})]
    # Until the task sends the e-mails, no link works: the stored hashes are of tokens nobody
    # holds.
    assert not mail.outbox


def test_the_list_mirrors_the_rule(
    proposed, coordinator, kiel_coordinator, office, diaspora, leipzig
):
    introduction, _tokens = proposed
    users = [
        coordinator,
        kiel_coordinator,
        office,
        representative_of(diaspora),
        user_with_role(Role.FACILITATOR, municipality=leipzig),
        user_with_role(Role.PARTICIPANT),
    ]
    for user in users:
        listed = Introduction.objects.visible_to(user).filter(pk=introduction.pk).exists()
        assert listed == user.has_perm("partnerships.manage_introduction", introduction), user
    assert [u for u in users if u.has_perm("partnerships.view_introductions")] == users[:3]


class TestSendAgain:
    def test_fresh_links_for_the_sides_still_waiting(
        self, django_capture_on_commit_callbacks, proposed, coordinator, city_office, diaspora
    ):
        introduction, tokens = proposed
        answer(django_capture_on_commit_callbacks, tokens[city_office.email])
        introduction.answers.update(expires_at=timezone.now() + timedelta(days=1))
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            introductions.send_again(coordinator, introduction)
        resent = mail.outbox[before:]
        address = representative_of(diaspora).email
        assert [message.to for message in resent] == [[address]]
        fresh = LINK.search(resent[0].body).group(2)
        with pytest.raises(AnswerRefused, match="not valid"):
            introductions.answer(tokens[address], True)
        waiting = introduction.answers.get(organisation=diaspora)
        assert waiting.expires_at > timezone.now() + timedelta(days=20)
        answer(django_capture_on_commit_callbacks, fresh)
        introduction.refresh_from_db()
        assert introduction.status == IntroductionStatus.ACCEPTED

    def test_only_staff_of_the_municipality_and_only_while_open(
        self, proposed, kiel_coordinator, coordinator
    ):
        introduction, _tokens = proposed
        with pytest.raises(PermissionDenied):
            introductions.send_again(kiel_coordinator, introduction)
        introductions.withdraw(coordinator, introduction)
        with pytest.raises(ValidationError, match="sent again"):
            introductions.send_again(coordinator, introduction)
