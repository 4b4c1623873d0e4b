"""The staff forms for invitations and roles: they pick organisations, so they live in actors
(accounts, below it, may not import them)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bruecken.accounts import roles
from bruecken.accounts.models import Role
from bruecken.accounts.rules import COORDINATOR_GRANTS
from bruecken.accounts.services import INVITABLE_ROLES
from bruecken.places.models import Municipality
from bruecken.widgets import TypeAheadChoiceField

from .models import Organisation

# A datalist of every organisation of a large registry would weigh more than the page; typing
# the exact name (or the number in brackets) still finds those not suggested.
MAX_SUGGESTIONS = 2000


class OrganisationChoiceField(TypeAheadChoiceField):
    """An organisation typed as "name, municipality (number)" or by its exact name."""

    def __init__(self, queryset, **kwargs):
        super().__init__(
            queryset=queryset.select_related("municipality"),
            key_field="pk",
            name_fields=["name"],
            name_of=lambda o: f"{o.name}, {o.municipality.name}",
            **kwargs,
        )

    def to_python(self, value):
        text = " ".join(value.split()) if isinstance(value, str) else ""
        if not text:
            return None
        if len(text) > self.MAX_LENGTH or "\x00" in text:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if text.endswith(")") and " (" in text:
            key = text[:-1].rsplit(" (", 1)[1].strip()
            # Only digits are looked up as the number: anything else is no id (and no 500).
            if key.isdigit() and len(key) < 12:
                found = self.queryset.filter(pk=int(key)).first()
                if found is not None:
                    return found
        found = list(self.queryset.filter(name__iexact=text)[:2])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"value": text}
            )
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


def _role_choices(user):
    allowed = INVITABLE_ROLES if roles.is_program_office(user) else COORDINATOR_GRANTS
    return [(role.value, role.label) for role in INVITABLE_ROLES if role in allowed]


class RoleScopeForm(forms.Form):
    """A role and where it applies, offering only what `user` may give."""

    role = forms.ChoiceField(label=_("Role"))
    municipality = TypeAheadChoiceField(
        queryset=Municipality.objects.order_by("name"),
        key_field="ags",
        name_fields=["name"],
        label=_("Municipality"),
        required=False,
        help_text=_("For coordinators and facilitators. Type part of the name and pick it."),
    )
    organisation = OrganisationChoiceField(
        queryset=Organisation.objects.order_by("name_key", "pk"),
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
        self.fields["municipality"].suggest()
        organisations = self.fields["organisation"]
        organisations.suggest(organisations.queryset[:MAX_SUGGESTIONS])

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
