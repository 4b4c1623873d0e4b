"""The pages people without an account reach from the personal link in our e-mails
(`guest.py`): their data, its download, its erasure, and unsubscribing from the e-mails they
need not get. The link is the key: nothing else is asked, and every page works for the link's
person only. Never cached, never indexed."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bruecken.web import confirm_first

from . import exports, guest
from .consents import set_consent
from .models import DataExport
from .my_data_views import held_sections


def _invalid(request, refusal):
    status = 410 if refusal.code == "expired" else 404
    return render(
        request, "privacy/guest/invalid.html", {"message": refusal.message}, status=status
    )


def with_link_person(view):
    """Run `view(request, token, person)` for a valid link; a clear page otherwise."""

    @wraps(view)
    def wrapped(request, token, *args, **kwargs):
        try:
            person = guest.person_for_token(token)
        except guest.InvalidLink as refusal:
            response = _invalid(request, refusal)
        else:
            response = view(request, token, person, *args, **kwargs)
        # Personal: not for shared caches, not for search engines.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    return never_cache(wrapped)


@require_GET
@with_link_person
def overview(request, token, person):
    export = exports.latest(person=person)
    context = {
        "person": person,
        "token": token,
        # The same tables as "Meine Daten" shows an account holder.
        "sections": held_sections(person, None),
        "export": export,
        "export_ready": export is not None
        and DataExport.objects.filter(pk=export.pk).available().exists(),
    }
    return render(request, "privacy/guest/overview.html", context)


@require_POST
@with_link_person
def export(request, token, person):
    """Queue a download of the data; the page shows it once it is ready."""
    try:
        exports.request_export(person=person)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("Your download is being prepared."))
    return redirect(reverse("privacy:guest", args=[token]) + "#export")


@require_GET
@with_link_person
def download(request, token, person, pk):
    return exports.download_response(pk, person=person)


@require_http_methods(["GET", "POST"])
@with_link_person
def delete(request, token, person):
    """Erase the person's data, after a confirmation step."""

    def act():
        from .erasure import erase_person

        erase_person(person, by_user=None)
        guest.forget_links(person)
        return render(request, "privacy/guest/deleted.html")

    return confirm_first(
        request,
        act,
        question=_("Delete all data we hold about you?"),
        consequence=_(
            "Your entry in our registry, your registrations and everything else listed on the "
            "previous page are deleted. Where a number must stay (how many took part in a "
            "workshop), a pseudonym takes your place that says nothing about you. This cannot "
            "be undone, and this link stops working."
        ),
        confirm=_("Delete my data"),
        back_url=reverse("privacy:guest", args=[token]),
    )


UNSUBSCRIBE_ACTIONS = {"unsubscribe": False, "subscribe": True}


# Mail programs unsubscribe with one click by a POST of their own (RFC 8058), without our form:
# the link's token is the proof, so the cross-site request check has nothing to add here.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@with_link_person
def unsubscribe(request, token, person):
    done = None
    if request.method == "POST":
        # The one-click POST carries "List-Unsubscribe=One-Click" and no action: unsubscribe.
        action = request.POST.get("action", "unsubscribe")
        if action not in UNSUBSCRIBE_ACTIONS:
            action = "unsubscribe"
        person = set_consent(person, "emails", UNSUBSCRIBE_ACTIONS[action])
        done = action
    context = {"person": person, "token": token, "done": done}
    return render(request, "privacy/guest/unsubscribe.html", context)
