from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("candidates/<int:pk>/results/", views.result_record_view, name="result_record"),
    path("candidates/<int:pk>/certify/", views.candidate_certify_view, name="certify"),
    path("cohorts/", views.cohort_list_view, name="cohort_list"),
    path("cohorts/<int:pk>/", views.cohort_detail_view, name="cohort_detail"),
    path("cohorts/<int:pk>/ministry.<str:fmt>", views.cohort_export_view, name="cohort_export"),
    path("results/import/", views.results_import_view, name="results_import"),
    path("results/import/template.csv", views.results_template_view, name="results_template"),
    path("candidates/import/", views.candidates_import_view, name="candidates_import"),
    path(
        "candidates/import/template.csv",
        views.candidates_template_view,
        name="candidates_template",
    ),
    path(
        "results/import/<int:pk>/", views.results_import_detail_view, name="results_import_detail"
    ),
    path(
        "results/import/<int:pk>/report.csv",
        views.import_report_view,
        name="results_import_report",
    ),
    path(
        "results/import/<int:pk>/confirm/",
        views.results_import_confirm_view,
        name="results_import_confirm",
    ),
]
