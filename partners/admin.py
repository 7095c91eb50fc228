from django.contrib import admin

from programmes.admin_scoping import ScopedModelAdmin, ScopedTabularInline

from .models import PartnerOrganisation, Partnership


class PartnershipInline(ScopedTabularInline):
    model = Partnership
    extra = 0
    fields = ("programme", "branch", "starts_on", "ends_on")


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "website")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (PartnershipInline,)


@admin.register(Partnership)
class PartnershipAdmin(ScopedModelAdmin):
    list_display = ("organisation", "programme", "branch", "starts_on", "ends_on")
    list_filter = (("branch", admin.RelatedOnlyFieldListFilter), "organisation", "programme")
    search_fields = ("organisation__name", "programme__name", "branch__name", "notes")
    list_select_related = ("organisation", "programme", "branch")
