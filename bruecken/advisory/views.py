"""The advisory pages: an organisation's advice ("Beratung"), one advice with its follow-up,
the form to record or change it, and "who was advised on what" with its export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bruecken import spreadsheets
from bruecken.actors.models import Organisation, Topic
from bruecken.permissions import require
from bruecken.web import confirm_first, fill, form_page, german, list_page, staff_area

from . import overview, services
from .forms import AdviceFilterForm, AdviceForm, FollowUpForm
from .models import Advice

ADVICE_PER_PAGE = 25


def _advice(request, pk, permission="advisory.view_advice"):
    advice = get_object_or_404(
        Advice.objects.select_related(
            "organisation__municipality", "event", "advisor", "recorded_by"
        ),
        pk=pk,
    )
    require(request.user, permission, advice)
    return advice


def _organisation(request, pk, permission):
    organisation = get_object_or_404(Organisation.objects.select_related("municipality"), pk=pk)
    require(request.user, permission, organisation)
    return organisation


@staff_area
def organisation_advice(request, pk):
    """The advice an organisation received, as far as the user sees it."""
    organisation = _organisation(request, pk, "advisory.view_organisation_advice")
    advice = (
        Advice.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .select_related("event", "advisor")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("position")))
        .order_by("-given_on", "-pk")
    )
    page = Paginator(advice, ADVICE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "advisory/organisation_advice.html",
        {
            "organisation": organisation,
            "page": page,
            "today": timezone.localdate(),
            "can_record": request.user.has_perm("advisory.record_advice", organisation),
        },
    )


@staff_area
def advice_detail(request, pk):
    advice = _advice(request, pk)
    return render(
        request,
        "advisory/advice_detail.html",
        {
            "advice": advice,
            "topics": advice.topics.order_by("position"),
            "today": timezone.localdate(),
            "can_change": request.user.has_perm("advisory.change_advice", advice),
            "can_follow_up": request.user.has_perm("advisory.follow_up_advice", advice),
            "can_see_organisation": request.user.has_perm(
                "advisory.view_organisation_advice", advice.organisation
            ),
        },
    )


@staff_area
def advice_create(request, pk=None):
    """Record advice: for the organisation in the path, or one chosen on the form."""
    organisation = None
    if pk is not None:
        organisation = _organisation(request, pk, "advisory.record_advice")
    else:
        require(request.user, "advisory.add_advice")
    form = AdviceForm(request.POST or None, user=request.user, organisation=organisation)

    def save(data):
        return services.record_advice(request.user, organisation or data["organisation"], data)

    return form_page(
        request,
        form,
        "advisory/advice_form.html",
        {"organisation": organisation, "advice": None},
        save,
        success=_("The advice is recorded."),
    )


@staff_area
def advice_edit(request, pk):
    advice = _advice(request, pk, "advisory.change_advice")
    form = AdviceForm(request.POST or None, user=request.user, instance=advice)
    return form_page(
        request,
        form,
        "advisory/advice_form.html",
        {"organisation": advice.organisation, "advice": advice},
        lambda data: services.update_advice(request.user, Advice.objects.get(pk=advice.pk), data),
    )


@staff_area
@require_POST
def advice_follow_up(request, pk):
    """Mark the follow-up done, or open it again."""
    advice = _advice(request, pk, "advisory.follow_up_advice")
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.set_follow_up_done(request.user, advice, form.cleaned_data["done"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("The follow-up is marked done.")
                if form.cleaned_data["done"]
                else _("The follow-up is open again."),
            )
    return redirect(advice)


@staff_area
@require_http_methods(["GET", "POST"])
def advice_delete(request, pk):
    advice = _advice(request, pk, "advisory.delete_advice")
    back_url = advice.get_absolute_url()
    organisation = advice.organisation

    def act():
        services.delete_advice(request.user, advice)
        messages.success(request, _("The advice is deleted."))
        if request.user.has_perm("advisory.view_organisation_advice", organisation):
            return redirect("advisory:organisation", organisation.pk)
        return redirect("advisory:overview")

    return confirm_first(
        request,
        act,
        question=fill(
            _("Delete the advice to %(organisation)s on “%(topic)s”?"),
            organisation=organisation.name,
            topic=german(advice.topic),
        ),
        consequence=_("The advice and its agreed next steps are removed. This cannot be undone."),
        confirm=_("Delete advice"),
        back_url=back_url,
    )


def _filter_form(request):
    return AdviceFilterForm(request.GET, user=request.user)


@staff_area
@require_GET
def advice_overview(request):
    """Who was advised on what."""
    require(request.user, "advisory.view_overview")
    today = timezone.localdate()
    return list_page(
        request,
        _filter_form(request),
        lambda data: overview.advice_list(request.user, data, today),
        "advisory/overview.html",
        "advisory/includes/overview_results.html",
        {
            "today": today,
            "can_add": request.user.has_perm("advisory.add_advice"),
            "can_export": request.user.has_perm("advisory.export_advice"),
        },
    )


@staff_area
@require_GET
def advice_export(request):
    require(request.user, "advisory.export_advice")
    form = _filter_form(request)
    form.is_valid()
    # As on the page: filters that do not validate are ignored, the rest apply.
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    return spreadsheets.download(request, overview.export_rows(request.user, data), _("advice"))
