from django import forms
from django.utils.translation import gettext_lazy as _

from bruecken.actors.forms import formfield
from bruecken.actors.models import EngagementForm, Organisation, Person, Topic
from bruecken.pickers import PickerField, PickerMultipleField
from bruecken.places.models import Country, Language, Partnership


class PartnershipForm(forms.ModelForm):
    """The partnership's facts and its profile (what it seeks, who carries it): every choice
    among many typed and picked."""

    country = PickerField(
        Country.objects.all(),
        source="countries",
        label=_("Country"),
        help_text=_("Type part of the country's name and pick it from the suggestions."),
    )
    topics = PickerMultipleField(
        Topic.objects.all(), source="topics", label=_("Topics"), required=False
    )
    languages = PickerMultipleField(
        Language.objects.all(),
        source="languages",
        label=_("Working languages"),
        required=False,
        help_text=_("The languages the partnership works in."),
    )
    engagement_forms = forms.ModelMultipleChoiceField(
        EngagementForm.objects.all(),
        label=_("Forms of engagement sought"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    carried_by = PickerField(
        Organisation.objects.none(),
        source="organisations",
        label=_("Carried by"),
        required=False,
        help_text=_(
            "The organisation of the municipality that carries the partnership, e.g. its "
            "office for international cooperation."
        ),
    )
    contacts = PickerMultipleField(
        Person.objects.none(), source="people", label=_("Contacts"), required=False
    )

    PROFILE_FIELDS = ["topics", "languages", "engagement_forms", "carried_by", "contacts"]

    class Meta:
        model = Partnership
        fields = ["partner_name", "country", "kind", "since", "status", "note", "source"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        formfield_callback = formfield

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["since"].widget.attrs.update({"min": 1900, "max": 2100})
        self.fields["carried_by"].queryset = Organisation.objects.visible_to(user).filter(
            municipality_id=self.instance.municipality_id
        )
        self.fields["contacts"].queryset = Person.objects.visible_to(user)
        profile = getattr(self.instance, "profile", None) if self.instance.pk else None
        if profile is not None and not self.is_bound:
            self.initial.update(
                topics=list(profile.topics.all()),
                languages=list(profile.languages.all()),
                engagement_forms=list(profile.engagement_forms.all()),
                carried_by=profile.carried_by,
                contacts=list(profile.contacts.all()),
            )
