"""Accepting an invitation: the link from the e-mail, a password, signed in, home."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import services
from .invitation_forms import AcceptInvitationForm
from .views import LoginView

# How each unusable link is answered: a status and the page's message is in the template.
UNUSABLE_STATUS = {
    "unknown": 404,
    "accepted": 410,
    "revoked": 410,
    "expired": 410,
    "other_account": 403,
    "sign_in": 200,
}


def landing_url(request):
    """Where signing in lands (the login view's choice, by role)."""
    view = LoginView()
    view.setup(request)
    return view.get_default_redirect_url()


def _backend():
    return next(
        (b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("UserBackend")),
        settings.AUTHENTICATION_BACKENDS[-1],
    )


def _unusable(request, error):
    response = render(
        request,
        "accounts/invitations/unusable.html",
        {"reason": error.reason, "invitation": error.invitation, "next": request.path},
        status=UNUSABLE_STATUS[error.reason],
    )
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept(request, token):
    try:
        invitation = services.usable_invitation(token, request.user)
    except services.InvitationUnusable as error:
        return _unusable(request, error)
    # An existing account (signed in as it: checked above) only takes on the role.
    new_account = not request.user.is_authenticated
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" and new_account else None,
        email=invitation.email,
    )
    if request.method == "POST" and (not new_account or form.is_valid()):
        data = form.cleaned_data if new_account else {}
        try:
            account = services.accept(
                token,
                password=data.get("password1"),
                full_name=data.get("full_name", ""),
                signed_in=request.user,
            )
        except services.InvitationUnusable as error:
            return _unusable(request, error)
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            if new_account:
                login(request, account, backend=_backend())
            messages.success(
                request,
                _("Welcome! You are now %(role)s.") % {"role": invitation.scope_label()},
            )
            return redirect(landing_url(request))
    response = render(
        request,
        "accounts/invitations/accept.html",
        {"invitation": invitation, "form": form, "new_account": new_account},
    )
    # The token is in the address: no other site learns it from a link on this page ("no-referrer"
    # would also make the browser send "Origin: null" with the form, which CSRF refuses).
    response["Referrer-Policy"] = "same-origin"
    return response
