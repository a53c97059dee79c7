from django.urls import path

from . import views

app_name = "predeparture"

urlpatterns = [
    path("", views.case_list_view, name="cases"),
    path("export.<str:fmt>", views.case_export_view, name="export"),
    path("<int:pk>/", views.case_detail_view, name="case"),
    path("<int:pk>/steps/<int:step>/", views.step_record_view, name="step_record"),
    path("<int:pk>/close/", views.case_close_view, name="case_close"),
    path("<int:pk>/travel/", views.travel_view, name="travel"),
    path("<int:pk>/passport/", views.passport_out_view, name="passport_out"),
    path("<int:pk>/passport/<int:handover>/back/", views.passport_back_view, name="passport_back"),
    path("<int:pk>/passport/check/", views.passport_check_view, name="passport_check"),
    path("<int:pk>/passport/read/", views.passport_read_view, name="passport_read"),
    path("<int:pk>/costs/", views.cost_view, name="cost"),
    path("<int:pk>/dossier/", views.dossier_request_view, name="dossier"),
    path("<int:pk>/dossier.<str:fmt>", views.dossier_file_view, name="dossier_file"),
    path("<int:pk>/documents/<slug:code>/", views.document_upload_view, name="document_upload"),
    path("<int:pk>/files/<int:document>/", views.document_file_view, name="document_file"),
    path(
        "<int:pk>/files/<int:document>/verify/", views.document_verify_view, name="document_verify"
    ),
    path("<int:pk>/attest/", views.attest_view, name="attest"),
]
