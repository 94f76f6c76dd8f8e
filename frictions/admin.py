"""The admin shows reports without any way to learn who filed an anonymous one: the reporter
field is not stored for them, and is never shown or editable here for any report."""

from django.contrib import admin

from .models import Decision, FrictionEvent, FrictionReport


class FrictionEventInline(admin.TabularInline):
    model = FrictionEvent
    fields = ["created_at", "kind", "public", "actor_label", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(FrictionReport)
class FrictionReportAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "area", "is_anonymous", "created_at", "owner"]
    list_filter = ["status", "area", "is_anonymous"]
    search_fields = ["title", "description"]
    exclude = ["reporter", "receipt_hash"]
    # Triage happens in the product, with its rules and its public timeline.
    readonly_fields = [
        "is_anonymous",
        "created_at",
        "owner",
        "duplicate_of",
        "source_reflection_friction",
        "source_journey_step",
        "source_escalation",
    ]
    inlines = [FrictionEventInline]

    # Read-only: reports are filed and changed through the product, whose every change is
    # kept on the timeline; an edit here would leave no history.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "area", "owner", "decided_on"]
    list_filter = ["status", "area"]
    search_fields = ["title", "decision"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
