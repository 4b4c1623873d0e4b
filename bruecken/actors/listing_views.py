"""The review queue of listing requests (`actors.listing`): coordinators see their
municipalities' requests, the program office all of them; each with the registry's duplicate
check, accepted or declined with a reason."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bruecken.permissions import require
from bruecken.web import apply_form_error, staff_area

from . import listing
from .listing_forms import DeclineForm
from .models import ListingRequest, Organisation


def _queue(user):
    return ListingRequest.objects.visible_to(user).with_duplicates().select_related("municipality")


@staff_area
def queue(request):
    require(request.user, "actors.review_listing_requests")
    decided = request.GET.get("status") == "decided"
    requests = _queue(request.user)
    if decided:
        requests = requests.exclude(status=ListingRequest.Status.PENDING)
    else:
        requests = requests.pending().order_by("submitted_at", "pk")
    page = Paginator(requests, settings.ACTOR_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "actors/listing/queue.html", {"page": page, "decided": decided})


def _listing_request(request, pk):
    listing_request = get_object_or_404(_queue(request.user), pk=pk)
    require(request.user, "actors.review_listing_request", listing_request)
    return listing_request


def _detail(request, listing_request, decline_form=None, refusal=None):
    existing = None
    if listing_request.existing_id:
        existing = Organisation.objects.select_related("municipality").get(
            pk=listing_request.existing_id
        )
    context = {
        "request_": listing_request,
        "existing": existing,
        "decline_form": decline_form or DeclineForm(),
        "refusal": refusal.messages if refusal is not None else [],
    }
    return render(request, "actors/listing/detail.html", context)


@staff_area
def detail(request, pk):
    return _detail(request, _listing_request(request, pk))


@staff_area
@require_POST
def accept(request, pk):
    listing_request = _listing_request(request, pk)
    try:
        listing.accept(request.user, listing_request)
    except ValidationError as error:
        return _detail(request, listing_request, refusal=error)
    messages.success(request, _("The organisation is listed; the requester is told by e-mail."))
    return redirect(listing_request)


@staff_area
@require_POST
def decline(request, pk):
    listing_request = _listing_request(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            listing.decline(request.user, listing_request, form.cleaned_data["reason"])
        except ValidationError as error:
            apply_form_error(form, error)
        else:
            messages.success(request, _("The request is declined; the requester is told why."))
            return redirect(listing_request)
    return _detail(request, listing_request, form)
