from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Courses, cohorts, enrolments, assessments and the results import (training issue)."""

    name = "training"
    verbose_name = _("Training")
