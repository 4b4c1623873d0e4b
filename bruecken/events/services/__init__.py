"""Every change to events, registrations and invitations, split by area:

- `places`: capacity, admission, the waiting list and its offers (`take_place` decides every
  place), and the housekeeping step that settles offers;
- `invitations`: inviting people and their answers;
- `staff`: the organisers' editing of events, participants, agenda, documents, attendance and
  minutes, and the workshops of a new local process;
- `public`: registration without an account, through a signed confirmation link;
- `signups`: sign-ups for the program's seminars and exchange workshops;
- `reminders`: the reminders the housekeeping sends.

The signed personal links live in `bruecken.events.tokens`, `Refused` in
`bruecken.events.exceptions` (below the e-mails, which use them). Callers use
`from bruecken.events import services` and `services.<function>`."""

from ..exceptions import Refused
from ..tokens import (
    check_owner,
    invitation_for_token,
    invitation_token,
    registration_for_token,
    registration_token,
)
from .invitations import answer_invitation, check_answerable, invite, invite_by_email
from .places import (
    accept_offer,
    add_participant,
    admissible,
    cancel,
    events_with_offers_to_settle,
    expire_offers,
    initiative_circle,
    offer_validity,
    settle_offers,
    take_place,
    waiting_position,
)
from .public import (
    PublicRegistration,
    RegistrationRequest,
    delete_past_retention,
    expired_link_event,
    forget_public_registration,
    offers_public_registration,
    public_registration_request,
    public_registration_state,
    public_registration_token,
    public_registration_validity,
    register_from_link,
)
from .reminders import event_reminder_lead, send_event_reminders, send_reminders
from .signups import nominable_people, sign_up
from .staff import (
    add_agenda_item,
    add_document,
    add_participants,
    cancel_event,
    cancel_registration,
    create_process_workshops,
    create_program_event,
    delete_agenda_item,
    delete_document,
    mark_attendance,
    update_agenda_item,
    update_event,
    update_minutes,
)

__all__ = [
    "PublicRegistration",
    "Refused",
    "RegistrationRequest",
    "accept_offer",
    "add_agenda_item",
    "add_document",
    "add_participant",
    "add_participants",
    "admissible",
    "answer_invitation",
    "cancel",
    "cancel_event",
    "cancel_registration",
    "check_answerable",
    "check_owner",
    "create_process_workshops",
    "create_program_event",
    "delete_agenda_item",
    "delete_document",
    "delete_past_retention",
    "event_reminder_lead",
    "events_with_offers_to_settle",
    "expire_offers",
    "expired_link_event",
    "forget_public_registration",
    "initiative_circle",
    "invitation_for_token",
    "invitation_token",
    "invite",
    "invite_by_email",
    "mark_attendance",
    "nominable_people",
    "offer_validity",
    "offers_public_registration",
    "public_registration_request",
    "public_registration_state",
    "public_registration_token",
    "public_registration_validity",
    "register_from_link",
    "registration_for_token",
    "registration_token",
    "send_event_reminders",
    "send_reminders",
    "settle_offers",
    "sign_up",
    "take_place",
    "update_agenda_item",
    "update_event",
    "update_minutes",
    "waiting_position",
]
