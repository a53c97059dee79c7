from django.contrib import admin

from .models import AuditEntry, Scheme


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["created_at", "actor", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "actor__email"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    """IOM edits the scheme's rules here (the quota, the regions' targets and whether they are
    kept, the Italian level); its code and whether it is the current one stay as made."""

    list_display = ["name", "quota", "required_italian_level", "starts_on", "ends_on", "is_current"]
    readonly_fields = ["code", "is_current"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
