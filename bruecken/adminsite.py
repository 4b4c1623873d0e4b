"""The Django admin's site, with the checks its own views leave out.

The admin filters the rows an action applies to by the ids it is sent (`_selected_action`)
without checking them: a value that is no id was a 500. Our models all have integer ids; other
values are dropped here, for every model's admin, and the admin says that nothing was selected.
Autocomplete fields show again what was sent, also unchecked: `SafeAutocomplete`. Web
addresses without a scheme are https, as in the app's forms: `HttpsAddresses`."""

import re
from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import models

from bruecken.forms import ASSUMED_SCHEME

ID = re.compile(r"[0-9]{1,18}")


class AdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def checked(request, *args, **kwargs):
            if request.method == "POST" and ACTION_CHECKBOX_NAME in request.POST:
                data = request.POST.copy()
                data.setlist(
                    ACTION_CHECKBOX_NAME,
                    [pk for pk in data.getlist(ACTION_CHECKBOX_NAME) if ID.fullmatch(pk)],
                )
                request.POST = data
            return inner(request, *args, **kwargs)

        return update_wrapper(checked, inner)


class AdminConfig(DjangoAdminConfig):
    default_site = "bruecken.adminsite.AdminSite"


class SafeAutocompleteSelect(widgets.AutocompleteSelect):
    """Django's autocomplete looks up the value sent to show it again with the form's errors,
    without checking it: a value that is no id was a 500. Such values are not shown."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        usable = []
        for item in value:
            try:
                target.get_prep_value(target.to_python(item))
            except (ValidationError, ValueError, TypeError):
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)


class HttpsAddresses:
    """For a ModelAdmin or an inline with web addresses: one typed without a scheme is taken as
    https, as in the app's forms (`bruecken.forms.formfield`) and by Django 6."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", ASSUMED_SCHEME)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class SafeAutocomplete:
    """For a ModelAdmin or an inline with `autocomplete_fields`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
