from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThammConfig(AppConfig):
    name = "thamm"
    verbose_name = _("THAMM portal")

    def ready(self):
        from .fragments import connect_shown_data

        connect_shown_data()
