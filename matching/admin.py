"""The selection in the admin, for IOM to read: its rows change on the portal, where the rules
run (a place in the quota, an acceptance), so the admin shows them and changes nothing."""

from django.contrib import admin

from .models import Application, Offer, QuotaSlot, SavedSearch


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    list_display = ["pk", "company", "vacancy", "candidate", "status", "status_changed_at"]
    list_filter = ["status"]
    list_select_related = ["company", "vacancy", "candidate"]
    exclude = ["company_note"]  # the company's own notes


@admin.register(Offer)
class OfferAdmin(ReadOnly):
    list_display = ["pk", "application", "status", "gross_monthly_pay", "sent_at", "decided_at"]
    list_filter = ["status"]


@admin.register(QuotaSlot)
class QuotaSlotAdmin(ReadOnly):
    list_display = ["pk", "company", "candidate", "region", "created_at", "released_at"]
    list_filter = ["region", "released_at"]
    list_select_related = ["company", "candidate"]


@admin.register(SavedSearch)
class SavedSearchAdmin(ReadOnly):
    list_display = ["name", "company", "owner", "notify"]
