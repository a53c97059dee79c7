import datetime

import pytest
from django.utils import timezone

from candidates.models import Candidate, Occupation
from companies.models import ProductionUnit, Vacancy


def make_vacancy(company, *, required=(), province="IT-BG", occupation="3115", **fields):
    """A published vacancy of `company` at a unit in `province`, requiring the modules coded
    `required`."""
    from training.models import Course

    unit = ProductionUnit(company=company, address="Via Roma 1", comune="Comune", province=province)
    unit.full_clean()  # the province gives the region
    unit.save()
    data = {
        "title": "Tecnico manutentore",
        "occupation": Occupation.objects.get(isco_code=occupation),
        "positions": 2,
        "min_italian_level": "A2",
        "contract": "permanent",
        "ccnl": "Metalmeccanica industria",
        "ccnl_level": "C3",
        "gross_monthly_pay": "1900.00",
        "hours_per_week": 40,
        "start_date": timezone.localdate() + datetime.timedelta(days=60),
        "housing": "help",
        "description_it": "Manutenzione.",
        "status": Vacancy.Status.PUBLISHED,
    }
    data.update(fields)
    vacancy = Vacancy.objects.create(company=company, unit=unit, **data)
    vacancy.required_modules.set(Course.objects.filter(code__in=required))
    return vacancy


def result(candidate, code, *, score=None, level="", passed=True):
    from training.models import Course, Result

    Result.objects.update_or_create(
        candidate=candidate,
        course=Course.objects.get(code=code),
        defaults={
            "score": score,
            "cefr_level": level,
            "attendance": 90,
            "assessed_on": datetime.date(2026, 6, 1),
            "passed": passed,
        },
    )


def make_available(candidate, **fields):
    """A certified candidate who agreed to be shown to companies (stage written directly: the
    services that lead here have their own tests)."""
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.status = Candidate.Status.AVAILABLE
    candidate.profile_shared = True
    candidate.certified_at = timezone.now()
    candidate.save()
    return candidate


@pytest.fixture
def vacancy(world):
    from companies.models import Company

    Company.objects.filter(pk=world.company_a_profile.pk).update(status="verified")
    world.company_a_profile.refresh_from_db()
    return make_vacancy(world.company_a_profile, required=["MEC-PLC", "MEC-PNH"])
