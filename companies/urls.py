from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("<int:pk>/units/", views.unit_list_view, name="units"),
]
