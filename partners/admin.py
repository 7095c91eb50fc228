from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from programmes.admin_scoping import ScopedModelAdmin, ScopedTabularInline

from .models import PartnerOrganisation, Partnership
from .referral_links import referral_url
from .services import referral_link_close, referral_link_renew


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
    # The link professionals refer families with, and the means to revoke it.
    readonly_fields = ("referral_link",)
    exclude = ("referral_key",)
    actions = ("renew_referral_link", "close_referral_link")

    @admin.display(description=_("referral link"))
    def referral_link(self, obj: Partnership):
        url = referral_url(partnership=obj) if obj.pk else ""
        if not url:
            return _("Closed: no referrals. Use “Make a new referral link” to open it.")
        return format_html(
            '<code style="word-break: break-all">{}</code><br><span class="help">{}</span>',
            url,
            _("Give this link to health visitors, social workers and daycare staff."),
        )

    @admin.action(
        permissions=["change"],
        description=_("Make a new referral link (the old one stops working)"),
    )
    def renew_referral_link(self, request, queryset) -> None:
        for partnership in queryset:
            referral_link_renew(partnership=partnership)
        messages.success(request, _("New referral links made; the old ones no longer work."))

    @admin.action(permissions=["change"], description=_("Close referrals (the link stops working)"))
    def close_referral_link(self, request, queryset) -> None:
        for partnership in queryset:
            referral_link_close(partnership=partnership)
        messages.success(request, _("Referrals closed."))
