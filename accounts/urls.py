from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("invitations/", views.invitation_list_view, name="invitation_list"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke_view, name="invitation_revoke"),
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("advisors/", views.advisor_assignments, name="advisor_assignments"),
    path("advisors/<int:pk>/remove/", views.advisor_unassign_view, name="advisor_unassign"),
]
