"""The controls of a network page (read from the query string, so every view can be linked)."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bruecken.pickers import PickerField

from .graph import EdgeKind
from .groups import GROUPS

KINDS = {
    "tie": EdgeKind.TIE,
    "coattendance": EdgeKind.COATTENDANCE,
    "shared_responsibility": EdgeKind.SHARED_RESPONSIBILITY,
    "introduction": EdgeKind.INTRODUCTION,
}
KIND_LABELS = {
    "tie": _("recorded ties"),
    "coattendance": _("met at workshops"),
    "shared_responsibility": _("shared goals and results"),
    "introduction": _("introductions through Brücken"),
}


class NetworkFilterForm(forms.Form):
    """`snapshot` (a workshop date of the scope) wins when chosen; otherwise `until`, a free
    date; neither: today. Tie kinds and groups: none ticked means all."""

    snapshot = forms.ChoiceField(label=_("Workshop date"), required=False)
    until = forms.DateField(
        label=_("Or another date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Counts when no workshop date is chosen above. Empty: today."),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, for example 2026-03-01.")},
    )
    min_workshops = forms.IntegerField(
        label=_("Minimum number of shared workshops"),
        required=False,
        min_value=1,
        max_value=999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_(
            "Organisations that only met at workshops are linked once they have met at at least "
            "this many. Empty: 1 (one shared workshop links them)."
        ),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of ties"),
        required=False,
        choices=list(KIND_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.MultipleChoiceField(
        label=_("Actor groups"),
        required=False,
        choices=list(GROUPS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    municipality = PickerField(
        source="municipalities",
        label=_("Municipality"),
        required=False,
        help_text=_("Empty: all municipalities of the program."),
    )

    def __init__(self, data, dates, municipalities=None):
        # Nothing ticked shows everything; the boxes say so by being ticked.
        data = data.copy()
        if not data.getlist("kinds"):
            data.setlist("kinds", list(KINDS))
        if not data.getlist("group"):
            data.setlist("group", list(GROUPS))
        super().__init__(data)
        self.fields["snapshot"].choices = [
            ("", _("none (use the date below)")),
            *((day.isoformat(), date_format(day, "SHORT_DATE_FORMAT")) for day in dates),
        ]
        if municipalities is None:
            del self.fields["municipality"]
        else:
            self.fields["municipality"].queryset = municipalities

    def chosen_date(self, today):
        if self.cleaned_data.get("snapshot"):
            return forms.DateField().to_python(self.cleaned_data["snapshot"])
        return self.cleaned_data.get("until") or today

    def workshop_minimum(self):
        return self.cleaned_data.get("min_workshops") or 1

    def kind_flags(self):
        flags = 0
        for name in self.cleaned_data["kinds"]:
            flags |= KINDS[name]
        return flags or EdgeKind.ALL
