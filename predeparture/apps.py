from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PredepartureConfig(AppConfig):
    """One case per accepted offer: the visa and travel pipeline (pre-departure issue)."""

    name = "predeparture"
    verbose_name = _("Pre-departure")

    def ready(self):
        from . import receivers  # noqa: F401 (connects the receivers)
