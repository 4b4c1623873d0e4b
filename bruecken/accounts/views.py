import time

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import mfa, throttle
from .audit import record
from .forms import CodeForm, LoginForm, PasswordConfirmForm, PasswordResetForm, lock_message
from .models import AuditEntry

# Between the password and the code: who, through which backend, since when, and where to.
PENDING = "accounts_second_factor_pending"
PENDING_SECONDS = 5 * 60


def default_redirect_url(user):
    # Every role lands on its home page, which lists what waits for it (bruecken/waiting.py).
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """E-mail login; afterwards each role lands where its work is. An account with a second
    factor is asked for its code before it is signed in."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return default_redirect_url(self.request.user)

    def form_valid(self, form):
        user = form.get_user()
        if not mfa.has_second_factor(user):
            throttle.succeeded(user.email)
            return super().form_valid(form)
        # The count starts afresh only once the code is right too: the password alone does not
        # buy more guesses at the code.
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "since": time.time(),
            "next": self.get_redirect_url(),
        }
        return redirect("accounts:login_code")


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("since", 0) > PENDING_SECONDS:
        return None, None
    user = get_user_model()._default_manager.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request):
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("Please sign in again: the time for entering the code is up."))
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttle.is_locked(request, user.email):
            form.add_error(None, lock_message())
        elif (device := mfa.verify(user, form.cleaned_data["code"])) is None:
            throttle.failed(request, user.email)
            form.add_error("code", _("The code is not correct or was used already."))
        else:
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            django_otp.login(request, device)
            throttle.succeeded(user.email)
            if device.persistent_id.startswith("otp_static"):
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(count)d are left. "
                        "New ones are made on the page “Password and sign-in”."
                    )
                    % {"count": mfa.recovery_codes_left(user)},
                )
            target = pending.get("next")
            if not target or not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = default_redirect_url(user)
            return HttpResponseRedirect(target)
    return render(request, "accounts/login_code.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not throttle.reset_allowed(self.request, form.cleaned_data["email"]):
            form.add_error(
                None,
                _("Too many requests for a new password. Please wait an hour, then try again."),
            )
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
        return super().get_context_data(password_reset_hours=hours, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        throttle.unlock_account(user.email)
        record(user, AuditEntry.Action.UPDATE, user, {"password": ["", "reset by e-mail"]})
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password ends the account's other sessions (their session hash no longer
    matches) and keeps this one."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(
            self.request.user,
            AuditEntry.Action.UPDATE,
            self.request.user,
            {"password": ["", "changed"]},
        )
        messages.success(
            self.request,
            _("Your password is changed. Your other sessions (other browsers) are signed out."),
        )
        return response


@sensitive_post_parameters("code", "password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def security(request):
    """Password and sign-in: the link to change the password, and the second factor (set it up,
    new recovery codes, turn it off)."""
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    context = {"required": mfa.required_for(user)}
    if not mfa.has_second_factor(user):
        device = mfa.pending_device(user)
        form = CodeForm(request.POST if action == "confirm" else None)
        if action == "confirm" and form.is_valid():
            codes = mfa.confirm(user, device, form.cleaned_data["code"])
            if codes is not None:
                django_otp.login(request, device)
                return render(
                    request, "accounts/recovery_codes.html", {"codes": codes, "first": True}
                )
            form.add_error("code", _("The code is not correct. Please try the next one."))
        context.update(form=form, qr_code=mfa.qr_code_svg(device), key=mfa.manual_key(device))
        return render(request, "accounts/security_setup.html", context)
    codes_form = PasswordConfirmForm(
        user, request.POST if action == "codes" else None, prefix="codes"
    )
    disable_form = PasswordConfirmForm(
        user, request.POST if action == "disable" else None, prefix="disable"
    )
    if action == "codes" and codes_form.is_valid():
        codes = mfa.new_recovery_codes(user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "first": False})
    if action == "disable" and disable_form.is_valid():
        mfa.disable(user)
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
        messages.success(request, _("Two-factor authentication is turned off."))
        return redirect("accounts:security")
    if action in {"codes", "disable"}:
        # A wrong password here counts like one at sign-in.
        throttle.failed(request, user.email)
    context.update(
        codes_form=codes_form,
        disable_form=disable_form,
        codes_left=mfa.recovery_codes_left(user),
    )
    return render(request, "accounts/security.html", context)
