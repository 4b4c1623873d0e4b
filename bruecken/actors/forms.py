from django import forms
from django.utils.translation import gettext_lazy as _

from bruecken import forms as safe
from bruecken.accounts import roles
from bruecken.forms import formfield
from bruecken.pickers import PickerField, PickerMultipleField
from bruecken.places.models import Country, Language, Municipality, WorldRegion
from bruecken.translation import sorted_by_name
from bruecken.widgets import FastSelect

from .models import (
    EngagementForm,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    Tie,
    Topic,
)
from .services import ORGANISATION_EDITABLE, PERSON_EDITABLE, SELF_EDITABLE


class NamedChoiceField(forms.ModelChoiceField):
    """Reference data chosen by its code, so that filter URLs stay readable and shareable."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", FastSelect)
        super().__init__(queryset, **kwargs)


class NamedPickerField(PickerField):
    """Reference data typed and picked, chosen by its code, so that filter URLs stay readable
    and shareable."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("required", False)
        super().__init__(queryset, **kwargs)


def sort_choices_by_name(field, key="code"):
    """Order reference data by its name in the current language (it is stored in both)."""
    choices = [(getattr(obj, key), obj.name) for obj in sorted_by_name(field.queryset)]
    field.choices = choices if field.empty_label is None else [("", field.empty_label), *choices]


def managed_municipalities(user):
    if roles.is_program_office(user):
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=roles.coordinated_municipality_ids(user))


class FilterForm(forms.Form):
    """The search and municipality filters every list of actors starts with."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    municipality = PickerField(
        Municipality.objects.all(),
        source="municipalities",
        label=_("Municipality"),
        required=False,
    )


class OrganisationFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all")), *OrganisationKind.choices]
    )
    region = NamedChoiceField(
        WorldRegion.objects.all(), label=_("World region"), empty_label=_("all")
    )
    country = NamedPickerField(Country.objects.all(), source="countries", label=_("Country"))
    topic = NamedChoiceField(Topic.objects.all(), label=_("Topic"), empty_label=_("all"))
    form = NamedChoiceField(
        EngagementForm.objects.all(), label=_("Form of engagement"), empty_label=_("all")
    )
    language = NamedPickerField(Language.objects.all(), source="languages", label=_("Language"))
    public = forms.ChoiceField(
        label=_("Published"),
        required=False,
        choices=[("", _("all")), ("yes", _("published")), ("no", _("not published"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sort_choices_by_name(self.fields["region"])


class PersonFilterForm(FilterForm):
    country = NamedPickerField(Country.objects.all(), source="countries", label=_("Country"))
    language = NamedPickerField(Language.objects.all(), source="languages", label=_("Language"))
    role = forms.ChoiceField(
        label=_("Role in the process"),
        required=False,
        choices=[
            ("", _("all")),
            ("decision_maker", _("decision makers")),
            ("multiplier", _("multipliers")),
        ],
    )


# Municipalities, countries and languages are typed and picked (bruecken/pickers.py).
ACTOR_PICKERS = {
    "municipality": PickerField.using("municipalities"),
    "countries": PickerMultipleField.using("countries"),
    "languages": PickerMultipleField.using("languages"),
}


class ActorForm(forms.ModelForm):
    """Shared set-up: municipalities the user manages; countries and languages typed."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        municipality = self.fields["municipality"]
        municipality.queryset = managed_municipalities(user)
        current = self.instance.municipality_id
        if (current and not municipality.queryset.filter(pk=current).exists()) or (
            not current and not municipality.queryset.exists()
        ):
            # E.g. a representative edits the entry but cannot move it to another municipality.
            municipality.queryset = Municipality.objects.filter(pk=current)
            municipality.disabled = True
        elif not current and municipality.queryset.count() == 1:
            # A coordinator of one municipality need not pick it.
            municipality.initial = municipality.queryset.get()


class OrganisationForm(ActorForm):
    class Meta:
        model = Organisation
        formfield_callback = formfield
        fields = ORGANISATION_EDITABLE
        field_classes = ACTOR_PICKERS
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "engagement_forms": forms.CheckboxSelectMultiple,
            "competences": forms.Textarea(attrs={"rows": 3}),
            "competences_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5, "lang": "en"}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }


class PersonForm(ActorForm):
    class Meta:
        model = Person
        fields = PERSON_EDITABLE
        field_classes = ACTOR_PICKERS
        widgets = {"competences": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        municipality = self.fields["municipality"]
        # Coordinators place new people in their municipality; the office may leave it open.
        municipality.required = not (roles.is_program_office(user) or municipality.disabled)
        if self.instance.pk and not user.has_perm("actors.steward_person", self.instance):
            # A participant's own record: only what they keep themselves.
            for name in [name for name in self.fields if name not in SELF_EDITABLE]:
                del self.fields[name]


class ConsentForm(forms.Form):
    consent_given_by = forms.CharField(
        label=_("Consent given by"),
        max_length=200,
        help_text=_("Who gave the consent, e.g. the chair of the association."),
    )
    consent_given_at = safe.DateTimeField(
        label=_("Given on"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


# Memberships and ties have a period, picked with the browser's date input.
PERIOD_WIDGETS = {
    "started_on": forms.DateInput(attrs={"type": "date"}),
    "ended_on": forms.DateInput(attrs={"type": "date"}),
}


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        formfield_callback = formfield
        fields = ["person", "role", "is_contact", "started_on", "ended_on"]
        field_classes = {"person": PickerField.using("people")}
        widgets = PERIOD_WIDGETS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user)


class TieForm(forms.ModelForm):
    class Meta:
        model = Tie
        formfield_callback = formfield
        fields = ["target", "kind", "started_on", "ended_on", "note"]
        field_classes = {"target": PickerField.using("organisations")}
        widgets = {**PERIOD_WIDGETS, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Organisation.objects.visible_to(user).exclude(pk=source.pk)
        if self.instance.pk:
            # The other side stays as it is, named as the user may see it (the one rule,
            # `Organisation.objects.shown_to`), and valid even where they may not see it.
            (target,) = Organisation.objects.shown_to(user, [self.instance.target])
            self.fields["target"].queryset = Organisation.objects.filter(pk=target.pk)
            if target.hidden:
                self.fields["target"].item_of = lambda o: {"label": target.shown_name}
            self.fields["target"].disabled = True
