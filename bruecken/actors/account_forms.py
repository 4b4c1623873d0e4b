"""The staff forms for invitations and roles: they pick organisations, so they live in actors
(accounts, below it, may not import them)."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bruecken.accounts import roles
from bruecken.accounts.models import Role
from bruecken.accounts.rules import COORDINATOR_GRANTS
from bruecken.accounts.services import INVITABLE_ROLES
from bruecken.pickers import PickerField
from bruecken.places.models import Municipality

from .models import Organisation


def _role_choices(user):
    allowed = INVITABLE_ROLES if roles.is_program_office(user) else COORDINATOR_GRANTS
    return [(role.value, role.label) for role in INVITABLE_ROLES if role in allowed]


class RoleScopeForm(forms.Form):
    """A role and where it applies, offering only what `user` may give."""

    role = forms.ChoiceField(label=_("Role"))
    municipality = PickerField(
        Municipality.objects.all(),
        source="municipalities",
        label=_("Municipality"),
        required=False,
        help_text=_("For coordinators and facilitators. Type part of the name and pick it."),
    )
    organisation = PickerField(
        Organisation.objects.all(),
        source="organisations",
        label=_("Organisation"),
        required=False,
        help_text=_("For representatives. Type part of the name and pick it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(user)
        if not roles.is_program_office(user):
            ids = roles.coordinated_municipality_ids(user)
            municipalities = self.fields["municipality"]
            municipalities.queryset = municipalities.queryset.filter(pk__in=ids)
            organisations = self.fields["organisation"]
            organisations.queryset = organisations.queryset.filter(municipality_id__in=ids)

    def clean(self):
        data = super().clean()
        role = data.get("role")
        # A field's own error (an unknown name) stands; a missing one is named here.
        missing = not data.get("municipality") and "municipality" not in self.errors
        if role in (Role.COORDINATOR, Role.FACILITATOR) and missing:
            self.add_error("municipality", _("This role needs a municipality."))
        missing = not data.get("organisation") and "organisation" not in self.errors
        if role == Role.REPRESENTATIVE and missing:
            self.add_error("organisation", _("This role needs an organisation."))
        return data


class InvitationForm(RoleScopeForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    field_order = ["email", "language", "role", "municipality", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE)[:2]


class GrantForm(RoleScopeForm):
    email = forms.EmailField(
        label=_("E-mail address of the account"),
        max_length=254,
        help_text=_("The account must exist; invite people who have none."),
    )

    field_order = ["email", "role", "municipality", "organisation"]


class RoleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by e-mail or name"), required=False, max_length=200)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("all roles")), *Role.choices]
    )


class LinkAccountForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the account"), max_length=254)
