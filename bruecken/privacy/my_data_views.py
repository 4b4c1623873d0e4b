""" "Meine Daten": every signed-in person sees what Brücken holds about them (collected through
bruecken/personal_data.py), downloads it, corrects their own details and gives or withdraws
their consents. Every view acts on the signed-in user's own data only; no id of a person is
taken from the request."""

from datetime import date, datetime

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bruecken import personal_data
from bruecken.actors import services as actor_services
from bruecken.actors.models import Person
from bruecken.actors.personal_data import CONSENTS, consent_given
from bruecken.web import form_page

from . import consents, exports
from .my_data_forms import OwnDetailsForm

# Rows shown per kind on the page; the export holds them all.
PAGE_ROWS = 50
# The order of the page: the person's record and consents first, the logs last.
ORDER = [
    "person",
    "consents",
    "memberships",
    "registrations",
    "attendance",
    "invitations",
    "agenda_items",
    "account",
    "roles",
    "account_invitations",
    "messages",
    "api_tokens",
    "consent_history",
    "audit_about",
    "audit_by",
]
SINGLE = {"person", "account"}
CONSENT_HELP = {
    "directory": gettext_lazy(
        "Your name appears in the public directory, in the API and in the open data. "
        "Without this consent nothing about you is public."
    ),
    "membership": gettext_lazy(
        "The public profiles of your organisations list you as a member (only together with "
        "the consent to publication in the directory)."
    ),
    "emails": gettext_lazy(
        "Reminders before events and before the deadline of an invitation. Confirmations and "
        "changes of what you signed up to are always sent."
    ),
}


def own_person(user):
    return Person.objects.filter(user=user).first()


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_name(model, name):
    """A changed field's name as its label, where the model still has it."""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return name


def _cell(value, model=None):
    """A value of a section's row as text for the page; `model`: whose fields a dict of
    changes names."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, dict):
        return "; ".join(
            f"{_field_name(model, name)}: {_change(change)}" for name, change in value.items()
        )
    return str(value)


def _change(change):
    if isinstance(change, list | tuple) and len(change) == 2:
        old, new = change
        return f"{'–' if old in (None, '') else old} → {'–' if new in (None, '') else new}"
    return str(change)


def _row(section, row):
    # Audit rows name the model they are about; the consent history is about the person.
    model = Person if section.kind == "consent_history" else _model(row.get("object_type", ""))
    cells = []
    for key, label in section.columns.items():
        value = row.get(key)
        if key == "object_type" and model is not None:
            value = str(model._meta.verbose_name)
        cells.append((label, _cell(value, model)))
    return cells


def _table(section):
    return {
        "kind": section.kind,
        "title": section.title,
        "columns": list(section.columns.values()),
        # Each cell with its column's name, for the narrow screen's labels.
        "rows": [_row(section, row) for row in section.rows],
        "more": (section.total or 0) - len(section.rows),
        # One record (the person's, the account): shown as a list of its fields.
        "single": section.kind in SINGLE,
    }


def held_sections(person, user):
    """What the page shows of each kind held about the person (also the guest page's view)."""
    with personal_data.preview(PAGE_ROWS):
        found = personal_data.collect(person, user)
    rank = {kind: position for position, kind in enumerate(ORDER)}
    found.sort(key=lambda section: rank.get(section.kind, len(ORDER)))
    return [_table(section) for section in found]


def _consents(person):
    if person is None:
        return []
    return [
        {
            "kind": kind,
            "label": label,
            "given": consent_given(person, kind),
            "help": CONSENT_HELP[kind],
        }
        for kind, _field, label in CONSENTS
    ]


def _export_context(user):
    export = exports.latest(user=user)
    expired = export is not None and (
        export.status == export.Status.READY
        and (export.expires_at is None or export.expires_at <= timezone.now())
    )
    if expired:
        export = None
    return {"export": export}


@login_required
def my_data(request):
    person = own_person(request.user)
    context = {
        "person": person,
        "sections": held_sections(person, request.user),
        "consents": _consents(person),
        **_export_context(request.user),
    }
    return render(request, "privacy/my_data.html", context)


@login_required
def export_status(request):
    """The export's state alone, which the page asks for again while it is being prepared."""
    return render(request, "privacy/my_data_export.html", _export_context(request.user))


@login_required
@require_POST
def request_export(request):
    try:
        exports.request_export(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("Your export is being prepared. It will be ready here in a moment.")
        )
    return redirect("privacy:my_data")


@login_required
def download(request, pk):
    return exports.download_response(pk, user=request.user)


@login_required
def details(request):
    person = own_person(request.user)
    if person is None:
        raise Http404
    form = OwnDetailsForm(request.POST or None, instance=person, user=request.user)

    def save(values):
        return actor_services.update_person(request.user, person, values)

    return form_page(
        request,
        form,
        "privacy/my_data_details.html",
        {"person": person},
        save,
        success=_("Your details have been saved."),
        success_url="privacy:my_data",
    )


@login_required
@require_POST
def consent(request, kind):
    person = own_person(request.user)
    if person is None or kind not in consents.KINDS:
        raise Http404
    given = request.POST.get("given") == "yes"
    consents.set_consent(person, kind, given, by_user=request.user)
    if given:
        messages.success(
            request,
            _("Your consent has been recorded: %(consent)s.") % {"consent": consents.LABELS[kind]},
        )
    else:
        messages.success(
            request,
            _("Your consent has been withdrawn: %(consent)s.") % {"consent": consents.LABELS[kind]},
        )
    return redirect("privacy:my_data")
