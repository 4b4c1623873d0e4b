from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from bruecken.adminsite import SafeAutocomplete
from bruecken.places.admin import ReadOnlyAdmin

from . import audit, services
from .history import describe_entries
from .models import AccountInvitation, AuditEntry, RoleAssignment, User


class RoleAssignmentInline(SafeAutocomplete, admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["municipality", "organisation"]


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The program office creates accounts here and gives them their roles."""

    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    inlines = [RoleAssignmentInline]
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "roles__role"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal data"), {"fields": ["full_name", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]

    # Changes to these are changes of what the account may do: audited like the staff pages'.
    AUDITED_FIELDS = ["email", "is_active", "is_staff", "is_superuser"]

    def save_model(self, request, obj, form, change):
        before = User.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj, self.AUDITED_FIELDS)
        found = audit.diff(audit.snapshot(before, self.AUDITED_FIELDS) if before else {}, after)
        if found or not change:
            action = AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE
            audit.record(request.user, action, obj, found)

    def save_formset(self, request, form, formset, change):
        """Role assignments added, changed or removed here are audited, as the services do."""
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        changed = [f.instance for f in formset.forms if f.instance.pk and f.has_changed()]
        before = {a.pk: a for a in RoleAssignment.objects.filter(pk__in=[a.pk for a in changed])}
        deleted = [
            RoleAssignment.objects.filter(pk=f.instance.pk).first()
            for f in formset.deleted_forms
            if f.instance.pk
        ]
        instances = formset.save()
        for assignment in deleted:
            if assignment is not None:
                services.record_role_change(request.user, assignment, None)
        for assignment in instances:
            services.record_role_change(request.user, before.get(assignment.pk), assignment)
        return instances


@admin.register(AccountInvitation)
class AccountInvitationAdmin(ReadOnlyAdmin):
    """Invitations are made, sent again and revoked on the staff pages, through the services."""

    list_display = ["email", "role", "municipality", "organisation", "created_at", "expires_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    exclude = ["token_hash"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log is written by the services and never edited."""

    list_display = ["at", "user", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "user__email"]
    date_hierarchy = "at"
    # The changes as the staff pages show them (labels, local times, the reader's language),
    # not the stored JSON.
    fields = ["at", "user", "action", "object_type", "object_id", "readable_object", "readable"]
    readonly_fields = ["readable_object", "readable"]

    @admin.display(description=_("object"))
    def readable_object(self, entry):
        (described,) = describe_entries([entry])
        return described["object"]

    @admin.display(description=_("changes"))
    def readable(self, entry):
        (described,) = describe_entries([entry])
        if not described["changes"]:
            return "–"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td{}>{}</td><td{}>{}</td></tr>",
            (
                (
                    change["field"],
                    _lang(change["old"]),
                    change["old"],
                    _lang(change["new"]),
                    change["new"],
                )
                for change in described["changes"]
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody>"
            "</table>",
            _("Field"),
            _("Before"),
            _("After"),
            rows,
        )


def _lang(text):
    return format_html(' lang="{}"', text.lang) if text.lang else ""
