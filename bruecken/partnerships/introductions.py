"""Introductions: a coordinator (or the program office) proposes that two organisations get to
know each other, a partnership's carrying organisation and a migrant organisation, or two
organisations; each side answers through the link in its e-mail.

The rules, each checked here and nowhere else:
- the proposer may propose for the municipality (`partnerships.propose_introduction`) and may
  see both organisations (`Organisation.objects.visible_to`);
- a pair has at most one live (proposed or accepted) introduction, in either order, and a pair
  that declined once is never proposed again (in either order);
- both organisations can be reached: their own e-mail address, else a representative's account.

The reasons and the score are frozen from the matching when proposed (the e-mails and the
answer page quote them). Each side gets an `IntroductionAnswer` with a random, single-use token
of which only the SHA-256 hash is kept. The raw token never waits anywhere: the background task
that sends the e-mails issues it (`send_introduction_emails`), so it exists only in the e-mail.
Whoever holds the link answers for that side (like the other links in e-mails); once used it
changes nothing more. When every side accepted, a tie of kind "introduction" dated that day
is recorded between the two organisations (the network counts it); a decline closes the
introduction for good.

The municipal side of a partnership introduction answers through its link like the other side:
the coordinator proposing it does not thereby speak for the carrying organisation (often
another office, or an association that carries the partnership)."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from bruecken.accounts import audit
from bruecken.accounts.models import AuditEntry, Role, RoleAssignment, User
from bruecken.actors import services as actor_services
from bruecken.actors.models import Organisation, Person, Tie, TieKind
from bruecken.mail import NotSent, send_each
from bruecken.permissions import require
from bruecken.tokens import hash_token, new_token

from . import matching
from .models import (
    OPEN_OR_ACCEPTED,
    Answer,
    Introduction,
    IntroductionAnswer,
    IntroductionStatus,
    PartnershipProfile,
)
from .rules import proposing_municipality_ids

logger = logging.getLogger(__name__)

INTRODUCTION_FIELDS = [
    "municipality",
    "partnership",
    "first",
    "second",
    "score",
    "message",
    "status",
    "decided_at",
    "tie",
]
# A token is 43 characters; anything much longer is refused unread.
TOKEN_MAX_LENGTH = 100
LANGUAGES = {code for code, _name in settings.LANGUAGES}


class AnswerRefused(Exception):
    """An answer link that cannot answer (made up, expired, used, withdrawn): nothing changed."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


def answer_days():
    return settings.INTRODUCTION_ANSWER_DAYS


# Reaching the sides


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


def _language(value):
    return value if value in LANGUAGES else settings.LANGUAGE_CODE


def recipient(organisation):
    """Where an organisation hears of an introduction: its own address, else the address of
    its first representative with an active account; None when neither exists. The language is
    the one recorded for that address (an account's, or a person's record), else German."""
    if organisation.email:
        address = organisation.email.strip().lower()
        account = User.objects.filter(email__iexact=address, is_active=True).first()
        if account is not None:
            return Recipient(address, _language(account.language))
        person = Person.objects.filter(email__iexact=address).order_by("pk").first()
        return Recipient(address, _language(person.language if person else ""))
    assignment = (
        RoleAssignment.objects.filter(
            role=Role.REPRESENTATIVE, organisation=organisation, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        return None
    return Recipient(assignment.user.email, _language(assignment.user.language))


# Proposing


def _refuse(message, field=None):
    raise ValidationError({field: message} if field else message)


def first_choices(user):
    """The organisations `user` may name as the first side of an introduction between two
    organisations: those they see in a municipality they may propose for. The list mirror of
    the checks in `propose` (`propose_introduction` for the first organisation's municipality,
    by the same ids, and `visible_to`): the picker offers what the submit accepts."""
    organisations = Organisation.objects.visible_to(user)
    ids = proposing_municipality_ids(user)
    return organisations if ids is None else organisations.filter(municipality_id__in=ids)


def _sides(user, partnership, first):
    """(municipality, first organisation) of the proposal."""
    if partnership is not None:
        profile = (
            PartnershipProfile.objects.filter(partnership=partnership)
            .select_related("carried_by")
            .first()
        )
        if profile is None or profile.carried_by_id is None:
            _refuse(
                _(
                    "No organisation carries this partnership in the municipality yet. Record "
                    "who carries it (for example the office for international cooperation) on "
                    "the partnership first: the introduction is made with them."
                )
            )
        return partnership.municipality, profile.carried_by
    if first is None:
        _refuse(_("Choose the first organisation."), "first")
    return first.municipality, first


def explain(partnership, first, second):
    """What the matching says of the pair (None: nothing in the records links them)."""
    if partnership is not None:
        return matching.explain(partnership, second)
    return matching.explain_organisations(first, second)


def _pair(first, second):
    return Q(first=first, second=second) | Q(first=second, second=first)


def _check_pair(first, second):
    earlier = Introduction.objects.filter(_pair(first, second))
    if earlier.filter(status=IntroductionStatus.DECLINED).exists():
        _refuse(
            _(
                "These two organisations were introduced before and one of them declined. "
                "Declined introductions are not proposed again."
            )
        )
    if earlier.filter(status__in=OPEN_OR_ACCEPTED).exists():
        _refuse(
            _(
                "These two organisations have an introduction already: it is waiting for their "
                "answers or was accepted."
            )
        )


def _check_reachable(organisations):
    found = {}
    for organisation in organisations:
        found[organisation.pk] = recipient(organisation)
        if found[organisation.pk] is None:
            _refuse(
                _(
                    "%(name)s cannot be reached: it has no e-mail address and no representative "
                    "with an account. Record its e-mail address first."
                )
                % {"name": organisation.name}
            )
    return found


@transaction.atomic
def propose(user, *, partnership=None, first=None, second, message=""):
    """Propose an introduction; returns it. For a partnership, the first side is the
    organisation that carries it (`PartnershipProfile.carried_by`). The e-mails go out after
    the commit, from the task queue."""
    municipality, first = _sides(user, partnership, first)
    require(user, "partnerships.propose_introduction", municipality)
    if second is None:
        _refuse(_("Choose the organisation to introduce."), "second")
    if first.pk == second.pk:
        _refuse(_("An organisation cannot be introduced to itself."), "second")
    visible = set(
        Organisation.objects.visible_to(user)
        .filter(pk__in=[first.pk, second.pk])
        .values_list("pk", flat=True)
    )
    if second.pk not in visible:
        # Not named: the user may not see it, so the message must not reveal it either.
        _refuse(_("You may not propose an introduction to this organisation."), "second")
    if first.pk not in visible:
        _refuse(_("You may not propose an introduction for this organisation."), "first")
    # Both rows locked, in the order of their ids: two proposals of one pair (in either
    # order) wait for each other, and the second sees the first.
    list(
        Organisation.objects.select_for_update()
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _check_pair(first, second)
    recipients = _check_reachable([first, second])
    message = (message or "").strip()
    suggestion = explain(partnership, first, second)
    if suggestion is None and not message:
        _refuse(
            _(
                "Nothing in the registry links these two organisations yet. Say in your message "
                "why you introduce them: the e-mails quote it."
            ),
            "message",
        )
    introduction = Introduction(
        municipality=municipality,
        partnership=partnership,
        first=first,
        second=second,
        score=suggestion.score if suggestion else 0,
        reasons=suggestion.as_json() if suggestion else {"de": [], "en": []},
        message=message,
        proposed_by=user,
    )
    subjects = [first, second, municipality, partnership]
    try:
        with (
            transaction.atomic(),
            audit.changes(user, introduction, INTRODUCTION_FIELDS, subjects=subjects),
        ):
            introduction.save()
    except IntegrityError:
        # The database's guard (one live introduction per pair) caught what the check above
        # could not see yet.
        _refuse(_("These two organisations have an introduction already."))
    now = timezone.now()
    expires_at = now + timedelta(days=answer_days())
    IntroductionAnswer.objects.bulk_create(
        IntroductionAnswer(
            introduction=introduction,
            organisation=organisation,
            email=recipients[organisation.pk].email,
            language=recipients[organisation.pk].language,
            # Stands until the e-mail is sent: a hash of a token nobody ever holds.
            token_hash=hash_token(new_token()),
            expires_at=expires_at,
        )
        for organisation in (first, second)
    )
    introduction_id = introduction.pk
    transaction.on_commit(lambda: send_introduction_emails.enqueue(introduction_id))
    return introduction


# The e-mails


def issue_link(answer):
    """A new token for `answer` (the one before stops working); returns the raw token, which
    goes into the e-mail and nowhere else."""
    token = new_token()
    answer.token_hash = hash_token(token)
    answer.save(update_fields=["token_hash"])
    return token


@task()
def send_introduction_emails(introduction_id):
    """Send each side that has not answered its e-mail with a fresh link. Returns how many
    were sent."""
    from .emails import introduction_message

    with transaction.atomic():
        introduction = (
            Introduction.objects.select_for_update(of=("self",))
            .select_related("first", "second", "partnership__country", "municipality")
            .filter(pk=introduction_id, status=IntroductionStatus.PROPOSED)
            .first()
        )
        if introduction is None:
            return 0
        messages = [
            introduction_message(introduction, answer, issue_link(answer))
            for answer in introduction.answers.filter(answer="").exclude(email="")
        ]
    # Sent after the new links are committed. Should sending fail, the task fails with NotSent
    # and staff see the introduction waiting; running it again issues fresh links.
    return send_each(messages, f"introduction {introduction_id}")


def _send_after_commit(kind, introduction_id, answer_id=None):
    transaction.on_commit(
        lambda: send_introduction_notice.enqueue(kind, introduction_id, answer_id)
    )


@task()
def send_introduction_notice(kind, introduction_id, answer_id=None):
    """The short e-mails after an answer: "accepted" to both sides, "declined" to the side
    that did not decline. Returns how many were sent."""
    from .emails import notice_messages

    introduction = (
        Introduction.objects.select_related("first", "second", "partnership", "municipality")
        .filter(pk=introduction_id)
        .first()
    )
    if introduction is None:
        return 0
    try:
        return send_each(notice_messages(kind, introduction, answer_id), f"introduction {kind}")
    except NotSent:
        # The answer stands; the staff list shows it. A lost notice is not worth a retry that
        # might send the others twice.
        logger.warning("Introduction %s: a %s notice was not sent", introduction_id, kind)
        return 0


# Answering


def _invalid_link():
    return AnswerRefused(
        _(
            "This link is not valid. Please use the link exactly as it came in our e-mail. "
            "If the introduction was proposed again, only the newest e-mail's link works."
        ),
        code="invalid",
    )


def answer_for_token(token):
    """The answer a link is for (with its introduction and both organisations); AnswerRefused
    when the link is made up or altered. Reads only: the page shows the proposal with it."""
    token = token if isinstance(token, str) else ""
    if not token or len(token) > TOKEN_MAX_LENGTH or "\x00" in token:
        raise _invalid_link()
    found = (
        IntroductionAnswer.objects.select_related(
            "organisation",
            "introduction__first",
            "introduction__second",
            "introduction__partnership__country",
            "introduction__municipality",
        )
        .filter(token_hash=hash_token(token))
        .first()
    )
    if found is None:
        raise _invalid_link()
    return found


def why_closed(answer, now=None):
    """Why the link cannot answer any more (a text), or None while it can."""
    introduction = answer.introduction
    if answer.answer:
        if answer.answer == Answer.ACCEPTED:
            return _("You have answered already: you accepted this introduction.")
        return _("You have answered already: you declined this introduction.")
    if introduction.status == IntroductionStatus.WITHDRAWN:
        return _("This introduction was withdrawn; there is nothing to answer any more.")
    if introduction.status == IntroductionStatus.DECLINED:
        return _("The other organisation declined this introduction; it is closed.")
    if introduction.status != IntroductionStatus.PROPOSED or answer.expires_at <= (
        now or timezone.now()
    ):
        return _(
            "This link has expired: an introduction waits for its answers for %(days)s days. "
            "If you are still interested, please write to the program office."
        ) % {"days": answer_days()}
    return None


def answer(token, accept, now=None):
    """Answer for the link's side; returns the answer. Refused (AnswerRefused, nothing
    changes) for a made-up, altered, expired or used link, or a closed introduction."""
    now = now or timezone.now()
    found = answer_for_token(token)
    with transaction.atomic():
        # The introduction first, then the answer: two sides answering at once, a withdrawal
        # and the expiry wait for each other in one order.
        introduction = Introduction.objects.select_for_update().get(pk=found.introduction_id)
        mine = IntroductionAnswer.objects.select_for_update().get(pk=found.pk)
        if mine.token_hash != found.token_hash:
            # Sent again meanwhile: only the newest e-mail's link answers.
            raise _invalid_link()
        mine.introduction = introduction
        closed = why_closed(mine, now)
        if closed is not None:
            raise AnswerRefused(closed, code="closed")
        with audit.changes(
            None, mine, ["answer", "answered_at"], subjects=[introduction, mine.organisation]
        ):
            mine.answer = Answer.ACCEPTED if accept else Answer.DECLINED
            mine.answered_at = now
            mine.save(update_fields=["answer", "answered_at"])
        if not accept:
            _decide(introduction, IntroductionStatus.DECLINED, now)
            _send_after_commit("declined", introduction.pk, mine.pk)
        elif not introduction.answers.exclude(answer=Answer.ACCEPTED).exists():
            _decide(introduction, IntroductionStatus.ACCEPTED, now)
            _send_after_commit("accepted", introduction.pk)
    return mine


def _decide(introduction, status, now):
    with audit.changes(
        None,
        introduction,
        INTRODUCTION_FIELDS,
        subjects=[introduction.first, introduction.second, introduction.municipality],
    ):
        introduction.status = status
        introduction.decided_at = now
        if status == IntroductionStatus.ACCEPTED:
            introduction.tie = _record_tie(introduction, timezone.localdate(now))
        introduction.save()


def _tie_note(introduction):
    with translation.override(settings.LANGUAGE_CODE):
        if introduction.partnership_id:
            return _("Introduced through Brücken (partnership %(partnership)s).") % {
                "partnership": introduction.partnership
            }
        return _("Introduced through Brücken.")


def _record_tie(introduction, day):
    """The dated tie of kind "introduction", through the actors' service in the proposer's
    name (it checks and audits like any tie). Where the proposer can no longer record ties (the
    role ended), the answers still decide: the tie is recorded and audited here, unattributed."""
    values = {
        "target": introduction.second,
        "kind": TieKind.INTRODUCTION,
        "started_on": day,
        "note": _tie_note(introduction),
    }
    proposer = introduction.proposed_by
    if proposer is not None:
        try:
            return actor_services.add_tie(proposer, introduction.first, values)
        except PermissionDenied:
            pass
        except ValidationError:
            # The same tie recorded by hand meanwhile: that one is the introduction's.
            existing = _existing_tie(introduction, day)
            if existing is not None:
                return existing
            raise
    existing = _existing_tie(introduction, day)
    if existing is not None:
        return existing
    tie = Tie(source=introduction.first, recorded_by=proposer, **values)
    with audit.changes(
        None, tie, actor_services.TIE_FIELDS, subjects=[introduction.first, introduction.second]
    ):
        tie.full_clean()
        tie.save()
    return tie


def _existing_tie(introduction, day):
    return (
        Tie.objects.filter(
            Q(source=introduction.first, target=introduction.second)
            | Q(source=introduction.second, target=introduction.first),
            kind=TieKind.INTRODUCTION,
            introduction__isnull=True,
        )
        .current(on=day)
        .first()
    )


# Staff


@transaction.atomic
def withdraw(user, introduction):
    """Withdraw an introduction that still waits for answers; its links stop working."""
    require(user, "partnerships.manage_introduction", introduction)
    locked = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if locked.status != IntroductionStatus.PROPOSED:
        _refuse(_("Only an introduction that waits for its answers can be withdrawn."))
    with audit.changes(
        user,
        locked,
        INTRODUCTION_FIELDS,
        subjects=[locked.first, locked.second, locked.municipality],
    ):
        locked.status = IntroductionStatus.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save()
    return locked


@transaction.atomic
def send_again(user, introduction):
    """Send the sides that have not answered a new e-mail with a fresh link, valid for
    INTRODUCTION_ANSWER_DAYS from now (their earlier links stop working): when an e-mail was
    lost or the address corrected."""
    require(user, "partnerships.manage_introduction", introduction)
    locked = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if locked.status != IntroductionStatus.PROPOSED:
        _refuse(_("Only an introduction that waits for its answers can be sent again."))
    waiting = locked.answers.filter(answer="")
    for answer_ in waiting.select_related("organisation"):
        found = recipient(answer_.organisation)
        if found is not None:
            answer_.email, answer_.language = found.email, found.language
        answer_.expires_at = timezone.now() + timedelta(days=answer_days())
        answer_.save(update_fields=["email", "language", "expires_at"])
    audit.record(
        user,
        AuditEntry.Action.UPDATE,
        locked,
        {"links": ["", "sent again"]},
        subjects=[locked.first, locked.second, locked.municipality],
    )
    introduction_id = locked.pk
    transaction.on_commit(lambda: send_introduction_emails.enqueue(introduction_id))
    return locked


def expire_introductions(now=None):
    """Housekeeping: open introductions whose unanswered links have all expired are expired
    (they may be proposed again). Idempotent; returns how many."""
    now = now or timezone.now()
    waiting = IntroductionAnswer.objects.filter(answer="", expires_at__gt=now)
    candidates = list(
        Introduction.objects.filter(status=IntroductionStatus.PROPOSED)
        .exclude(pk__in=waiting.values("introduction_id"))
        .values_list("pk", flat=True)
    )
    expired = 0
    for pk in candidates:
        with transaction.atomic():
            introduction = (
                Introduction.objects.select_for_update()
                .filter(pk=pk, status=IntroductionStatus.PROPOSED)
                .first()
            )
            # Claimed in the database: another worker, or an answer just given, got there first.
            if (
                introduction is None
                or IntroductionAnswer.objects.filter(
                    introduction=introduction, answer="", expires_at__gt=now
                ).exists()
            ):
                continue
            with audit.changes(
                None,
                introduction,
                INTRODUCTION_FIELDS,
                subjects=[introduction.first, introduction.second, introduction.municipality],
                action=AuditEntry.Action.UPDATE,
            ):
                introduction.status = IntroductionStatus.EXPIRED
                introduction.decided_at = now
                introduction.save(update_fields=["status", "decided_at"])
            expired += 1
    return expired
