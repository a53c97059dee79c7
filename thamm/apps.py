from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThammConfig(AppConfig):
    name = "thamm"
    verbose_name = _("THAMM portal")
