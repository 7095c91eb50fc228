from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Outbox
from notifications.services import outbox_retry


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "channel")
    search_fields = ("recipient", "key", "reference", "subject")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Outbox._meta.fields]
    actions = ("retry",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send the selected messages again"))
    def retry(self, request, queryset) -> None:
        count = outbox_retry(ids=list(queryset.values_list("pk", flat=True)))
        messages.success(
            request,
            ngettext(
                "%(count)d message will be sent again.",
                "%(count)d messages will be sent again.",
                count,
            )
            % {"count": count},
        )
