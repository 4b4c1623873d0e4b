"""Invitations: the organisers invite people from the registry (or by address), the invitees
answer through their personal link (`tokens`)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.accounts import audit
from bruecken.actors.models import Person
from bruecken.actors.services import create_person
from bruecken.permissions import require

from .. import notifications
from ..exceptions import Refused
from ..models import Invitation, Registration
from ..tokens import invitation_for_token
from .places import check_circle, check_open, lock_event, take_place

Source = Registration.Source


def invite(user, event, people):
    """Invite people; those already invited are left as they are. Returns the new invitations."""
    require(user, "events.manage_event", event)
    created = []
    with transaction.atomic():
        event = lock_event(event)
        if event.is_cancelled:
            raise Refused(_("This event has been cancelled."), code="cancelled")
        for person in people:
            require(user, "actors.view_person", person)
            if not person.email:
                raise Refused(
                    _("%(name)s has no e-mail address to send the invitation to.")
                    % {"name": person.name},
                    code="no_email",
                )
            if Invitation.objects.filter(event=event, person=person).exists():
                continue
            try:
                # An invitation that could not be accepted is not sent.
                check_circle(event, person)
            except Refused as refusal:
                raise Refused(
                    _("%(name)s: %(reason)s") % {"name": person.name, "reason": refusal.message},
                    code=refusal.code,
                ) from None
            invitation = Invitation(event=event, person=person, invited_by=user)
            with audit.changes(user, invitation, ["person"], subjects=[event, person]):
                invitation.save()
            notifications.invitation_sent(invitation)
            created.append(invitation)
    return created


def invite_by_email(user, event, values):
    """Invite someone who is not in the registry yet: they are added as a person in the event's
    municipality first. Someone the user can see with that address is invited instead."""
    require(user, "events.manage_event", event)
    email = (values.get("email") or "").strip().lower()
    with transaction.atomic():
        event = lock_event(event)
        if event.is_cancelled:
            raise Refused(_("This event has been cancelled."), code="cancelled")
        person = Person.objects.visible_to(user).filter(email__iexact=email).order_by("pk").first()
        if person is None:
            person = create_person(
                user,
                {
                    "name": values.get("name", ""),
                    "email": email,
                    "language": values.get("language") or "de",
                    "municipality": event.municipality,
                },
            )
        invite(user, event, [person])
    return person


def check_answerable(invitation, now=None):
    """Refuse when the invitation can no longer be answered: it was answered already, or the
    event is cancelled, closed for registration or under way. A refusal (declining) counts as
    an answer too, so nothing changes then either."""
    if invitation.status != Invitation.Status.PENDING:
        raise Refused(_("This invitation has already been answered."), code="used")
    check_open(invitation.event, Source.INVITATION, now or timezone.now())


def answer_invitation(token, email, accept, now=None):
    """The invitee answers through their link. The link works once, and only for the address
    it was sent to: a forwarded link cannot give someone else the place."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_answerable(invitation, now)
        if (email or "").strip().casefold() != invitation.person.email.casefold():
            raise Refused(
                _("This invitation was sent to another e-mail address."), code="other_person"
            )
        registration = None
        if accept:
            registration = take_place(
                invitation.event, invitation.person, source=Source.INVITATION, now=now
            )
        subjects = [invitation.event, invitation.person]
        with audit.changes(None, invitation, ["status"], subjects=subjects):
            invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
            invitation.answered_at = now
            invitation.save(update_fields=["status", "answered_at"])
    return invitation, registration
