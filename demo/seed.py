"""The demo data of `manage.py seed_demo`: the files in demo/data/ (organisations and logins,
candidates and cohorts, companies and their units, vacancies, the selection of workers, the
pre-departure cases), created through the apps' services.

Idempotent: seeding again changes nothing, except that the logins get their demo password, name
and MFA secret back.
"""

from dataclasses import dataclass

from django.db import transaction

from .applications import Selection, seed_applications, selection
from .cases import seed_cases
from .employers import Summary, seed_companies
from .people import DEMO_PASSWORD, DemoLogin, seed_logins
from .trainees import Trainees, seed_candidates, trainees

__all__ = ["DEMO_PASSWORD", "DemoLogin", "Seeded", "seed"]


@dataclass(frozen=True)
class Seeded:
    logins: list[DemoLogin]
    candidates: Trainees  # the demo candidates at the two training centres
    companies: Summary
    selection: Selection


@transaction.atomic
def seed() -> Seeded:
    """Create (or bring back) the demo data; returns what `seed_demo` prints."""
    logins = seed_logins()
    seed_candidates()
    companies = seed_companies()
    seed_applications()
    seed_cases()  # the accepted offers' cases: one closes, giving its place back
    # The candidates and the places last: the selection and the cases move them on.
    return Seeded(logins, trainees(), companies, selection())
