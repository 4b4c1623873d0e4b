from django import forms
from django.utils.translation import gettext_lazy as _

from .importers import IMPORTERS
from .models import ImportKind, OnDuplicate


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What does the file contain?"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (semicolon, comma or tab; UTF-8 or Windows-1252) or XLSX; the first row "
            "names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
    on_duplicate = forms.ChoiceField(
        label=_("Rows that match an existing entry"),
        choices=OnDuplicate.choices,
        initial=OnDuplicate.SKIP,
        widget=forms.RadioSelect,
    )


class MappingForm(forms.Form):
    """One select per column of the file: which field it fills, or none."""

    on_duplicate = forms.ChoiceField(
        label=_("Rows that match an existing entry"),
        choices=OnDuplicate.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run
        self.fields["on_duplicate"].initial = run.on_duplicate
        columns = IMPORTERS[run.kind].columns
        choices = [("", _("– do not import –"))] + [
            (key, column.label) for key, column in columns.items()
        ]
        self.column_fields = []
        for index, header in enumerate(run.headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=run.mapping.get(str(index))
            )
            self.column_fields.append(name)

    def clean(self):
        data = super().clean()
        used = {}
        for index, name in enumerate(self.column_fields):
            key = data.get(name)
            if not key:
                continue
            if key in used:
                self.add_error(
                    name,
                    _("“%(field)s” is already assigned to the column “%(other)s”.")
                    % {
                        "field": IMPORTERS[self.run.kind].columns[key].label,
                        "other": self.run.headers[used[key]],
                    },
                )
            used[key] = index
        return data

    def mapping(self):
        return {
            str(index): self.cleaned_data[name]
            for index, name in enumerate(self.column_fields)
            if self.cleaned_data.get(name)
        }

    def column_rows(self):
        return [self[name] for name in self.column_fields]
