from django.contrib import admin

from .models import Notification, NotificationSettings, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "status", "send_after", "sent_at", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["created_at", "handed_at", "sent_at", "attempts", "reason"]
    date_hierarchy = "send_after"


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["kind", "person", "email"]
    list_filter = ["kind", "email"]
    raw_id_fields = ["person"]


admin.site.register(NotificationSettings)
