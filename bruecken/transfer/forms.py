from django import forms
from django.utils.translation import gettext_lazy as _

from .importers import IMPORTERS
from .importers.values import VOCABULARIES
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


class VocabularyField(forms.CharField):
    """A known value typed with suggestions (a datalist: no long select, no script): its name
    in German or English, or its code. The form resolves it to the code. The suggestions are
    one datalist per vocabulary (`datalist_id`), shared by the fields of a page."""

    MAX_LENGTH = 300

    def __init__(self, vocabulary, **kwargs):
        self.vocabulary = vocabulary
        widget = forms.TextInput(
            attrs={"list": datalist_id(vocabulary.name), "autocomplete": "off"}
        )
        super().__init__(required=False, max_length=self.MAX_LENGTH, widget=widget, **kwargs)

    def code(self, text):
        """The code the typed text names, or None."""
        if not text or "\x00" in text:
            return None
        return self.vocabulary.code_of_text(text)


def datalist_id(name):
    return f"known-{name.replace('_', '-')}"


class ValueMappingForm(forms.Form):
    """For each unknown value the dry run listed: the known value it stands for (the proposal
    filled in), or leave it out."""

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run
        self.entries = []
        vocabularies = {}
        for index, entry in enumerate(run.unknown_values):
            name = entry["vocabulary"]
            if name not in VOCABULARIES:
                continue
            if name not in vocabularies:
                vocabularies[name] = VOCABULARIES[name]()
            vocabulary = vocabularies[name]
            value_field = f"value_{index}"
            drop_field = f"drop_{index}"
            shown = entry["value"][:60]
            # Labels name the value: the error summary lists them apart from the fieldsets.
            self.fields[value_field] = VocabularyField(
                vocabulary,
                label=_("“%(value)s” stands for") % {"value": shown},
                initial=vocabulary.label_of(entry.get("proposal") or ""),
                help_text=_("Type to search, e.g. a name in German or English."),
            )
            self.fields[drop_field] = forms.BooleanField(
                label=_("Leave “%(value)s” out") % {"value": shown}, required=False
            )
            self.entries.append(
                {
                    "entry": entry,
                    "what": vocabulary.label,
                    "proposal": vocabulary.label_of(entry.get("proposal") or ""),
                    "value_field": value_field,
                    "drop_field": drop_field,
                }
            )

    def clean(self):
        data = super().clean()
        self.codes = {}
        for item in self.entries:
            text = data.get(item["value_field"])
            if data.get(item["drop_field"]) or not text:
                continue  # left out, or not decided yet: nothing to resolve
            code = self.fields[item["value_field"]].code(text)
            if code is None:
                self.add_error(
                    item["value_field"],
                    _("Not a known value: type part of the name, then pick a suggestion."),
                )
            else:
                self.codes[item["value_field"]] = code
        return data

    def datalists(self):
        """[(id, suggestions)]: one list per vocabulary the fields use."""
        lists, seen = [], set()
        for item in self.entries:
            vocabulary = self.fields[item["value_field"]].vocabulary
            if vocabulary.name not in seen:
                seen.add(vocabulary.name)
                labels = [label for _code, label in vocabulary.options()]
                lists.append((datalist_id(vocabulary.name), labels))
        return lists

    def rows(self):
        return [
            {**item, "value": self[item["value_field"]], "drop": self[item["drop_field"]]}
            for item in self.entries
        ]

    def choices(self):
        """{(vocabulary, value key): code, "" (leave out) or None (not decided)}."""
        chosen = {}
        for item in self.entries:
            entry = item["entry"]
            if self.cleaned_data.get(item["drop_field"]):
                target = ""
            else:
                target = self.codes.get(item["value_field"])
            chosen[(entry["vocabulary"], entry["key"])] = target
        return chosen
