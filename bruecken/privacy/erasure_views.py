"""Erasure pages: a person deletes their own account and data (from "Meine Daten"); the
program office records an erasure request for someone, carries it out, and reads the privacy
ledger. Views stay thin: the rules and the work are in erasure.py, ledger.py and rules.py."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bruecken.actors.models import Person
from bruecken.permissions import require
from bruecken.web import apply_form_error, confirm_first, form_page, staff_area

from . import erasure, ledger
from .erasure_forms import DeleteAccountForm, ErasureRequestForm
from .models import ErasureRequest

LEDGER_PAGE_SIZE = 50
REQUESTS_PAGE_SIZE = 20


@login_required
def delete_account(request):
    """The signed-in person deletes their own account and data, after re-entering their
    password: told first what goes, what stays pseudonymised, and what happens to an
    organisation they alone represent."""
    user = request.user
    require(user, "privacy.delete_own_account")
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.delete_own_account(user)
        except ValidationError as error:
            apply_form_error(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account and your data have been deleted."))
            return redirect("/")
    context = {
        "form": form,
        "orphaned": erasure.sole_represented(user),
        "last_office": erasure.is_last_program_office(user),
        "has_record": Person.objects.filter(user=user).exists(),
    }
    return render(request, "privacy/delete_account.html", context)


@staff_area
def record_request(request, person_pk):
    require(request.user, "privacy.record_erasure_request")
    person = get_object_or_404(Person, pk=person_pk)
    pending = ErasureRequest.objects.pending().filter(person=person).first()
    if pending is not None:
        return redirect(pending)
    return form_page(
        request,
        ErasureRequestForm(request.POST or None),
        "privacy/erasure_request_form.html",
        {"person": person},
        lambda data: erasure.record_request(person, by_user=request.user, note=data["note"]),
        success=_("The erasure request is recorded; it is due within one month."),
    )


def _erasure_request(request, pk):
    require(request.user, "privacy.view_erasure_requests")
    return get_object_or_404(ErasureRequest.objects.select_related("person", "recorded_by"), pk=pk)


def _labelled(entry):
    entry.kind_label = ledger.kind_label(entry.kind)
    return entry


@staff_area
def erasure_request(request, pk):
    erasure_request = _erasure_request(request, pk)
    context = {
        "erasure_request": erasure_request,
        "overdue": erasure_request.is_overdue(),
        "entries": [
            _labelled(entry) for entry in ledger.removals().filter(erasure_request=erasure_request)
        ],
        "orphaned": erasure.sole_represented(
            erasure_request.person.user if erasure_request.person else None
        )
        if erasure_request.is_pending
        else [],
    }
    return render(request, "privacy/erasure_request.html", context)


@staff_area
def carry_out(request, pk):
    erasure_request = _erasure_request(request, pk)
    if not erasure_request.is_pending or erasure_request.person is None:
        messages.info(request, _("This request has been dealt with already."))
        return redirect(erasure_request)
    person = erasure_request.person
    require(request.user, "privacy.erase_person", person)

    def act():
        try:
            erasure.erase_person(person, by_user=request.user, request=erasure_request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The person's data has been erased."))
        return redirect(erasure_request)

    return confirm_first(
        request,
        act,
        question=_("Erase this person's data?"),
        consequence=_(
            "Their name, contact details, competences, languages and countries are removed; "
            "registrations, attendance and the audit log keep a pseudonym, so that counts stay "
            "right. A user account is closed. This cannot be undone."
        ),
        confirm=_("Erase now"),
        back_url=erasure_request.get_absolute_url(),
    )


@staff_area
def ledger_page(request):
    require(request.user, "privacy.view_ledger")
    today = timezone.localdate()
    pending = ErasureRequest.objects.pending().select_related("person").order_by("due_on", "pk")
    completed = ErasureRequest.objects.exclude(status=ErasureRequest.Status.PENDING).order_by(
        "-completed_at", "-pk"
    )
    context = {
        "held": ledger.held_by_age(),
        "bands": [label for _key, label, *_rest in ledger.AGE_BANDS],
        "pending": Paginator(pending, REQUESTS_PAGE_SIZE).get_page(request.GET.get("pending")),
        "completed": Paginator(completed, REQUESTS_PAGE_SIZE).get_page(request.GET.get("done")),
        "page": Paginator(ledger.removals(), LEDGER_PAGE_SIZE).get_page(request.GET.get("page")),
        "today": today,
    }
    for entry in context["page"].object_list:
        _labelled(entry)
    return render(request, "privacy/ledger.html", context)
