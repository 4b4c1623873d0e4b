from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bruecken import forms as safe
from bruecken.accounts.models import User
from bruecken.actors.models import Organisation, Topic
from bruecken.events.models import Event
from bruecken.forms import formfield
from bruecken.pickers import PickerField, PickerMultipleField
from bruecken.places.models import Municipality

from .models import Advice, AdviceKind, advisor_choices, advisory_seminars, recordable_organisations

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AdviceForm(forms.ModelForm):
    """Record or change an advice. The organisation is chosen among those the user may record
    advice for, and stays once recorded; seminar and advisor are picked by typing."""

    organisation = PickerField(source="organisations", label=_("Organisation"))

    class Meta:
        model = Advice
        formfield_callback = formfield
        fields = [
            "organisation",
            "kind",
            "event",
            "given_on",
            "topic",
            "topics",
            "advisor",
            "next_steps",
            "follow_up_on",
        ]
        field_classes = {
            "event": PickerField.using("advisory_seminars"),
            "topics": PickerMultipleField.using("topics"),
            "advisor": PickerField.using("advisors"),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "given_on": DATE_WIDGET,
            "follow_up_on": DATE_WIDGET,
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "event": _("For advice at an advisory seminar: the seminar."),
            "topic": _("What the advice was about, in a few words."),
            "next_steps": _("What was agreed, and who does what by when."),
            "follow_up_on": _("When the advisor asks how it went; they are reminded by e-mail."),
        }

    def __init__(self, *args, user, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        fields = self.fields
        fields["kind"].choices = AdviceKind.choices
        fields["event"].queryset = advisory_seminars(user)
        fields["topics"].queryset = Topic.objects.all()
        advisors = advisor_choices(user)
        if self.instance.advisor_id:
            # The advisor already named stays valid, even if they no longer hold the role.
            advisors = User.objects.filter(
                Q(pk__in=advisors.values("pk")) | Q(pk=self.instance.advisor_id)
            ).order_by("full_name", "email", "pk")
        fields["advisor"].queryset = advisors
        if self.instance.event_id:
            fields["event"].queryset = Event.objects.filter(
                Q(pk__in=advisory_seminars(user).values("pk")) | Q(pk=self.instance.event_id)
            ).order_by("-starts_at", "-pk")
        organisation = organisation or (
            self.instance.organisation if self.instance.organisation_id else None
        )
        if organisation is not None:
            fields["organisation"].queryset = Organisation.objects.filter(pk=organisation.pk)
            fields["organisation"].initial = organisation.pk
            fields["organisation"].disabled = True
        else:
            fields["organisation"].queryset = recordable_organisations(user)
        if not self.instance.pk:
            fields["advisor"].initial = user.pk if advisors.filter(pk=user.pk).exists() else None


FOLLOW_UP_CHOICES = [
    ("", _("all")),
    ("due", _("due (today or earlier)")),
    ("overdue", _("overdue")),
    ("open", _("open")),
    ("done", _("followed up")),
    ("none", _("none agreed")),
]


class AdviceFilterForm(forms.Form):
    """The filters of "who was advised on what"."""

    q = forms.CharField(label=_("Topic"), required=False, max_length=200)
    topic = PickerField(Topic.objects.all(), source="topics", label=_("Topic area"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all")), *AdviceKind.choices]
    )
    advisor = PickerField(
        User.objects.none(), source="advisors", label=_("Advisor"), required=False
    )
    municipality = PickerField(
        Municipality.objects.all(),
        source="municipalities",
        label=_("Municipality"),
        required=False,
    )
    given_from = safe.DateField(label=_("Advice from"), required=False, widget=DATE_WIDGET)
    given_until = safe.DateField(label=_("Advice until"), required=False, widget=DATE_WIDGET)
    follow_up = forms.ChoiceField(label=_("Follow-up"), required=False, choices=FOLLOW_UP_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Anyone who gave advice the user sees, whatever their role now.
        self.fields["advisor"].queryset = User.objects.filter(
            pk__in=Advice.objects.visible_to(user).values("advisor_id")
        ).order_by("full_name", "email", "pk")


class FollowUpForm(forms.Form):
    done = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )
