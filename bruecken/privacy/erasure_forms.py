"""The forms of the erasure pages: the confirmation before one's own account goes, and the note
on an erasure request the program office records."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .erasure import NOTE_MAX_LENGTH


class DeleteAccountForm(forms.Form):
    """Confirms with the account's password; an account without one (never set) types the
    phrase instead."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        required=False,
    )
    phrase = forms.CharField(label=_("Type DELETE to confirm"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["phrase"]
            self.fields["password"].required = True
        else:
            del self.fields["password"]
            self.fields["phrase"].required = True

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."), code="wrong_password")
        return password

    def clean_phrase(self):
        phrase = self.cleaned_data.get("phrase", "")
        if phrase.strip().casefold() != str(_("DELETE")).casefold():
            raise forms.ValidationError(
                _("Please type %(phrase)s to confirm.") % {"phrase": _("DELETE")},
                code="wrong_phrase",
            )
        return phrase


class ErasureRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        help_text=_(
            "How and when the request came in (letter, e-mail, phone). Do not write the "
            "person's name or address here: the note outlives the erasure."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        required=False,
    )
