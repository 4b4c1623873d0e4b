from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bruecken import forms as safe
from bruecken.actors.forms import formfield
from bruecken.pickers import PickerField, PickerMultipleField
from bruecken.programs.models import (
    Admission,
    Goal,
    Rating,
    Result,
    ResultStatus,
    WorkshopKind,
)
from bruecken.programs.services import GOAL_FIELDS

from .models import AgendaItem, Document, Event
from .services.staff import EVENT_EDITABLE

BERLIN = ZoneInfo("Europe/Berlin")
MINUTES_MAX_LENGTH = 100_000


class LocalDateTimeField(safe.DateTimeField):
    """A date and time as people in Germany read it, whatever time zone the server runs in;
    stored time-zone-aware. A time that does not exist or exists twice when the clocks change is
    refused with a message."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs["help_text"] = kwargs.get("help_text") or _("German time (Europe/Berlin).")
        super().__init__(**kwargs)

    def to_python(self, value):
        with timezone.override(BERLIN):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(BERLIN):
            return super().prepare_value(value)


DATETIME_FIELDS = {
    "starts_at": LocalDateTimeField,
    "ends_at": LocalDateTimeField,
    "registration_deadline": LocalDateTimeField,
}


def _event_formfield(model_field, **kwargs):
    if model_field.name in DATETIME_FIELDS:
        kwargs["form_class"] = DATETIME_FIELDS[model_field.name]
    return formfield(model_field, **kwargs)


def limit(field, highest):
    """An upper bound the same on every database (SQLite would store any number)."""
    field.validators.append(MaxValueValidator(highest))
    field.widget.attrs["max"] = highest


MAX_PLACES = 10_000
MAX_REMINDER_DAYS = 365


class EventForm(forms.ModelForm):
    """An event's facts. Topic and places per municipality are asked for only where they apply;
    the evaluation workshop's admission is fixed."""

    class Meta:
        model = Event
        formfield_callback = _event_formfield
        fields = EVENT_EDITABLE
        field_classes = {"languages": PickerMultipleField.using("languages")}
        widgets = {
            "title_en": forms.TextInput(attrs={"lang": "en"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
            "venue": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "is_published": _(
                "Published events are shown on the website and open for registration."
            ),
            "venue": _("Street, postcode and town; leave empty for an online event."),
            "title_en": _("For the English website; leave empty to show the German title."),
            "description_en": _(
                "For the English website; leave empty to show the German description."
            ),
        }

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind or self.instance.kind
        if self.kind and self.kind != WorkshopKind.SEMINAR:
            del self.fields["topic"]
        if self.kind and self.kind != WorkshopKind.EXCHANGE:
            del self.fields["places_per_municipality"]
        admission = self.fields["admission"]
        if self.kind == WorkshopKind.EVALUATION:
            admission.choices = [(Admission.INITIATIVE_CIRCLE, Admission.INITIATIVE_CIRCLE.label)]
            admission.disabled = True
            admission.initial = Admission.INITIATIVE_CIRCLE
        else:
            admission.choices = [
                choice for choice in Admission.choices if choice[0] != Admission.INITIATIVE_CIRCLE
            ]
        for name in ("capacity_min", "capacity", "places_per_municipality"):
            if name in self.fields:
                limit(self.fields[name], MAX_PLACES)
        limit(self.fields["reminder_days"], MAX_REMINDER_DAYS)
        self.fields["languages"].help_text = _(
            "Type part of a name and pick it; several are possible."
        )


class ProgramEventForm(EventForm):
    """A program-level exchange workshop or advisory seminar."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (WorkshopKind.EXCHANGE, WorkshopKind.EXCHANGE.label),
            (WorkshopKind.SEMINAR, WorkshopKind.SEMINAR.label),
        ],
    )
    field_order = ["kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, kind=None, **kwargs)
        self.fields["topic"].help_text = _("For advisory seminars.")

    def clean(self):
        data = super().clean()
        if data.get("kind") != WorkshopKind.EXCHANGE and data.get("places_per_municipality"):
            self.add_error(
                "places_per_municipality",
                _("Places per municipality apply to exchange workshops only."),
            )
        return data


class RescheduleForm(forms.ModelForm):
    class Meta:
        model = Event
        formfield_callback = _event_formfield
        fields = ["starts_at", "ends_at", "venue", "online_url"]
        widgets = {"venue": forms.Textarea(attrs={"rows": 3})}


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["starts_at", "title", "title_en", "responsible"]
        field_classes = {"responsible": PickerField.using("people")}
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "title_en": forms.TextInput(attrs={"lang": "en"}),
        }
        help_texts = {
            "title_en": _("For the English website; leave empty to show the German title."),
        }

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        responsible = self.fields["responsible"]
        responsible.queryset = people
        responsible.help_text = _("Leave empty for nobody in particular.")


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "file"]
        help_texts = {
            "file": _("PDF, office documents (ODF or Microsoft), text, PNG or JPEG; at most 10 MB.")
        }


class PeopleChoiceForm(forms.Form):
    """People typed and picked (bruecken/pickers.py). `people` is what the choice is checked
    against, `offered` what the search offers (say, the initiative circle alone): someone
    between the two is refused by the service, which names them."""

    people = PickerMultipleField(
        source="people",
        label=_("People"),
        error_messages={"required": _("Choose at least one person.")},
        help_text=_("Type part of a name and pick it; several are possible."),
    )

    def __init__(self, *args, people, offered=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        field.queryset = people
        field.offered = offered


class InviteByEmailForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(
        label=_("Language for e-mails"), choices=settings.LANGUAGES, initial="de"
    )


class AttendanceForm(forms.Form):
    CHOICES = {"yes": True, "no": False, "clear": None}

    registration = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    attended = forms.ChoiceField(
        choices=[("yes", _("attended")), ("no", _("no-show")), ("clear", _("not recorded"))]
    )

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration"].queryset = registrations

    @property
    def attended_value(self):
        return self.CHOICES[self.cleaned_data["attended"]]


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        formfield_callback = formfield
        # The English versions beside the German ones, for the English public pages.
        fields = GOAL_FIELDS
        field_classes = {"responsible": PickerField.using("organisations")}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = organisations
        self.fields["responsible"].help_text = _("Leave empty while none is responsible yet.")


class ResultForm(forms.ModelForm):
    note = forms.CharField(
        label=_("Note on the status change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the dated status history."),
    )

    class Meta:
        model = Result
        fields = ["kind", "text", "text_en", "goals", "organisations", "status", "is_public"]
        field_classes = {"organisations": PickerMultipleField.using("organisations")}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "text_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
            "goals": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, goals, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if goals is None:
            del self.fields["goals"]
        else:
            self.fields["goals"].queryset = goals
        self.fields["organisations"].queryset = organisations
        self.fields["organisations"].help_text = _(
            "Type part of a name and pick it; several are possible."
        )
        self.fields["status"].initial = ResultStatus.PLANNED
        if not self.instance.pk:
            del self.fields["note"]


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Rating"),
        required=False,
        choices=[("", _("not rated yet")), *Rating.choices],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=MINUTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "Markdown: # heading, **bold**, *italic*, - list item, [text](https://…) for a link."
        ),
    )


class PublicRegistrationForm(forms.Form):
    """Registering for an open event without an account. Nothing of it is stored until the
    visitor confirms through the link we send to the address."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Please enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_(
            "We send you a link to this address; your registration counts once you "
            "have confirmed it."
        ),
        error_messages={
            "required": _("Please enter your e-mail address."),
            "invalid": _("Please enter a complete e-mail address, such as name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisation (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    privacy = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my details are used to "
            "register me for this event."
        ),
        error_messages={"required": _("Please confirm that you have read the privacy notice.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["privacy"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("website:privacy"), gettext("Read the privacy notice")
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_organisation(self):
        return " ".join(self.cleaned_data["organisation"].split())
