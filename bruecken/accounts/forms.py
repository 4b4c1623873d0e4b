from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from . import throttle
from .password_emails import password_reset_requested


def lock_message():
    minutes = settings.LOGIN_LOCK_MINUTES
    return ngettext_lazy(
        "Too many failed attempts to sign in. For your protection, signing in is paused for "
        "%(minutes)d minute. You can reset your password by e-mail in the meantime.",
        "Too many failed attempts to sign in. For your protection, signing in is paused for "
        "%(minutes)d minutes. You can reset your password by e-mail in the meantime.",
        "minutes",
    ) % {"minutes": minutes}


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or the password is not correct."),
        "inactive": _("This account is inactive."),
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        if email is None or not self.cleaned_data.get("password"):
            return super().clean()
        # Checked before the password: during a lock even the right one is refused.
        if throttle.is_locked(self.request, email):
            raise ValidationError(lock_message(), code="locked")
        try:
            return super().clean()
        except ValidationError:
            throttle.failed(self.request, email)
            raise


class CodeForm(forms.Form):
    """The second step of signing in: a code from the authenticator app or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The six-digit code your authenticator app shows, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def save(self, request=None, **kwargs):
        """Queue the e-mail for every active account with this address (none: nothing, and the
        page says the same), sent by the worker in the account's language."""
        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_requested(user)


class PasswordConfirmForm(forms.Form):
    """Confirms a serious step (turning the second factor off, new recovery codes)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not correct."), code="password_incorrect")
        return password
