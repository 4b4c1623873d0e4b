from django.contrib import admin

from bruecken.places.admin import ReadOnlyAdmin

from .models import EngagementForm, Membership, Organisation, Person, Tie, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name_de", "name_en", "group", "position"]
    list_filter = ["group"]
    ordering = ["position"]


@admin.register(EngagementForm)
class EngagementFormAdmin(admin.ModelAdmin):
    list_display = ["code", "name_de", "name_en", "position"]
    ordering = ["position"]


# Actors change only through the staff interface, whose services write the audit log.
@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "municipality", "consent_given_at", "is_demo"]
    list_filter = ["kind", "municipality", "is_demo"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "municipality", "consent_given_at", "is_demo"]
    list_filter = ["municipality", "is_demo"]
    search_fields = ["name", "email"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["person", "organisation", "role", "is_contact"]


@admin.register(Tie)
class TieAdmin(ReadOnlyAdmin):
    list_display = ["source", "target", "kind", "started_on", "ended_on"]
    list_filter = ["kind"]
