"""The forms of listing requests: the public form an organisation fills in to be listed, and
the reviewer's reason for declining."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from bruecken.forms import formfield
from bruecken.pickers import PickerField, PickerMultipleField
from bruecken.places.models import Municipality

from .listing import REASON_MAX_LENGTH, REQUEST_FIELDS
from .models import ListingRequest

# A field people never see: a bot that fills it in is answered as if it succeeded. Not
# "website": the organisation's website is a real field here.
HONEYPOT = "fax_number"
# Texts without a limit in the model: a public form keeps them to a readable length.
TEXT_LIMITS = {"description": 5000, "address": 500}


class ListingRequestForm(forms.ModelForm):
    consent_processing = forms.BooleanField(
        label=_(
            "I agree that the details in this form are stored and used to review the request "
            "and to contact me about it."
        ),
        help_text=_(
            "Only the program office and the coordinator of the municipality see them. You can "
            "withdraw this consent at any time by writing to the program office."
        ),
        error_messages={"required": _("Without this consent we cannot review the request.")},
    )
    fax_number = forms.CharField(
        label=_("Please leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = ListingRequest
        formfield_callback = formfield
        fields = REQUEST_FIELDS
        field_classes = {
            "municipality": PickerField.using("municipalities"),
            "countries": PickerMultipleField.using("countries"),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "municipality": _("Where the organisation is based or mainly active."),
            "description": _("Its goals and activities, in a few sentences."),
            "founded": _("For example 2015."),
            "contact_email": _(
                "We send our answer to this address. If the organisation is listed, the "
                "contact person is invited to keep its entry up to date."
            ),
            "publish_organisation": _(
                "Its name, kind, municipality, countries of engagement, description, website, "
                "e-mail address, phone and address are then shown in the public directory. "
                "Without this consent the organisation is listed for the program's staff only."
            ),
            "publish_contact": _("Shown on the organisation's public entry, with its role."),
        }
        labels = {
            "publish_organisation": _(
                "The organisation agrees to be published in the public directory."
            ),
            "publish_contact": _(
                "I agree that my name is shown in public as the organisation's contact person."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        municipality.queryset = Municipality.objects.order_by("name", "pk")
        countries = self.fields["countries"]
        countries.help_text = _(
            "Type part of a name and pick it; several are possible. Please note: the countries an "
            "organisation works in can let others infer the origin of its members, which the "
            "GDPR protects specially (Art. 9). Name them only if you want them to be known."
        )
        for name, limit in TEXT_LIMITS.items():
            field = self.fields[name]
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = limit
        autocomplete = {
            "name": "organization",
            "website": "url",
            "email": "email",
            "phone": "tel",
            "address": "street-address",
            "contact_name": "name",
            "contact_email": "email",
            "contact_phone": "tel",
            "contact_role": "organization-title",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def organisation_fields(self):
        return [self[name] for name in REQUEST_FIELDS[:10]]

    def contact_fields(self):
        return [self[name] for name in REQUEST_FIELDS[10:14]]

    def consent_fields(self):
        return [self["publish_organisation"], self["publish_contact"], self["consent_processing"]]

    def error_fields(self):
        return [*self.organisation_fields(), *self.contact_fields(), *self.consent_fields()]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


def is_spam(data):
    return bool((data.get(HONEYPOT) or "").strip())


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("The requester receives it by e-mail."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
