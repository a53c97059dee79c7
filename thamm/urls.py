from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin has no login form of its own: it sends people to the portal's login (rate limits and
# MFA included), and only IOM superusers get in.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.has_permission = lambda request: bool(
    request.user.is_active and request.user.is_superuser and request.user.is_iom
)
admin.site.site_header = "THAMM portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "thamm.views.error_403"
handler404 = "thamm.views.error_404"
handler500 = "thamm.views.error_500"
