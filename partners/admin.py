from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_scoping import ScopedModelAdmin, ScopedTabularInline
from partners.models import ContactPerson, PartnerOrganisation, Partnership
from partners.referral_links import referral_url
from partners.selectors import contacts_for_user, organisations_for_user
from partners.services import (
    PartnerError,
    partnership_fixed_fields,
    partnership_update,
    referral_link_close,
    referral_link_renew,
)
from programmes.selectors import branches_for_user

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec
    from django_stubs_ext import StrOrPromise


class PartnershipInline(ScopedTabularInline):
    """The organisation's partnerships, to read and open: each is changed on its own page,
    through partners.services.partnership_update (a staffed one keeps its organisation,
    programme and branch)."""

    model = Partnership
    extra = 0
    fields = ("programme", "branch", "starts_on", "ends_on")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    # A website typed without a scheme is https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "website")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (PartnershipInline,)


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ("name", "works_for", "title", "email", "phone", "has_login")
    list_filter = (
        ("organisation", admin.RelatedOnlyFieldListFilter),
        ("branch", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "email", "title", "organisation__name", "branch__name")
    list_select_related = ("organisation", "branch")
    autocomplete_fields = ("user",)
    fields = ("branch", "organisation", "name", "title", "email", "phone", "language", "user")

    def get_queryset(self, request):
        return contacts_for_user(super().get_queryset(request), request.user)

    def get_readonly_fields(self, request, obj=None):
        # A login on a partner's contact makes its user a coordinator, who sees the
        # organisation's volunteers' phone numbers: only a superuser hands that out, and
        # moving a contact who has one to another organisation would hand out that
        # organisation's. So a librarian sets the organisation once, when adding.
        if request.user.is_superuser:
            return ()
        return ("user",) if obj is None else ("branch", "organisation", "user")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            # Empty for the library's own staff; otherwise a partner at their branches.
            kwargs["queryset"] = organisations_for_user(request.user)
        if db_field.name == "branch":
            # The library's own staff: at one of the librarian's branches.
            kwargs["queryset"] = branches_for_user(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("works for"), ordering="organisation__name")
    def works_for(self, obj: ContactPerson) -> StrOrPromise:
        if obj.organisation is not None:
            return obj.organisation.name
        return obj.branch.name if obj.branch is not None else _("the library")

    @admin.display(description=_("signs in"), boolean=True, ordering="user")
    def has_login(self, obj: ContactPerson) -> bool:
        return obj.user_id is not None


class PrivateFile:
    """A stored file named by its own name but reached through a staff-only address."""

    def __init__(self, file, url: str):
        self.file, self.url = file, url

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class PrivateFileInput(AdminFileWidget):
    """The file input whose "currently" link goes to ``download_url``, not to MEDIA_URL."""

    download_url = ""

    def format_value(self, value):
        if self.download_url and self.is_initial(value):
            return PrivateFile(value, self.download_url)
        return super().format_value(value)


class PartnershipAdminForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = (
            "organisation",
            "programme",
            "branch",
            "starts_on",
            "ends_on",
            "library_contact",
            "coordinators",
            "notes",
            "agreement",
            "cancel_cutoff_hours",
        )
        widgets = {"agreement": PrivateFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "library_contact" in self.fields:
            self.fields["library_contact"].error_messages["invalid_choice"] = _(
                "Choose one of the library's own staff: a partner's contact person cannot be "
                "the library's contact."
            )

    def clean_library_contact(self):
        contact = self.cleaned_data.get("library_contact")
        if contact is not None and contact.organisation_id is not None:
            raise forms.ValidationError(
                self.fields["library_contact"].error_messages["invalid_choice"]
            )
        return contact

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        organisation = cleaned.get("organisation")
        if "organisation" not in self.fields and self.instance.organisation_id:
            # Read-only once the partnership has shifts: the saved one stands.
            organisation = self.instance.organisation
        coordinators = cleaned.get("coordinators")
        if organisation is not None and coordinators:
            strangers = [c.name for c in coordinators if c.organisation_id != organisation.pk]
            if strangers:
                self.add_error(
                    "coordinators",
                    _(
                        "%(names)s cannot coordinate for %(organisation)s: a coordinator must "
                        "be one of the organisation's own contact persons."
                    )
                    % {"names": ", ".join(strangers), "organisation": organisation.name},
                )
        return cleaned


# Registered by volunteers.admin, which adds the partnership's volunteer turnover
# (volunteers is a layer above partners).
class PartnershipAdmin(ScopedModelAdmin):
    form = PartnershipAdminForm
    list_display = (
        "organisation",
        "programme",
        "branch",
        "starts_on",
        "ends_on",
        "library_contact",
    )
    list_filter = (("branch", admin.RelatedOnlyFieldListFilter), "organisation", "programme")
    search_fields = ("organisation__name", "programme__name", "branch__name", "notes")
    list_select_related = ("organisation", "programme", "branch", "library_contact")
    filter_horizontal = ("coordinators",)
    # Both extended by volunteers.admin.
    fieldsets: ClassVar[_FieldsetSpec] = (
        (None, {"fields": ("organisation", "programme", "branch", ("starts_on", "ends_on"))}),
        (_("People"), {"fields": ("library_contact", "coordinators")}),
        (
            _("Agreement"),
            {"fields": ("notes", "agreement", "agreement_download", "cancel_cutoff_hours")},
        ),
        (_("Referrals"), {"fields": ("referral_link",)}),
    )
    # The link professionals refer families with, and the means to revoke it.
    readonly_fields: ClassVar[tuple[str, ...]] = ("referral_link", "agreement_download")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is None:
            return fields
        return (*fields, *partnership_fixed_fields(partnership=obj))

    def save_model(self, request, obj, form, change) -> None:
        if change:
            partnership_update(partnership=obj)
        else:
            super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The service's refusal (shifts planned since the form was opened) undoes the
        # whole save, coordinators and history included, and is shown on the page again.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PartnerError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.get_full_path())

    actions = ("renew_referral_link", "close_referral_link")

    class Media:
        css = {"all": ("partners/admin.css",)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            # A librarian works with the partners already at their branches: a partnership
            # with another would open that partner's contacts and volunteers to them. A
            # library's first partnership with a new partner is a superuser's to make.
            kwargs["queryset"] = organisations_for_user(request.user)
        if db_field.name == "library_contact":
            kwargs["queryset"] = contacts_for_user(
                ContactPerson.objects.filter(organisation__isnull=True), request.user
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "coordinators":
            kwargs["queryset"] = contacts_for_user(
                ContactPerson.objects.filter(organisation__isnull=False).select_related(
                    "organisation"
                ),
                request.user,
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "coordinators" in form.base_fields:
            # Only the organisation's own people coordinate for it (the form checks this
            # on a new partnership, where the organisation is chosen with them).
            field = cast(forms.ModelMultipleChoiceField, form.base_fields["coordinators"])
            if field.queryset is not None:
                field.queryset = field.queryset.filter(organisation_id=obj.organisation_id)
        if "agreement" in form.base_fields:
            widget = form.base_fields["agreement"].widget
            widget.download_url = self._download_url(obj) if obj and obj.agreement else ""
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            # Nothing to download or count before the partnership exists.
            hidden = {"agreement_download", "referral_link", "turnover_table"}
        elif self.has_change_permission(request, obj):
            # The file input already links to the download.
            hidden = {"agreement_download"}
        else:
            # Read-only, Django would link the file to MEDIA_URL: show the safe link instead.
            hidden = {"agreement"}
        shown = []
        for name, options in fieldsets:
            fields = [f for f in options["fields"] if f not in hidden]
            if fields:
                shown.append((name, {**options, "fields": fields}))
        return shown

    # -- the agreement, for staff of the branch only ----------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/agreement/",
                self.admin_site.admin_view(self.agreement_view),
                name="partners_partnership_agreement",
            ),
            *super().get_urls(),
        ]

    def _download_url(self, obj: Partnership) -> str:
        return reverse("admin:partners_partnership_agreement", args=[obj.pk])

    def agreement_view(self, request: HttpRequest, object_id: str) -> FileResponse:
        """The signed agreement, to staff who may see the partnership. The file lies
        under MEDIA_ROOT, which no address serves, so this is the only way to it."""
        partnership = self.get_object(request, object_id)
        if (
            partnership is None
            or not partnership.agreement
            or not self.has_view_or_change_permission(request, partnership)
        ):
            raise Http404
        response = FileResponse(
            partnership.agreement.open("rb"),
            as_attachment=True,
            filename=str(PrivateFile(partnership.agreement, "")),
        )
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.display(description=_("signed agreement"))
    def agreement_download(self, obj: Partnership):
        if not obj.agreement:
            return _("No agreement uploaded.")
        return format_html(
            '<a href="{}">{}</a>', self._download_url(obj), PrivateFile(obj.agreement, "")
        )

    # -- referrals ---------------------------------------------------------------------------

    @admin.display(description=_("referral link"))
    def referral_link(self, obj: Partnership):
        url = referral_url(partnership=obj) if obj.pk else ""
        if not url:
            return _("Closed: no referrals. Use “Make a new referral link” to open it.")
        return format_html(
            '<code class="referral-link">{}</code><br><span class="help">{}</span>',
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
