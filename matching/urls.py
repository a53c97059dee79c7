from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("candidates/", views.search_view, name="search"),
    path("score/", views.score_help_view, name="score_help"),
]
