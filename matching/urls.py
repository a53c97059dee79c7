from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("candidates/", views.search_view, name="search"),
    path("score/", views.score_help_view, name="score_help"),
    path("shortlist/", views.shortlist_view, name="shortlist"),
    path("searches/", views.saved_search_list_view, name="searches"),
    path("searches/new/", views.saved_search_create_view, name="search_save"),
    path("searches/<int:pk>/delete/", views.saved_search_delete_view, name="search_delete"),
    path("applications/", views.application_list_view, name="applications"),
    path("applications/<int:pk>/", views.application_detail_view, name="application"),
    path("applications/<int:pk>/move/", views.application_move_view, name="application_move"),
    path(
        "applications/<int:pk>/interview/",
        views.interview_propose_view,
        name="interview_propose",
    ),
    path(
        "interviews/<int:pk>/reschedule/",
        views.interview_reschedule_view,
        name="interview_reschedule",
    ),
    path("interviews/<int:pk>/cancel/", views.interview_cancel_view, name="interview_cancel"),
    path("interviews/<int:pk>/held/", views.interview_held_view, name="interview_held"),
    path(
        "interviews/<int:pk>/documents/",
        views.interview_document_add_view,
        name="interview_document_add",
    ),
    path(
        "interview-documents/<int:pk>/",
        views.interview_document_view,
        name="interview_document",
    ),
    path(
        "interviews/<int:pk>/calendar.ics",
        views.interview_calendar_view,
        name="interview_calendar",
    ),
    path("me/interviews/<int:pk>/choose/", views.interview_choose_view, name="interview_choose"),
    path(
        "me/interviews/<int:pk>/other-times/",
        views.interview_other_times_view,
        name="interview_other_times",
    ),
    path("applications/<int:pk>/offer/", views.offer_prepare_view, name="offer_prepare"),
    path("offers/<int:pk>/send/", views.offer_send_view, name="offer_send"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw_view, name="offer_withdraw"),
    path("offers/<int:pk>/<str:language>.pdf", views.offer_pdf_view, name="offer_pdf"),
    path("me/offers/<int:pk>/answer/", views.offer_answer_view, name="offer_answer"),
    path("me/", views.my_applications_view, name="my_applications"),
    path("me/<int:pk>/", views.my_application_view, name="my_application"),
    path("me/<int:pk>/answer/", views.my_application_answer_view, name="my_application_answer"),
]
