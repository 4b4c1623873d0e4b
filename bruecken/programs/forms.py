from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from bruecken.places.models import Municipality

from .models import Admission, ProcessTemplate, Program, TemplateStep, WorkshopKind

MAX_PLACES = 10_000


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
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
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = self.fields["municipalities"]
        municipalities.queryset = Municipality.objects.order_by("name")
        municipalities.widget.attrs["size"] = 10
        municipalities.help_text = _("Hold Ctrl (Cmd on a Mac) to choose several.")
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
