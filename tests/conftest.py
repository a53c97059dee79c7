from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import Organisation, User

from .factories import CandidateFactory, candidate_user, company_profile, grant_assist, member


@pytest.fixture(autouse=True)
def _english():
    """Code outside a request speaks English in tests (requests pick their own language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty rate-limit counters (the test cache is per process)."""
    from django.core.cache import cache

    cache.clear()
    yield


def restore_reference_data():
    """Rows that data migrations made: a transactional test's flush removes them."""
    from importlib import import_module

    from django.apps import apps

    import_module("thamm.migrations.0003_thamm_plus_scheme").create_thamm_plus(apps, None)
    import_module("candidates.migrations.0002_occupations").create_occupations(apps, None)
    import_module("training.migrations.0002_catalogue").create_catalogue(apps, None)
    import_module("candidates.migrations.0005_privacy_notice_v1").create_notice(apps, None)
    import_module("companies.migrations.0003_statement_v1_regional_bodies").create(apps, None)
    import_module("companies.migrations.0007_chambers_of_commerce").load(apps, None)
    import_module("predeparture.migrations.0007_document_types").create_document_types(apps, None)


@pytest.fixture
def reference_data(transactional_db):
    """The scheme, occupations, courses and notices of the data migrations, for a transactional
    test (a live server's journey, concurrent transactions): another one's flush removed them."""
    restore_reference_data()


@dataclass
class World:
    """Two tenants of every kind, one user per role; chamber A advises company A, B advises B."""

    iom: User
    chamber: User
    chamber_b: User
    centre: User
    centre_b: User
    company: User
    company_b: User
    candidate: User
    iom_org: Organisation
    chamber_org: Organisation
    centre_org: Organisation
    centre_b_org: Organisation
    company_org: Organisation
    company_b_org: Organisation
    unassigned_company_org: Organisation
    candidate_a: object = None  # a candidate record of centre A
    candidate_b: object = None  # a candidate record of centre B
    company_a_profile: object = None  # company A's profile (companies.Company)
    company_b_profile: object = None  # company B's profile

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def world(db) -> World:
    iom = member("iom", email="iom@example.org")
    chamber = member("chamber", email="advisor@example.org")
    chamber_b = member("chamber", email="advisor-b@example.org")
    centre = member("training_centre", email="centre@example.org")
    centre_b = member("training_centre", email="centre-b@example.org")
    company = member("company", email="company@example.org")
    company_b = member("company", email="company-b@example.org")
    unassigned = member("company", email="lonely@example.org").organisation
    grant_assist(chamber, company.organisation)
    grant_assist(chamber_b, company_b.organisation)
    for u in (iom, chamber, chamber_b, centre, centre_b, company, company_b):
        u.__dict__.pop("membership", None)
    candidate_login = candidate_user(email="candidate@example.org")
    candidate_a = CandidateFactory(training_centre=centre.organisation, user=candidate_login)
    candidate_b = CandidateFactory(training_centre=centre_b.organisation)
    return World(
        iom=iom,
        chamber=chamber,
        chamber_b=chamber_b,
        centre=centre,
        centre_b=centre_b,
        company=company,
        company_b=company_b,
        candidate=candidate_login,
        iom_org=iom.organisation,
        chamber_org=chamber.organisation,
        centre_org=centre.organisation,
        centre_b_org=centre_b.organisation,
        company_org=company.organisation,
        company_b_org=company_b.organisation,
        unassigned_company_org=unassigned,
        candidate_a=candidate_a,
        candidate_b=candidate_b,
        company_a_profile=company_profile(company.organisation, 4000001),
        company_b_profile=company_profile(company_b.organisation, 4000002),
    )


ROLES = ["anonymous", "candidate", "centre", "company", "chamber", "iom"]


@pytest.fixture
def client_for(world):
    """A test client signed in as the given role ("anonymous": not signed in)."""

    def make(role: str) -> Client:
        client = Client(headers={"accept-language": "en"})
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return make
