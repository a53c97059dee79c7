from django.contrib import admin

from .models import Cohort, Course, Enrolment, Result


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "hours", "pass_mark", "mandatory", "is_safety"]
    list_filter = ["kind", "mandatory"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    raw_id_fields = ["candidate"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "training_centre", "starts_on", "ends_on"]
    list_filter = ["training_centre"]
    list_select_related = ["training_centre"]
    inlines = [EnrolmentInline]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["candidate", "course", "score", "cefr_level", "attendance", "passed"]
    list_filter = ["course", "passed"]
    list_select_related = ["candidate", "course"]
    raw_id_fields = ["candidate"]
