from django.contrib import admin

from bruecken.adminsite import HttpsAddresses, SafeAutocomplete

from .models import Country, Language, Municipality, Partnership, WorldRegion


class ReadOnlyAdmin(HttpsAddresses, admin.ModelAdmin):
    """Shown in the admin, never changed there: reference data is loaded from its sources,
    actors and the audit log are written by the services (which record what changed)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReferenceAdmin(ReadOnlyAdmin):
    """Loaded from maintained sources (`bruecken load_reference`): look, don't edit."""

    list_display = ["code", "name_de", "name_en"]
    search_fields = ["code", "name_de", "name_en"]


@admin.register(WorldRegion)
class WorldRegionAdmin(ReferenceAdmin):
    pass


@admin.register(Country)
class CountryAdmin(ReferenceAdmin):
    list_display = ["code", "name_de", "name_en", "region", "subregion"]
    list_filter = ["region"]


@admin.register(Language)
class LanguageAdmin(ReferenceAdmin):
    pass


class PartnershipInline(HttpsAddresses, SafeAutocomplete, admin.TabularInline):
    model = Partnership
    extra = 0
    autocomplete_fields = ["country"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ags", "federal_state"]
    list_filter = ["kind", "federal_state"]
    search_fields = ["name", "ags"]
    inlines = [PartnershipInline]


@admin.register(Partnership)
class PartnershipAdmin(HttpsAddresses, SafeAutocomplete, admin.ModelAdmin):
    list_display = ["municipality", "partner_name", "country", "kind", "since"]
    list_filter = ["kind", "municipality"]
    search_fields = ["partner_name", "municipality__name"]
    autocomplete_fields = ["municipality", "country"]
