"""The staff pages of a municipality's partnerships abroad (facts, profile, suggestions), the
published matching rule, and the reverse view: the partnerships an organisation could help
carry. Views check the rule and call the service or the matching."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bruecken.actors.models import Organisation
from bruecken.permissions import require
from bruecken.places.models import Municipality, Partnership
from bruecken.programs.rules import partnership_municipality_ids
from bruecken.web import confirm_then, fill, form_page, staff_area

from . import matching, services
from .forms import PartnershipForm
from .models import PartnershipProfile


def _list_url(municipality):
    return reverse("partnerships:partnership_list", args=[municipality.pk])


def _detail_url(partnership):
    return reverse("partnerships:partnership_detail", args=[partnership.pk])


def _partnership(pk):
    return get_object_or_404(Partnership.objects.select_related("municipality", "country"), pk=pk)


PARTNERSHIPS_PER_PAGE = 50


@staff_area
@require_GET
def overview(request):
    """The partnerships of every municipality the user manages, a page at a time."""
    require(request.user, "partnerships.view_partnerships")
    managed = partnership_municipality_ids(request.user)
    partnerships = Partnership.objects.select_related("municipality", "country").order_by(
        "municipality__name", "partner_name", "pk"
    )
    municipalities = Municipality.objects.order_by("name")
    if managed is not None:
        partnerships = partnerships.filter(municipality__in=managed)
        municipalities = municipalities.filter(pk__in=managed)
    page = Paginator(partnerships, PARTNERSHIPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/overview.html",
        # The office manages every municipality: it starts from a municipality's row instead.
        {"page": page, "municipalities": municipalities if managed is not None else []},
    )


@staff_area
def partnership_list(request, pk):
    municipality = get_object_or_404(Municipality, pk=pk)
    require(request.user, "programs.manage_partnerships", municipality)
    partnerships = municipality.partnerships.select_related("country").order_by(
        "since", "partner_name"
    )
    return render(
        request,
        "partnerships/partnership_list.html",
        {"municipality": municipality, "partnerships": partnerships},
    )


@staff_area
def partnership_create(request, pk):
    municipality = get_object_or_404(Municipality, pk=pk)
    require(request.user, "programs.manage_partnerships", municipality)
    form = PartnershipForm(
        request.POST or None, instance=Partnership(municipality=municipality), user=request.user
    )
    return form_page(
        request,
        form,
        "partnerships/partnership_form.html",
        {"municipality": municipality},
        lambda data: services.create_partnership(request.user, municipality, data),
        success_url=_detail_url,
    )


@staff_area
def partnership_edit(request, pk):
    partnership = _partnership(pk)
    require(request.user, "programs.manage_partnerships", partnership.municipality)
    form = PartnershipForm(request.POST or None, instance=partnership, user=request.user)
    return form_page(
        request,
        form,
        "partnerships/partnership_form.html",
        {"municipality": partnership.municipality, "partnership": partnership},
        lambda data: services.update_partnership(request.user, partnership, data),
        success_url=_detail_url,
    )


@staff_area
@require_http_methods(["GET", "POST"])
def partnership_delete(request, pk):
    partnership = _partnership(pk)
    require(request.user, "programs.manage_partnerships", partnership.municipality)
    back_url = _list_url(partnership.municipality)

    return confirm_then(
        request,
        lambda: services.delete_partnership(request.user, partnership),
        done=_("The partnership with %(partner)s is deleted.")
        % {"partner": partnership.partner_name},
        then=back_url,
        question=fill(
            _("Delete the partnership with %(partner)s?"), partner=partnership.partner_name
        ),
        consequence=_(
            "The partnership is removed from the municipality and no longer offered for "
            "matching. This cannot be undone."
        ),
        confirm=_("Delete partnership"),
        back_url=back_url,
    )


@staff_area
@require_GET
def partnership_detail(request, pk):
    """The partnership's facts, its profile and the organisations that could carry it."""
    partnership = _partnership(pk)
    require(request.user, "programs.manage_partnerships", partnership.municipality)
    profile = (
        PartnershipProfile.objects.select_related("carried_by")
        .prefetch_related("topics", "languages", "engagement_forms", "contacts")
        .filter(partnership=partnership)
        .first()
    )
    carried_by = (
        Organisation.objects.shown_to(request.user, [profile.carried_by])
        if profile and profile.carried_by
        else []
    )
    page = Paginator(
        matching.ranking(partnership, request.user), settings.ACTOR_LIST_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "municipality": partnership.municipality,
            "partnership": partnership,
            "profile": profile,
            "carried_by": carried_by[0] if carried_by else None,
            "contacts": list(profile.contacts.all()) if profile else [],
            "page": page,
            "suggests": matching.suggests(partnership),
        },
    )


@staff_area
@require_GET
def organisation_partnerships(request, pk):
    """Partnerships in the organisation's countries ("Partnerschaften in Ihren Ländern"): for
    its representatives and for staff who may see it."""
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user).select_related("municipality"), pk=pk
    )
    if not organisation.is_migrant_organisation:
        raise Http404
    suggestions = matching.suggestions_for_organisation(
        organisation, request.user, limit=settings.ACTOR_LIST_PAGE_SIZE
    )
    return render(
        request,
        "partnerships/organisation_partnerships.html",
        {"organisation": organisation, "suggestions": suggestions},
    )


def rule(request):
    """How suggestions are made: the published rule and its weights (open to everyone)."""
    return render(
        request,
        "partnerships/rule.html",
        {"weights": matching.WEIGHTS},
    )
