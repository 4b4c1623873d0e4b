"""Form widgets shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class FastSelect(forms.Select):
    """A select list rendered in Python rather than a template per option: the filter lists
    (hundreds of municipalities, ~250 countries) took a third of a directory page's time.
    Flat choices only; the HTML is the same as Django's Select."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(item) for item in self.format_value(value)}
        selected_marker = mark_safe(" selected")
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, selected_marker if str(option_value) in selected else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class TypeAhead(forms.TextInput):
    """A text field that suggests as one types: an HTML datalist, so no script is needed and
    the browser announces the suggestions. `suggestions`: the texts offered."""

    def __init__(self, attrs=None, suggestions=()):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.suggestions = list(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or self.attrs.get('id') or 'id_' + name}-suggestions"
        attrs["list"] = list_id
        field = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((s,) for s in self.suggestions)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


class TypeAheadChoiceField(forms.Field):
    """A choice among many objects (municipalities, countries) typed into a `TypeAhead`: the
    suggestions read "name (key)"; a typed name that names exactly one object (case aside) or
    its key alone is taken too. Anything else is a validation error, never a lookup failure."""

    widget = TypeAhead
    default_error_messages = {
        "invalid_choice": _("Choose one of the suggestions: type part of the name, then pick it."),
        "ambiguous": _("Several match “%(value)s”: pick one of the suggestions."),
    }
    MAX_LENGTH = 300

    def __init__(self, queryset, key_field, name_fields, name_of=str, **kwargs):
        self.queryset = queryset
        self.key_field = key_field
        self.name_fields = list(name_fields)
        self.name_of = name_of
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", str(self.MAX_LENGTH))

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self.queryset.all()
        return result

    def label_of(self, obj):
        return f"{self.name_of(obj)} ({getattr(obj, self.key_field)})"

    def suggest(self, objects=None):
        """Offer these objects (default: the whole queryset) in the list of suggestions."""
        rows = self.queryset if objects is None else objects
        self.widget.suggestions = [self.label_of(obj) for obj in rows]

    def prepare_value(self, value):
        if isinstance(value, self.queryset.model):
            return self.label_of(value)
        if isinstance(value, int):
            obj = self.queryset.filter(pk=value).first()
            return self.label_of(obj) if obj else ""
        return value

    def to_python(self, value):
        text = (value or "").strip() if isinstance(value, str) else ""
        if not text:
            return None
        if len(text) > self.MAX_LENGTH or "\x00" in text:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if text.endswith(")") and " (" in text:
            # A suggestion, "name (key)". Names may hold brackets too: "Frankfurt (Oder)".
            key = text[:-1].rsplit(" (", 1)[1].strip()
            found = list(self.queryset.filter(**{self.key_field: key})[:2])
            if len(found) == 1:
                return found[0]
        found = list(self.queryset.filter(**{self.key_field: text})[:2])
        if len(found) == 1:
            return found[0]
        condition = Q()
        for field in self.name_fields:
            condition |= Q(**{f"{field}__iexact": text})
        found = list(self.queryset.filter(condition)[:2])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"value": text}
            )
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
