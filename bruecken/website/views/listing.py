"""The public form by which an organisation asks to be listed (`actors.listing`): no account
needed, rate-limited per address like the contact form, with a honeypot. Not cached: the page
carries its visitor's CSRF token."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from bruecken import ratelimit
from bruecken.actors import listing
from bruecken.actors.listing_forms import ListingRequestForm, is_spam
from bruecken.web import apply_form_error


def _render_form(request, form, status=200, limited=False):
    return render(
        request,
        "website/listing_request.html",
        {"form": form, "limited": limited},
        status=status,
    )


def _sent(request):
    return render(request, "website/listing_request_sent.html")


@require_http_methods(["GET", "HEAD", "POST"])
def listing_request(request):
    if request.method != "POST":
        return _render_form(request, ListingRequestForm())
    form = ListingRequestForm(request.POST)
    if is_spam(request.POST):
        # Looks like success; nothing is stored or sent.
        return _sent(request)
    if not form.is_valid():
        return _render_form(request, form)
    # Counted like the contact form's messages: each request that would be stored.
    if not ratelimit.allow("listing", request):
        return _render_form(request, form, status=429, limited=True)
    try:
        listing.submit(form.cleaned_data, get_language())
    except ValidationError as error:
        apply_form_error(form, error)
        return _render_form(request, form)
    return _sent(request)
