from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bruecken.accounts.audit import history
from bruecken.permissions import require
from bruecken.places.models import Country
from bruecken.web import apply_form_error, form_page, list_page, staff_area

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

HISTORY_LENGTH = 50


def _actor(request, model, pk, permission):
    """The organisation, person, membership or tie `pk` (model: a model or a queryset), if the
    user holds `permission` on it."""
    actor = get_object_or_404(model, pk=pk)
    require(request.user, permission, actor)
    return actor


def _detail_context(request, queryset, pk):
    """What an organisation's and a person's page show alike; the history and the consent form
    only to those who may see private details."""
    name = queryset.model._meta.model_name
    actor = _actor(request, queryset, pk, f"actors.view_{name}")
    private = request.user.has_perm(f"actors.view_{name}_private", actor)
    context = {
        name: actor,
        "private": private,
        "can_change": request.user.has_perm(f"actors.change_{name}", actor),
        "can_delete": request.user.has_perm(f"actors.delete_{name}", actor),
    }
    if private:
        context["history"] = describe_entries(history(actor)[:HISTORY_LENGTH])
        context["consent_form"] = ConsentForm()
    return context


def _actor_form(request, form_class, save, actor=None):
    """The page that creates an organisation or a person (actor=None) or edits one."""
    name = form_class._meta.model._meta.model_name
    form = form_class(request.POST or None, instance=actor, user=request.user)
    context = {name: actor} if actor is not None else {}
    return form_page(request, form, f"actors/{name}_form.html", context, save)


def _delete_page(request, actor, delete, list_url):
    if request.method == "POST":
        delete(request.user, actor)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": actor.name})
        return redirect(list_url)
    return render(request, "actors/confirm_delete.html", {"object": actor})


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
            apply_form_error(form, error)
        else:
            messages.success(request, _("Consent to publish recorded."))
            return redirect(actor)
    return render(request, "actors/consent_form.html", {"form": form, "actor": actor})


# Organisations


@staff_area
def organisation_list(request):
    def build_queryset(data):
        return (
            filter_organisations(Organisation.objects.visible_to(request.user), data)
            .select_related("municipality")
            .prefetch_related(Prefetch("countries", queryset=Country.objects.order_by("code")))
        )

    return list_page(
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
    queryset = Organisation.objects.select_related("municipality", "consent_recorded_by")
    context = _detail_context(request, queryset, pk)
    if context["private"]:
        organisation = context["organisation"]
        context["memberships"] = organisation.memberships.select_related(
            "person__municipality"
        ).order_by("person__name")
        context["ties"] = _ties_of(organisation)
    return render(request, "actors/organisation_detail.html", context)


@staff_area
def organisation_create(request):
    require(request.user, "actors.add_organisation")
    return _actor_form(
        request, OrganisationForm, lambda data: services.create_organisation(request.user, data)
    )


@staff_area
def organisation_edit(request, pk):
    organisation = _actor(request, Organisation, pk, "actors.change_organisation")

    def save(data):
        return services.update_organisation(request.user, organisation, data)

    return _actor_form(request, OrganisationForm, save, organisation)


@staff_area
def organisation_delete(request, pk):
    organisation = _actor(request, Organisation, pk, "actors.delete_organisation")
    return _delete_page(
        request, organisation, services.delete_organisation, "actors:organisation_list"
    )


@staff_area
@require_POST
def organisation_consent(request, pk):
    organisation = _actor(request, Organisation, pk, "actors.change_organisation")
    return _consent(
        request,
        organisation,
        services.give_organisation_consent,
        services.withdraw_organisation_consent,
    )


# Memberships and ties


@staff_area
def membership_add(request, pk):
    organisation = _actor(request, Organisation, pk, "actors.change_organisation")
    form = MembershipForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        "actors/membership_form.html",
        {"organisation": organisation},
        lambda data: services.add_membership(request.user, organisation, data).organisation,
    )


@staff_area
def membership_edit(request, pk):
    membership = _actor(
        request, Membership.objects.select_related("organisation"), pk, "actors.change_membership"
    )
    if request.method == "POST" and "delete" in request.POST:
        services.delete_membership(request.user, membership)
        messages.success(request, _("Membership removed."))
        return redirect(membership.organisation)
    form = MembershipForm(request.POST or None, instance=membership, user=request.user)
    return form_page(
        request,
        form,
        "actors/membership_form.html",
        {"organisation": membership.organisation, "membership": membership},
        lambda data: services.update_membership(request.user, membership, data).organisation,
    )


@staff_area
def tie_add(request, pk):
    organisation = _actor(request, Organisation, pk, "actors.change_organisation")
    form = TieForm(request.POST or None, user=request.user, source=organisation)
    return form_page(
        request,
        form,
        "actors/tie_form.html",
        {"organisation": organisation},
        lambda data: services.add_tie(request.user, organisation, data).source,
    )


@staff_area
def tie_edit(request, pk, organisation_pk):
    tie = _actor(request, Tie.objects.select_related("source", "target"), pk, "actors.change_tie")
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

    return form_page(
        request, form, "actors/tie_form.html", {"organisation": organisation, "tie": tie}, save
    )


# People


@staff_area
def person_list(request):
    def build_queryset(data):
        return filter_people(Person.objects.visible_to(request.user), data).select_related(
            "municipality"
        )

    return list_page(
        request,
        PersonFilterForm(request.GET),
        build_queryset,
        "actors/person_list.html",
        "actors/includes/person_results.html",
    )


@staff_area
def person_detail(request, pk):
    queryset = Person.objects.select_related("municipality", "consent_recorded_by", "user")
    context = _detail_context(request, queryset, pk)
    if context["private"]:
        context["memberships"] = (
            context["person"]
            .memberships.select_related("organisation__municipality")
            .order_by("organisation__name")
        )
    return render(request, "actors/person_detail.html", context)


@staff_area
def person_create(request):
    require(request.user, "actors.add_person")
    return _actor_form(request, PersonForm, lambda data: services.create_person(request.user, data))


@staff_area
def person_edit(request, pk):
    person = _actor(request, Person, pk, "actors.change_person")
    return _actor_form(
        request, PersonForm, lambda data: services.update_person(request.user, person, data), person
    )


@staff_area
def person_delete(request, pk):
    person = _actor(request, Person, pk, "actors.delete_person")
    return _delete_page(request, person, services.delete_person, "actors:person_list")


@staff_area
@require_POST
def person_consent(request, pk):
    person = _actor(request, Person, pk, "actors.change_person")
    return _consent(request, person, services.give_person_consent, services.withdraw_person_consent)
