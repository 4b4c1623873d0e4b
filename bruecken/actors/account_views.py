"""The staff pages for accounts: invitations (list, invite, send again, revoke), roles (who has
which where; grant, revoke, deactivate) and the person ↔ account link. In actors, because the
forms pick organisations; the writes are accounts' services (and account_links for the link)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bruecken.accounts import mfa, roles
from bruecken.accounts import services as account_services
from bruecken.accounts.models import AccountInvitation, RoleAssignment, User
from bruecken.permissions import require
from bruecken.web import confirm_first, fill, form_page, staff_area

from . import account_links
from .account_forms import GrantForm, InvitationForm, LinkAccountForm, RoleFilterForm
from .models import Person

STATUSES = {
    "pending": AccountInvitation.Status.PENDING,
    "accepted": AccountInvitation.Status.ACCEPTED,
    "expired": AccountInvitation.Status.EXPIRED,
    "revoked": AccountInvitation.Status.REVOKED,
}


def _page(request, queryset):
    return Paginator(queryset, settings.ACTOR_LIST_PAGE_SIZE).get_page(request.GET.get("page"))


def _refusal(request, error):
    for message in error.messages:
        messages.error(request, message)


@staff_area
def invitation_list(request):
    require(request.user, "accounts.manage_roles")
    status = request.GET.get("status")
    if status not in STATUSES:
        status = "pending"
    queryset = getattr(AccountInvitation.objects.visible_to(request.user), status)()
    queryset = queryset.select_related("municipality", "organisation", "invited_by")
    return render(
        request,
        "accounts/invitations/list.html",
        {
            "page": _page(request, queryset),
            "status": status,
            "statuses": [(key, value.label) for key, value in STATUSES.items()],
        },
    )


@staff_area
def invitation_create(request):
    require(request.user, "accounts.manage_roles")
    form = InvitationForm(request.POST or None, user=request.user)

    def save(data):
        return account_services.invite(
            request.user,
            data["email"],
            data["role"],
            municipality=data.get("municipality"),
            organisation=data.get("organisation"),
            language=data["language"],
        )

    return form_page(
        request,
        form,
        "accounts/invitations/form.html",
        {"invitation_days": account_services.invitation_days()},
        save,
        success=_("The invitation is on its way."),
        success_url=reverse("staff_accounts:invitation_list"),
    )


def _invitation(request, pk):
    invitation = get_object_or_404(AccountInvitation.objects.visible_to(request.user), pk=pk)
    require(request.user, "accounts.manage_invitation", invitation)
    return invitation


@staff_area
@require_POST
def invitation_resend(request, pk):
    invitation = _invitation(request, pk)
    try:
        account_services.resend(request.user, invitation)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The invitation was sent again with a new link."))
    return redirect("staff_accounts:invitation_list")


@staff_area
def invitation_revoke(request, pk):
    invitation = _invitation(request, pk)
    if request.method == "POST":
        try:
            account_services.revoke(request.user, invitation)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("The invitation was revoked."))
        return redirect("staff_accounts:invitation_list")
    return render(
        request,
        "accounts/invitations/confirm.html",
        {
            "heading": _("Revoke the invitation of %(email)s?") % {"email": invitation.email},
            "consequence": _(
                "The link in the e-mail stops working. The invitation stays in the list as "
                "revoked; you can invite the address again later."
            ),
            "button": _("Revoke"),
            "cancel_url": reverse("staff_accounts:invitation_list"),
        },
    )


@staff_area
def role_list(request):
    require(request.user, "accounts.manage_roles")
    filter_form = RoleFilterForm(request.GET)
    filter_form.is_valid()
    data = {k: v for k, v in filter_form.cleaned_data.items() if k not in filter_form.errors}
    queryset = RoleAssignment.objects.visible_to(request.user).select_related(
        "user", "municipality", "organisation__municipality"
    )
    if data.get("q"):
        queryset = queryset.filter(
            Q(user__email__icontains=data["q"]) | Q(user__full_name__icontains=data["q"])
        )
    if data.get("role"):
        queryset = queryset.filter(role=data["role"])
    queryset = queryset.order_by("user__email", "role", "pk")
    page = _page(request, queryset)
    page.object_list = list(page.object_list)
    # Offer "Revoke" only where it would be allowed (a coordinator sees roles they can't revoke).
    for assignment in page.object_list:
        assignment.may_revoke = request.user.has_perm("accounts.assign_role", assignment)
    # Offer "Reset second factor" to the program office, for accounts that have one.
    second_factor_ids = (
        mfa.with_second_factor([a.user_id for a in page.object_list])
        if roles.is_program_office(request.user)
        else set()
    )
    return render(
        request,
        "accounts/roles/list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "can_deactivate": request.user.has_perm("accounts.manage_roles")
            and roles.is_program_office(request.user),
            "second_factor_ids": second_factor_ids,
        },
    )


@staff_area
def role_grant(request):
    require(request.user, "accounts.manage_roles")
    form = GrantForm(request.POST or None, user=request.user)

    def save(data):
        account = User.objects.filter(email__iexact=data["email"]).first()
        if account is None:
            raise ValidationError(
                {"email": _("There is no account with this address: invite the person instead.")}
            )
        try:
            return account_services.grant_role(
                request.user,
                account,
                data["role"],
                municipality=data.get("municipality"),
                organisation=data.get("organisation"),
            )
        except PermissionDenied:
            raise ValidationError(_("You may not give this role there.")) from None

    return form_page(
        request,
        form,
        "accounts/roles/form.html",
        {},
        save,
        success=_("The role was granted."),
        success_url=reverse("staff_accounts:role_list"),
    )


@staff_area
def role_revoke(request, pk):
    require(request.user, "accounts.manage_roles")
    assignment = get_object_or_404(
        RoleAssignment.objects.visible_to(request.user).select_related("user"), pk=pk
    )
    require(request.user, "accounts.assign_role", assignment)
    if request.method == "POST":
        try:
            account_services.revoke_role(request.user, assignment)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("The role was revoked."))
        return redirect("staff_accounts:role_list")
    return render(
        request,
        "accounts/invitations/confirm.html",
        {
            "heading": _("Revoke the role %(role)s of %(email)s?")
            % {"role": assignment, "email": assignment.user.email},
            "consequence": _(
                "The account can no longer do what this role allows; it keeps its other roles."
            ),
            "button": _("Revoke"),
            "cancel_url": reverse("staff_accounts:role_list"),
        },
    )


@staff_area
def account_active(request, pk):
    """Deactivate an account (or activate it again), after a confirmation."""
    account = get_object_or_404(User, pk=pk)
    require(request.user, "accounts.deactivate_user", account)
    if request.method == "POST":
        account_services.set_active(request.user, account, not account.is_active)
        messages.success(
            request,
            _("The account was activated.")
            if not account.is_active
            else _("The account was deactivated."),
        )
        return redirect("staff_accounts:role_list")
    if account.is_active:
        heading = _("Deactivate the account of %(email)s?") % {"email": account.email}
        consequence = _(
            "The account can no longer sign in and its roles no longer count; its sessions end. "
            "You can activate it again."
        )
        button = _("Deactivate")
    else:
        heading = _("Activate the account of %(email)s again?") % {"email": account.email}
        consequence = _("The account can sign in again, with the roles it holds.")
        button = _("Activate")
    return render(
        request,
        "accounts/invitations/confirm.html",
        {
            "heading": heading,
            "consequence": consequence,
            "button": button,
            "cancel_url": reverse("staff_accounts:role_list"),
        },
    )


@staff_area
def second_factor_reset(request, pk):
    """The program office removes the second factor of someone who lost it, after a
    confirmation."""
    account = get_object_or_404(User, pk=pk)
    require(request.user, "accounts.reset_second_factor", account)
    back_url = reverse("staff_accounts:role_list")

    def act():
        try:
            mfa.reset(request.user, account)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(
                request,
                _("The second factor of %(email)s was reset; they have been told by e-mail.")
                % {"email": account.email},
            )
        return redirect(back_url)

    return confirm_first(
        request,
        act,
        question=fill(_("Reset the second factor of %(email)s?"), email=account.email),
        consequence=_(
            "Their authenticator app and recovery codes stop working: until they set up a new "
            "second factor, their password alone signs them in. Do this only when you are sure "
            "who asks for it. They are told by e-mail."
        ),
        confirm=_("Reset second factor"),
        back_url=back_url,
    )


def _person(request, pk):
    person = get_object_or_404(Person.objects.select_related("user"), pk=pk)
    require(request.user, "actors.link_account", person)
    return person


@staff_area
def person_link(request, pk):
    person = _person(request, pk)
    form = LinkAccountForm(request.POST or None, initial={"email": person.email})
    return form_page(
        request,
        form,
        "accounts/invitations/link_form.html",
        {"person": person},
        lambda data: account_links.link_account(request.user, person, data["email"]),
        success=_("The person is linked to the account."),
    )


@staff_area
def person_unlink(request, pk):
    person = _person(request, pk)
    if request.method == "POST":
        try:
            account_links.unlink_account(request.user, person)
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("The person is no longer linked to an account."))
        return redirect(person)
    return render(
        request,
        "accounts/invitations/confirm.html",
        {
            "heading": _("Unlink %(name)s from their account?") % {"name": person.name},
            "consequence": _(
                "The account no longer sees or edits this person's record; the account itself "
                "and its roles stay."
            ),
            "button": _("Unlink"),
            "cancel_url": person.get_absolute_url(),
        },
    )
