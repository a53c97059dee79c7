from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("candidates/<int:pk>/results/", views.result_record_view, name="result_record"),
    path("candidates/<int:pk>/certify/", views.candidate_certify_view, name="certify"),
]
