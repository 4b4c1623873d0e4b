from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from bruecken.accounts.audit import history
from bruecken.places.models import Country

from . import services
from .filters import filter_organisations, filter_people
from .forms import (
    ConsentForm,
    MembershipForm,
    OrganisationFilterForm,
    OrganisationForm,
    PersonFilterForm,
    PersonForm,
    TieForm,
)
from .history import describe_entries
from .models import Membership, Organisation, Person, Tie
from .scopes import visible_organisations, visible_people

HISTORY_LENGTH = 50


def staff_area(view):
    """Logged in, and holding a role that works with the registry."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("accounts.access_staff_area"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _require(request, permission, obj=None):
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def _apply_form_error(form, error):
    """Show a service's ValidationError on the form it came from."""
    if isinstance(error, services.DuplicateOrganisation):
        form.add_error(
            "name",
            format_html(
                '{} <a href="{}">{}</a>',
                error.messages[0],
                error.existing.get_absolute_url(),
                _("Open the existing organisation"),
            ),
        )
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _list_page(request, filter_form, build_queryset, template, partial):
    """A filtered, paginated list; only the results when htmx asks for them."""
    filter_form.is_valid()
    # Filters that do not validate are ignored (and shown with their error); the rest apply.
    data = {k: v for k, v in filter_form.cleaned_data.items() if k not in filter_form.errors}
    page = Paginator(build_queryset(data), settings.ACTOR_LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"filter_form": filter_form, "page": page}
    # Back/forward after an in-place update asks htmx for the whole page again.
    only_results = request.htmx and not request.htmx.history_restore_request
    response = render(request, partial if only_results else template, context)
    patch_vary_headers(response, ["HX-Request"])
    if only_results:
        # The address bar shows the filters in use, not every empty field of the form.
        query = request.GET.copy()
        for key in [key for key, values in query.lists() if not any(values)]:
            del query[key]
        push_url(response, f"{request.path}?{query.urlencode()}" if query else request.path)
    return response


@staff_area
def organisation_list(request):
    def build_queryset(data):
        return (
            filter_organisations(visible_organisations(request.user), data)
            .select_related("municipality")
            .prefetch_related(Prefetch("countries", queryset=Country.objects.order_by("code")))
        )

    return _list_page(
        request,
        OrganisationFilterForm(request.GET),
        build_queryset,
        "actors/organisation_list.html",
        "actors/includes/organisation_results.html",
    )


def _ties_of(organisation):
    outgoing = Tie.objects.filter(source=organisation).select_related("target__municipality")
    incoming = Tie.objects.filter(target=organisation).select_related("source__municipality")
    rows = [(tie, tie.target) for tie in outgoing] + [(tie, tie.source) for tie in incoming]
    return sorted(rows, key=lambda row: row[1].name_key)


@staff_area
def organisation_detail(request, pk):
    organisation = get_object_or_404(
        Organisation.objects.select_related("municipality", "consent_recorded_by"), pk=pk
    )
    _require(request, "actors.view_organisation", organisation)
    private = request.user.has_perm("actors.view_organisation_private", organisation)
    context = {
        "organisation": organisation,
        "private": private,
        "can_change": request.user.has_perm("actors.change_organisation", organisation),
        "can_delete": request.user.has_perm("actors.delete_organisation", organisation),
    }
    if private:
        context["memberships"] = organisation.memberships.select_related(
            "person__municipality"
        ).order_by("person__name")
        context["ties"] = _ties_of(organisation)
        context["history"] = describe_entries(history(organisation)[:HISTORY_LENGTH])
        context["consent_form"] = ConsentForm()
    return render(request, "actors/organisation_detail.html", context)


def _edit_page(request, form, template, context, save):
    """Validate the form, let the service save, and show the service's refusals on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(obj)
    return render(request, template, {**context, "form": form})


@staff_area
def organisation_create(request):
    _require(request, "actors.add_organisation")
    form = OrganisationForm(request.POST or None, user=request.user)
    return _edit_page(
        request,
        form,
        "actors/organisation_form.html",
        {},
        lambda data: services.create_organisation(request.user, data),
    )


@staff_area
def organisation_edit(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    _require(request, "actors.change_organisation", organisation)
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    return _edit_page(
        request,
        form,
        "actors/organisation_form.html",
        {"organisation": organisation},
        lambda data: services.update_organisation(request.user, organisation, data),
    )


@staff_area
def organisation_delete(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    _require(request, "actors.delete_organisation", organisation)
    if request.method == "POST":
        services.delete_organisation(request.user, organisation)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": organisation.name})
        return redirect("actors:organisation_list")
    return render(request, "actors/confirm_delete.html", {"object": organisation})


def _consent(request, actor, give, withdraw):
    if request.POST.get("action") == "withdraw":
        withdraw(request.user, actor)
        messages.success(request, _("Consent withdrawn: nothing of this entry is public now."))
        return redirect(actor)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            give(
                request.user,
                actor,
                form.cleaned_data["consent_given_by"],
                form.cleaned_data["consent_given_at"],
            )
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            messages.success(request, _("Consent to publish recorded."))
            return redirect(actor)
    return render(request, "actors/consent_form.html", {"form": form, "actor": actor})


@staff_area
@require_POST
def organisation_consent(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    _require(request, "actors.change_organisation", organisation)
    return _consent(
        request,
        organisation,
        services.give_organisation_consent,
        services.withdraw_organisation_consent,
    )


@staff_area
def membership_add(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    _require(request, "actors.change_organisation", organisation)
    form = MembershipForm(request.POST or None, user=request.user)
    return _edit_page(
        request,
        form,
        "actors/membership_form.html",
        {"organisation": organisation},
        lambda data: services.add_membership(request.user, organisation, data).organisation,
    )


@staff_area
def membership_edit(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=pk)
    _require(request, "actors.change_membership", membership)
    if request.method == "POST" and "delete" in request.POST:
        services.delete_membership(request.user, membership)
        messages.success(request, _("Membership removed."))
        return redirect(membership.organisation)
    form = MembershipForm(request.POST or None, instance=membership, user=request.user)
    return _edit_page(
        request,
        form,
        "actors/membership_form.html",
        {"organisation": membership.organisation, "membership": membership},
        lambda data: services.update_membership(request.user, membership, data).organisation,
    )


@staff_area
def tie_add(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    _require(request, "actors.change_organisation", organisation)
    form = TieForm(request.POST or None, user=request.user, source=organisation)
    return _edit_page(
        request,
        form,
        "actors/tie_form.html",
        {"organisation": organisation},
        lambda data: services.add_tie(request.user, organisation, data).source,
    )


@staff_area
def tie_edit(request, pk, organisation_pk):
    tie = get_object_or_404(Tie.objects.select_related("source", "target"), pk=pk)
    _require(request, "actors.change_tie", tie)
    # The page we came from, so that we return there.
    organisation = tie.source if tie.source_id == organisation_pk else tie.target
    if request.method == "POST" and "delete" in request.POST:
        services.delete_tie(request.user, tie)
        messages.success(request, _("Tie removed."))
        return redirect(organisation)
    form = TieForm(request.POST or None, instance=tie, user=request.user, source=tie.source)

    def save(data):
        services.update_tie(request.user, tie, data)
        return organisation

    return _edit_page(
        request, form, "actors/tie_form.html", {"organisation": organisation, "tie": tie}, save
    )


@staff_area
def person_list(request):
    def build_queryset(data):
        return filter_people(visible_people(request.user), data).select_related("municipality")

    return _list_page(
        request,
        PersonFilterForm(request.GET),
        build_queryset,
        "actors/person_list.html",
        "actors/includes/person_results.html",
    )


@staff_area
def person_detail(request, pk):
    person = get_object_or_404(
        Person.objects.select_related("municipality", "consent_recorded_by", "user"), pk=pk
    )
    _require(request, "actors.view_person", person)
    private = request.user.has_perm("actors.view_person_private", person)
    context = {
        "person": person,
        "private": private,
        "can_change": request.user.has_perm("actors.change_person", person),
        "can_delete": request.user.has_perm("actors.delete_person", person),
    }
    if private:
        context["memberships"] = person.memberships.select_related(
            "organisation__municipality"
        ).order_by("organisation__name")
        context["history"] = describe_entries(history(person)[:HISTORY_LENGTH])
        context["consent_form"] = ConsentForm()
    return render(request, "actors/person_detail.html", context)


@staff_area
def person_create(request):
    _require(request, "actors.add_person")
    form = PersonForm(request.POST or None, user=request.user)
    return _edit_page(
        request,
        form,
        "actors/person_form.html",
        {},
        lambda data: services.create_person(request.user, data),
    )


@staff_area
def person_edit(request, pk):
    person = get_object_or_404(Person, pk=pk)
    _require(request, "actors.change_person", person)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    return _edit_page(
        request,
        form,
        "actors/person_form.html",
        {"person": person},
        lambda data: services.update_person(request.user, person, data),
    )


@staff_area
def person_delete(request, pk):
    person = get_object_or_404(Person, pk=pk)
    _require(request, "actors.delete_person", person)
    if request.method == "POST":
        services.delete_person(request.user, person)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": person.name})
        return redirect("actors:person_list")
    return render(request, "actors/confirm_delete.html", {"object": person})


@staff_area
@require_POST
def person_consent(request, pk):
    person = get_object_or_404(Person, pk=pk)
    _require(request, "actors.change_person", person)
    return _consent(request, person, services.give_person_consent, services.withdraw_person_consent)
