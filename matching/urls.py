from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("candidates/", views.search_view, name="search"),
    path("score/", views.score_help_view, name="score_help"),
    path("shortlist/", views.shortlist_view, name="shortlist"),
    path("applications/", views.application_list_view, name="applications"),
    path("applications/<int:pk>/", views.application_detail_view, name="application"),
    path("applications/<int:pk>/move/", views.application_move_view, name="application_move"),
    path("me/", views.my_applications_view, name="my_applications"),
    path("me/<int:pk>/", views.my_application_view, name="my_application"),
    path("me/<int:pk>/answer/", views.my_application_answer_view, name="my_application_answer"),
]
