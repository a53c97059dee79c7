from django.contrib import admin

from .models import Candidate


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["reference", "last_name", "first_name", "training_centre", "status"]
    list_filter = ["status", "training_centre"]
    list_select_related = ["training_centre"]
    search_fields = ["reference", "last_name", "first_name", "cin"]
    # Stage, consent and ownership change only through the portal's services (recorded, audited).
    readonly_fields = [
        "reference",
        "status",
        "status_changed_at",
        "profile_shared",
        "user",
        "training_centre",
        "login_invitation",
    ]
