from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("", views.candidate_list_view, name="list"),
    path("new/", views.candidate_create_view, name="create"),
    path("<int:pk>/", views.candidate_detail_view, name="detail"),
    path("<int:pk>/edit/", views.candidate_edit_view, name="edit"),
    path("<int:pk>/stage/", views.candidate_stage_view, name="stage"),
    path("<int:pk>/invite/", views.candidate_invite_view, name="invite"),
    path("me/consent/", views.consent_view, name="consent"),
    path("me/documents/", views.my_documents_view, name="my_documents"),
    path("<int:pk>/documents/", views.document_upload_view, name="document_upload"),
    path("documents/<int:pk>/", views.document_download_view, name="document_download"),
    path("me/consent/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
]
