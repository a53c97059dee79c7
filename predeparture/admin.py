"""Pre-departure cases in the admin, for IOM to read: steps, the flight and the passport's
handovers change on the portal, where their rules run (the order of the steps, the dates, the
quota), so the admin shows them and changes nothing."""

from django.contrib import admin

from matching.admin import ReadOnly

from .models import (
    Case,
    CaseDocument,
    Cost,
    DocumentType,
    Dossier,
    FeeAttestation,
    PassportCheck,
    PassportHandover,
    Step,
    Travel,
)


class StepInline(admin.TabularInline):
    model = Step
    fields = ["position", "kind", "responsible", "status", "done_on", "reference", "done_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["position"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ["pk", "candidate", "company", "status", "opened_at", "next_due_on"]
    list_filter = ["status", "close_reason"]
    list_select_related = ["candidate", "company"]
    inlines = [StepInline]


@admin.register(Travel)
class TravelAdmin(ReadOnly):
    list_display = ["case", "flight_number", "departure_airport", "arrival_airport", "departs_at"]


@admin.register(PassportHandover)
class PassportHandoverAdmin(ReadOnly):
    list_display = ["case", "handed_to", "handed_on", "returned_on"]
    list_filter = ["returned_on"]


@admin.register(Cost)
class CostAdmin(ReadOnly):
    list_display = ["case", "kind", "amount", "currency", "paid_on", "paid_by"]
    list_filter = ["paid_by", "kind"]


@admin.register(FeeAttestation)
class FeeAttestationAdmin(ReadOnly):
    list_display = ["case", "moment", "paid_nothing", "language", "created_at"]
    list_filter = ["paid_nothing", "moment"]


@admin.register(PassportCheck)
class PassportCheckAdmin(ReadOnly):
    list_display = ["case", "digits_valid", "mismatches", "checked_at"]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    """The checklist's types are data: IOM edits their names, step, parties and expiry here."""

    list_display = ["code", "name", "step", "uploaded_by", "verified_by", "expires", "position"]
    list_editable = ["position"]


@admin.register(CaseDocument)
class CaseDocumentAdmin(ReadOnly):
    list_display = ["case", "type", "status", "expires_on", "created_at"]
    list_filter = ["status", "type"]
    exclude = ["file"]  # files leave only through the case's download, audited


@admin.register(Dossier)
class DossierAdmin(ReadOnly):
    list_display = ["case", "pages", "documents", "made_at"]
    exclude = ["pdf", "archive"]  # downloaded only through the case, audited
