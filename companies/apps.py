from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    """Companies, production units, verification and vacancies (companies issue)."""

    name = "companies"
    verbose_name = _("Companies")

    def ready(self) -> None:
        from . import signals  # noqa: F401
