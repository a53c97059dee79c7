from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("", views.company_list_view, name="list"),
    path("signup/", views.company_signup, name="signup"),
    path("paperwork/", views.paperwork, name="paperwork"),
    path("<int:pk>/", views.company_detail, name="detail"),
    path("<int:pk>/edit/", views.company_edit, name="edit"),
    path("<int:pk>/verification/", views.company_status, name="status"),
    path("<int:pk>/attestation/", views.attestation, name="attestation"),
    path("<int:pk>/units/", views.unit_list_view, name="units"),
    path("<int:pk>/vacancies/", views.vacancy_list_view, name="vacancies"),
    path("<int:pk>/vacancies/new/", views.vacancy_create_view, name="vacancy_create"),
    path("vacancies/<int:pk>/", views.vacancy_detail, name="vacancy_detail"),
    path("vacancies/<int:pk>/edit/", views.vacancy_edit, name="vacancy_edit"),
    path("vacancies/<int:pk>/move/", views.vacancy_move_view, name="vacancy_move"),
]
