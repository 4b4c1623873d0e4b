"""Where the second factor is required (MFA_REQUIRED_FOR_PROGRAM_OFFICE), a program-office
session that was not confirmed with a code may only set one up (or sign out): every other page
leads to the setup page.

The Django admin's own login form knows nothing of the second factor: it sends everyone to
ours, which asks for the code."""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from . import mfa

# What a program-office session without a second factor may still open.
ALLOWED_VIEWS = {"accounts:security", "accounts:logout"}


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else ""
        if name == "admin:login":
            return redirect_to_login(
                request.GET.get("next") or reverse("admin:index"), reverse("accounts:login")
            )
        if not settings.MFA_REQUIRED_FOR_PROGRAM_OFFICE or name in ALLOWED_VIEWS:
            return None
        user = request.user
        if not user.is_authenticated or request.session.get(DEVICE_ID_SESSION_KEY):
            return None
        if not mfa.required_for(user):
            return None
        if mfa.has_second_factor(user):
            # Signed in without the code (no way of ours does that): again, with it.
            logout(request)
            return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
        return redirect("accounts:security")
