"""The root URLs: every app's, under the portal that sits above them all."""

from django.contrib import admin
from django.urls import include, path

from thamm import views
from thamm.admin_site import configure_admin_site

from . import views as portal_views

configure_admin_site(admin.site)

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/retry/", views.job_retry_view, name="job_retry"),
    path("notifications/", views.notification_list_view, name="notifications"),
    path("notifications/read/", views.notifications_read_view, name="notifications_read"),
    path("notifications/<int:pk>/", views.notification_open_view, name="notification_open"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("candidates/", include("candidates.urls")),
    path("training/", include("training.urls")),
    path("companies/", include("companies.urls")),
    path("matching/", include("matching.urls")),
    path("cases/", include("predeparture.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "thamm.views.error_403"
handler404 = "thamm.views.error_404"
handler500 = "thamm.views.error_500"
