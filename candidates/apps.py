from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    """Candidate records, documents, consent and self-service (training issue)."""

    name = "candidates"
    verbose_name = _("Candidates")

    def ready(self) -> None:
        from . import signals  # noqa: F401
