from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """Search, shortlists, interviews, offers and the quota (matching issue)."""

    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from . import receivers  # noqa: F401 (connects the receivers)
