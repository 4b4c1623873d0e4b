from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bruecken.accounts.audit import history
from bruecken.accounts.models import AuditSubject
from bruecken.permissions import require
from bruecken.places.models import Country
from bruecken.web import (
    apply_form_error,
    confirm_then,
    form_page,
    list_page,
    staff_area,
)

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
from .models import Membership, Organisation, Person, Tie, hidden_organisation_name

HISTORY_LENGTH = 50


def own_record_or_staff_area(view):
    """The staff area; without a staff role (a participant) only one's own person record, which
    the rules let its person see and keep (`is_self`). The view still checks the permission."""

    @login_required
    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        own = Person.objects.filter(pk=pk, user_id=request.user.pk)
        if not request.user.has_perm("accounts.access_staff_area") and not own.exists():
            require(request.user, "accounts.access_staff_area")
        return view(request, pk, *args, **kwargs)

    return wrapped


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
        entries = _without_hidden_names(request.user, list(history(actor)[:HISTORY_LENGTH]))
        context["history"] = describe_entries(entries)
        context["consent_form"] = ConsentForm()
    return context


def _without_hidden_names(user, entries):
    """The history entries with the organisations they concern named as `user` may see them
    (`Organisation.objects.shown_to`): a tie or membership with another municipality's
    non-public organisation does not give away its name here either. In memory only."""
    prefix = f"{Organisation._meta.label_lower}:"
    concerned = {}
    for entry_id, key in AuditSubject.objects.filter(
        entry__in=[entry.pk for entry in entries], key__startswith=prefix
    ).values_list("entry_id", "key"):
        concerned.setdefault(entry_id, set()).add(int(key.removeprefix(prefix)))
    ids = set().union(*concerned.values()) if concerned else set()
    hidden = {
        organisation.pk: organisation.name
        for organisation in Organisation.objects.shown_to(
            user, Organisation.objects.filter(pk__in=ids).only("pk", "name")
        )
        if organisation.hidden
    }
    if not hidden:
        return entries
    anonymous = hidden_organisation_name()

    def redact(value, names):
        if isinstance(value, str):
            for name in names:
                value = value.replace(name, anonymous)
        elif isinstance(value, list):
            value = [redact(item, names) for item in value]
        return value

    for entry in entries:
        names = [hidden[pk] for pk in concerned.get(entry.pk, ()) if pk in hidden]
        if names:
            entry.object_repr = redact(entry.object_repr, names)
            entry.changes = {key: redact(value, names) for key, value in entry.changes.items()}
    return entries


def _actor_form(request, form_class, save, actor=None):
    """The page that creates an organisation or a person (actor=None) or edits one."""
    name = form_class._meta.model._meta.model_name
    form = form_class(request.POST or None, instance=actor, user=request.user)
    context = {name: actor} if actor is not None else {}
    return form_page(request, form, f"actors/{name}_form.html", context, save)


def _delete_page(request, actor, delete, list_url):
    return confirm_then(
        request,
        lambda: delete(request.user, actor),
        done=_("“%(name)s” was deleted.") % {"name": actor.name},
        then=list_url,
        question=_("Delete %(name)s?") % {"name": actor.name},
        consequence=_(
            "This removes the entry with its memberships and ties. The history keeps a record "
            "of the deletion."
        ),
        confirm=_("Delete"),
        back_url=actor.get_absolute_url(),
    )


def _consent(request, actor, give, withdraw):
    if request.POST.get("action") == "withdraw":
        return confirm_then(
            request,
            lambda: withdraw(request.user, actor),
            done=_("Consent withdrawn: nothing of this entry is public now."),
            then=actor,
            question=_("Withdraw the consent to publish %(name)s?") % {"name": actor.name},
            consequence=_(
                "Nothing of this entry is shown outside the registry any more: the website, "
                "the directory and the brochures drop it at once. To publish it again, consent "
                "has to be recorded anew."
            ),
            confirm=_("Withdraw consent"),
            back_url=actor.get_absolute_url(),
            carry=["action"],
        )
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


def _ties_of(organisation, user):
    """The organisation's ties, each with the other organisation as `user` may see it
    (`Organisation.objects.shown_to`: another municipality's non-public one without name)."""
    outgoing = Tie.objects.filter(source=organisation).select_related("target__municipality")
    incoming = Tie.objects.filter(target=organisation).select_related("source__municipality")
    rows = [(tie, tie.target) for tie in outgoing] + [(tie, tie.source) for tie in incoming]
    Organisation.objects.shown_to(user, [other for _tie, other in rows])
    # Those without a name last, in no order that would tell their names.
    return sorted(rows, key=lambda row: (row[1].hidden, "" if row[1].hidden else row[1].name_key))


@staff_area
def organisation_detail(request, pk):
    queryset = Organisation.objects.select_related("municipality", "consent_recorded_by")
    context = _detail_context(request, queryset, pk)
    if context["private"]:
        organisation = context["organisation"]
        context["memberships"] = organisation.memberships.select_related(
            "person__municipality"
        ).order_by("person__name")
        context["ties"] = _ties_of(organisation, request.user)
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
        return confirm_then(
            request,
            lambda: services.delete_membership(request.user, membership),
            done=_("Membership removed."),
            then=membership.organisation,
            question=_("Remove the membership of %(person)s in %(organisation)s?")
            % {"person": membership.person.name, "organisation": membership.organisation.name},
            consequence=_(
                "The membership is deleted as if it had never been; the history keeps a record "
                "of the deletion. To record that it ended, set its end date instead."
            ),
            confirm=_("Remove membership"),
            back_url=request.path,
            carry=["delete"],
        )
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
    Organisation.objects.shown_to(request.user, [tie.source, tie.target])
    # The page we came from, so that we return there (a side the user may see).
    organisation = tie.source if tie.source_id == organisation_pk else tie.target
    if organisation.hidden:
        organisation = tie.target if organisation is tie.source else tie.source
    if request.method == "POST" and "delete" in request.POST:
        return confirm_then(
            request,
            lambda: services.delete_tie(request.user, tie),
            done=_("Tie removed."),
            then=organisation,
            # Only the side the user came from is named: the other may not be theirs to see.
            question=_("Remove this tie of %(name)s?") % {"name": organisation.name},
            consequence=_(
                "The tie is deleted and drops out of the network and its figures, also for the "
                "days before. To record that it ended, set its end date instead."
            ),
            confirm=_("Remove tie"),
            back_url=request.path,
            carry=["delete"],
        )
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
        return filter_people(
            Person.objects.visible_to(request.user), data, request.user
        ).select_related("municipality")

    return list_page(
        request,
        PersonFilterForm(request.GET),
        build_queryset,
        "actors/person_list.html",
        "actors/includes/person_results.html",
    )


@own_record_or_staff_area
def person_detail(request, pk):
    queryset = Person.objects.select_related("municipality", "consent_recorded_by", "user")
    context = _detail_context(request, queryset, pk)
    if context["private"]:
        memberships = list(
            context["person"]
            .memberships.select_related("organisation__municipality")
            .order_by("organisation__name")
        )
        Organisation.objects.shown_to(request.user, [m.organisation for m in memberships])
        context["memberships"] = memberships
    return render(request, "actors/person_detail.html", context)


@staff_area
def person_create(request):
    require(request.user, "actors.add_person")
    return _actor_form(request, PersonForm, lambda data: services.create_person(request.user, data))


@own_record_or_staff_area
def person_edit(request, pk):
    person = _actor(request, Person, pk, "actors.change_person")
    return _actor_form(
        request, PersonForm, lambda data: services.update_person(request.user, person, data), person
    )


@staff_area
def person_delete(request, pk):
    person = _actor(request, Person, pk, "actors.delete_person")
    return _delete_page(request, person, services.delete_person, "actors:person_list")


@own_record_or_staff_area
@require_POST
def person_consent(request, pk):
    person = _actor(request, Person, pk, "actors.change_person")
    return _consent(request, person, services.give_person_consent, services.withdraw_person_consent)
