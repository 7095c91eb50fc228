from django.contrib import admin

from .models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "channel")
    search_fields = ("recipient", "key", "reference", "subject")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Outbox._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
