from django.contrib import admin

from accounts.admin import OrganisationAdmin
from accounts.models import Organisation

from .models import (
    Attestation,
    ChamberProvince,
    Company,
    EmployerPaysStatement,
    ProductionUnit,
    RegionalBody,
    Vacancy,
)


class ChamberProvinceInline(admin.TabularInline):
    """The provinces of a chamber's area: companies producing there are pointed to it."""

    model = ChamberProvince
    extra = 0


OrganisationAdmin.kind_inlines[Organisation.Kind.CHAMBER] = [ChamberProvinceInline]


class ProductionUnitInline(admin.TabularInline):
    model = ProductionUnit
    extra = 0
    fields = ["address", "comune", "province", "region"]
    readonly_fields = ["region"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "partita_iva", "status", "chamber", "created_at"]
    list_filter = ["status", "size", "chamber"]
    list_select_related = ["chamber"]
    search_fields = ["legal_name", "partita_iva", "codice_fiscale"]
    # Verification and the chamber change on the portal, where their rules run (history, the
    # former chamber's grants ended, the new chamber told).
    readonly_fields = ["status", "status_reason", "status_changed_at", "chamber", "signed_up_by"]
    raw_id_fields = ["organisation"]
    inlines = [ProductionUnitInline]

    def get_readonly_fields(self, request, obj=None):
        # The organisation is chosen when IOM adds a profile to a company organisation made in
        # the admin, and fixed afterwards.
        return [*self.readonly_fields, "organisation"] if obj else self.readonly_fields


@admin.register(ProductionUnit)
class ProductionUnitAdmin(admin.ModelAdmin):
    list_display = ["company", "comune", "province", "region"]
    list_filter = ["region"]
    list_select_related = ["company"]
    search_fields = ["company__legal_name", "comune"]
    raw_id_fields = ["company"]


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "status", "positions", "start_date"]
    list_filter = ["status", "contract", "housing"]
    list_select_related = ["company"]
    search_fields = ["title", "company__legal_name"]
    raw_id_fields = ["company", "unit"]
    readonly_fields = ["status", "published_at"]


@admin.register(EmployerPaysStatement)
class EmployerPaysStatementAdmin(admin.ModelAdmin):
    # A new version is a new row: companies are then asked to sign again.
    list_display = ["version", "published_on"]

    def get_readonly_fields(self, request, obj=None):
        return (
            ["version", "published_on", "body_it", "body_en", "body_fr", "body_ar"] if obj else []
        )


@admin.register(Attestation)
class AttestationAdmin(admin.ModelAdmin):
    list_display = ["company", "statement", "signed_by", "signed_at"]
    list_select_related = ["company", "statement", "signed_by"]
    readonly_fields = ["company", "statement", "signed_by", "signed_at"]

    def has_add_permission(self, request):
        return False  # signatures are given by company admins on the portal


@admin.register(RegionalBody)
class RegionalBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "scheme"]


@admin.register(ChamberProvince)
class ChamberProvinceAdmin(admin.ModelAdmin):
    # Which chamber of commerce a company producing in each province is pointed to.
    list_display = ["province", "chamber"]
    list_filter = ["chamber"]
    list_select_related = ["chamber"]
    search_fields = ["province", "chamber__name"]
