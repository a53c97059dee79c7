"""The selection in the admin, for IOM to read: its rows change on the portal, where the rules
run (a place in the quota, an acceptance), so the admin shows them and changes nothing."""

from django import forms
from django.contrib import admin
from django.utils.translation import ngettext

from thamm.admin import SchemeAdmin
from thamm.models import Scheme

from .models import Application, Offer, QuotaSlot, SavedSearch


class SchemeForm(forms.ModelForm):
    """The scheme as IOM edits it (its fields are the admin's): its quota never below the places
    already held."""

    def clean_quota(self):
        quota = self.cleaned_data["quota"]
        if self.instance.pk is not None:
            # Under the lock an acceptance takes (matching.services.offer_accept): no place is
            # taken between this count and the save (the admin saves in one transaction).
            Scheme.objects.select_for_update().filter(pk=self.instance.pk).first()
            held = self.instance.slots.filter(released_at__isnull=True).count()
            if quota is not None and quota < held:
                raise forms.ValidationError(
                    ngettext(
                        "The quota cannot be lower than the %(held)d place already held.",
                        "The quota cannot be lower than the %(held)d places already held.",
                        held,
                    )
                    % {"held": held}
                )
        return quota


admin.site.unregister(Scheme)


@admin.register(Scheme)
class SchemeWithPlacesAdmin(SchemeAdmin):
    form = SchemeForm


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
