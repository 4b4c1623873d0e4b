from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from bruecken.actors.forms import formfield
from bruecken.pickers import PickerField, PickerMultipleField
from bruecken.places.models import Municipality, MunicipalityKind

from .models import Admission, ProcessTemplate, Program, TemplateStep, WorkshopKind

MAX_PLACES = 10_000


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        formfield_callback = formfield
        fields = [
            "name",
            "name_en",
            "description",
            "description_en",
            "office",
            "starts_on",
            "ends_on",
            "municipalities",
            "template",
        ]
        field_classes = {"municipalities": PickerMultipleField.using("municipalities")}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = self.fields["municipalities"]
        municipalities.queryset = Municipality.objects.all()
        municipalities.help_text = _("Type part of a name and pick it; several are possible.")
        self.fields["template"].empty_label = None

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end lies before the start."))
        return data


class ProcessTemplateForm(forms.ModelForm):
    class Meta:
        model = ProcessTemplate
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TemplateStepForm(forms.ModelForm):
    class Meta:
        model = TemplateStep
        fields = ["kind", "title", "capacity_min", "capacity_max", "admission", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("capacity_min", "capacity_max"):
            # The same bound on every database (SQLite would store any number).
            self.fields[name].validators.append(MaxValueValidator(MAX_PLACES))
            self.fields[name].widget.attrs["max"] = MAX_PLACES

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == WorkshopKind.EVALUATION
            and data.get("admission")
            and data["admission"] != Admission.INITIATIVE_CIRCLE
        ):
            self.add_error(
                "admission", _("The evaluation workshop admits the initiative circle only.")
            )
        return data


class BaseStepFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.steps():
            raise forms.ValidationError(_("A process template needs at least one step."))

    def steps(self):
        """The steps to keep, in the order given, as dicts for the service."""
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form) and form.cleaned_data
        ]
        kept.sort(
            key=lambda form: (form.cleaned_data.get("ORDER") or 10_000, self.forms.index(form))
        )
        return [
            {name: form.cleaned_data.get(name) for name in TemplateStepForm.Meta.fields}
            for form in kept
        ]


StepFormSet = forms.inlineformset_factory(
    ProcessTemplate,
    TemplateStep,
    form=TemplateStepForm,
    formset=BaseStepFormSet,
    extra=2,
    can_order=True,
    can_delete=True,
)


def municipality_field(**kwargs):
    return PickerField(
        Municipality.objects.all(),
        source="municipalities",
        label=_("Municipality"),
        help_text=_(
            "Type part of the name or the official key (AGS) and pick it from the suggestions."
        ),
        **kwargs,
    )


class AddMunicipalityForm(forms.Form):
    """A municipality already known to Brücken, or a new one (name, kind, official key)."""

    municipality = municipality_field(required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "–"), *MunicipalityKind.choices], required=False
    )
    ags = forms.CharField(
        label=_("Official key (AGS)"),
        max_length=8,
        required=False,
        help_text=_("8 digits for a city or municipality, 5 for a district."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    start_process = forms.BooleanField(
        label=_("Start its local process now"),
        required=False,
        help_text=_("Creates its workshops from the program's template, as drafts."),
    )

    NEW_FIELDS = ("name", "kind", "ags")

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        field.queryset = field.queryset.exclude(programs=program)

    def clean(self):
        data = super().clean()
        new = [name for name in self.NEW_FIELDS if data.get(name)]
        if data.get("municipality") and new:
            raise forms.ValidationError(
                _("Choose a known municipality or enter a new one, not both.")
            )
        if not data.get("municipality") and not new and not self.errors:
            raise forms.ValidationError(_("Choose a municipality or enter a new one."))
        if new:
            for name in self.NEW_FIELDS:
                if not data.get(name):
                    self.add_error(name, _("Needed for a new municipality."))
        return data
