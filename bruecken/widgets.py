"""Form widgets shared by the apps."""

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext


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


# The text typed into a picker is posted as "<name>__search"; the ids as "<name>".
SEARCH_SUFFIX = "__search"


class SearchedText(str):
    """A picker's posted id, with the text typed beside it (`search`)."""

    search = ""


class SearchedList(list):
    """A multiple picker's posted ids, with the text typed beside them (`search`)."""

    search = ""


def _hint(item):
    return (
        format_html(' <span class="picker-hint">({})</span>', item["hint"]) if item["hint"] else ""
    )


class Picker(forms.Widget):
    """The type-ahead picker (bruecken/pickers.py has the fields and the search view).

    Rendered as: the chosen rows as ticked checkboxes (untick to remove), a text input for the
    search with a "Search" button, and, after a search without JavaScript, the matches as radio
    buttons (one) or checkboxes (several). static/js/picker.js turns the text input into an
    ARIA 1.2 combobox with a listbox, the ticked boxes into removable chips, and drops the
    button. `picker` is the field (set by it), which knows the source and the queryset."""

    picker = None
    multiple = False

    def use_required_attribute(self, initial):
        # The chosen rows, not the search text, satisfy "required".
        return False

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
            value = SearchedList(values if isinstance(values, (list, tuple)) else [values])
        else:
            value = SearchedText(data.get(name) or "")
        search = data.get(name + SEARCH_SUFFIX)
        value.search = search if isinstance(search, str) else ""
        return value

    def value_omitted_from_data(self, data, files, name):
        if self.multiple:
            return False
        return name not in data and name + SEARCH_SUFFIX not in data

    def _values(self, value):
        if value is None or value == "":
            return []
        if isinstance(value, (list, tuple)):
            return [v for v in value if v not in (None, "")]
        return [value]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.pop("required", None)
        input_id = attrs.pop("id", None) or f"id_{name}"
        field = self.picker
        chosen = field.chosen(self._values(value)) if field is not None else []
        if attrs.pop("disabled", False):
            return format_html(
                '<input type="text" id="{}" value="{}" disabled{}>',
                input_id,
                ", ".join(item["label"] for item in chosen),
                flatatt(attrs),
            )
        search = getattr(value, "search", "")
        matches, more = field.matches(search) if field is not None and search else ([], False)
        searched = bool(search and search.strip(" \x00"))
        label = str(field.label or name) if field is not None else name
        single_step = searched and not self.multiple
        chosen_box_type = "radio" if single_step else "checkbox"
        chosen_items = format_html_join(
            "",
            '<li><input type="{}" name="{}" value="{}" id="{}-chosen-{}" checked>'
            ' <label for="{}-chosen-{}">{}{}</label></li>',
            (
                (
                    chosen_box_type,
                    name,
                    item["value"],
                    input_id,
                    i,
                    input_id,
                    i,
                    item["label"],
                    _hint(item),
                )
                for i, item in enumerate(chosen)
            ),
        )
        url = reverse("picker", args=[field.source_name]) if field is not None else ""
        if field is not None:
            url += "?" + field.url_query()
        strings = {
            "data-text-one": gettext("1 match"),
            "data-text-many": gettext("{} matches"),
            "data-text-none": gettext("No matches"),
            "data-text-more": gettext("More than {} matches: type more to narrow them down."),
            "data-text-chosen": gettext("{} chosen"),
            "data-text-removed": gettext("{} removed"),
            "data-text-remove": gettext("Remove {}"),
        }
        box = format_html(
            '<div class="picker-box"><input type="text" id="{}" name="{}" value=""'
            ' role="combobox" aria-autocomplete="list" aria-expanded="false"'
            ' aria-controls="{}-listbox" autocomplete="off" spellcheck="false"'
            ' maxlength="100"{}>'
            ' <button type="submit" name="picker_search" value="{}"'
            ' class="button-secondary picker-search-button">{}</button>'
            '<ul id="{}-listbox" role="listbox" aria-label="{}" class="picker-listbox" hidden>'
            "</ul></div>",
            input_id,
            name + SEARCH_SUFFIX,
            input_id,
            flatatt(attrs),
            name,
            pgettext("picker button", "Search"),
            input_id,
            label,
        )
        step = ""
        if searched:
            step = self._search_step(name, input_id, search, chosen, matches, more)
        return format_html(
            '<div class="picker" data-picker data-url="{}" data-name="{}"{}{}>'
            '<ul class="picker-chosen" id="{}-chosen" aria-label="{}">{}</ul>'
            "{}"
            '<div id="{}-status" class="visually-hidden" role="status"></div>{}</div>',
            url,
            name,
            mark_safe(" data-multiple") if self.multiple else "",
            flatatt(strings),
            input_id,
            gettext("Chosen: %(label)s") % {"label": label},
            "" if single_step else chosen_items,
            box,
            input_id,
            step,
        )

    def _search_step(self, name, input_id, search, chosen, matches, more):
        """Without JavaScript: the matches to tick, then the form is sent again."""
        chosen_values = {item["value"] for item in chosen}
        box = "checkbox" if self.multiple else "radio"
        offered = [item for item in matches if item["value"] not in chosen_values]
        if not self.multiple:
            # One choice: the current one stays among the radio buttons, ticked.
            offered = [{**item, "checked": True} for item in chosen] + offered
        rows = format_html_join(
            "",
            '<li><input type="{}" name="{}" value="{}" id="{}-match-{}"{}>'
            ' <label for="{}-match-{}">{}{}</label></li>',
            (
                (
                    box,
                    name,
                    item["value"],
                    input_id,
                    i,
                    mark_safe(" checked") if item.get("checked") else "",
                    input_id,
                    i,
                    item["label"],
                    _hint(item),
                )
                for i, item in enumerate(offered)
            ),
        )
        if not self.multiple and self.picker is not None and not self.picker.required:
            rows = format_html(
                '{}<li><input type="radio" name="{}" value="" id="{}-match-none">'
                ' <label for="{}-match-none">{}</label></li>',
                rows,
                name,
                input_id,
                input_id,
                gettext("no choice"),
            )
        text = " ".join(search.replace("\x00", "").split())[:100]
        legend = (
            gettext("Matches for “%(text)s”") % {"text": text}
            if matches
            else gettext("No matches for “%(text)s”. Try another spelling.") % {"text": text}
        )
        note = ""
        if more:
            note = format_html(
                '<p class="hint">{}</p>',
                gettext("Only the first %(count)s are shown: type more to narrow them down.")
                % {"count": len(matches)},
            )
        return format_html(
            '<fieldset class="picker-fieldset picker-matches"><legend>{}</legend>'
            "<ul>{}</ul>{}</fieldset>",
            legend,
            rows,
            note,
        )
