import datetime

import pytest

from candidates.models import Candidate
from companies.models import Attestation, Company
from companies.services import current_statement
from matching.models import Application
from matching.services import (
    application_shortlist,
    offer_accept,
    offer_prepare,
    offer_send,
    offer_terms,
    offer_terms_from,
    terms_hash,
)
from predeparture.models import Case

from ..matching.conftest import make_available, make_vacancy, result

ACCEPTED_ON = datetime.date(2026, 1, 2)


def accepted_case(
    world, *, company=None, candidate=None, user=None, by=None, dated_back=True
) -> Case:
    """A case opened the real way: company A (verified, past the gates) offers, the candidate
    accepts; the acceptance is then dated back to ACCEPTED_ON, so that steps can be dated
    anywhere since."""
    company = company or world.company_a_profile
    by = by or world.company
    Company.objects.filter(pk=company.pk).update(status="verified")
    company.refresh_from_db()
    Attestation.objects.create(company=company, statement=current_statement(), signed_by=by)
    by.ethical_training_completed_on = datetime.date(2026, 9, 1)
    by.save()
    candidate = candidate or world.candidate_a
    for code, score in (("MEC-PLC", 80), ("MEC-PNH", 70)):
        result(candidate, code, score=score)
    result(candidate, "ITA", level="B1")
    make_available(
        candidate,
        passport_number=f"ZQ{7000000 + candidate.pk}",
        passport_expiry=datetime.date(2031, 5, 1),
    )
    vacancy = make_vacancy(company, required=["MEC-PLC", "MEC-PNH"])
    application = application_shortlist(vacancy=vacancy, candidate=candidate, by=by)
    Application.objects.filter(pk=application.pk).update(status="interviewed")
    application.refresh_from_db()
    offer = offer_prepare(application=application, terms=offer_terms_from(vacancy), by=by)
    offer = offer_send(offer=offer, by=by)
    offer_accept(
        offer=offer,
        by=user or world.candidate,
        language="fr",
        shown_hash=terms_hash(offer_terms(offer, "fr")),
    )
    case = Case.objects.select_related("candidate", "offer", "company").get(offer=offer)
    if dated_back:
        case.steps.filter(kind="accepted").update(done_on=ACCEPTED_ON)
    return case


@pytest.fixture
def case(world) -> Case:
    return accepted_case(world)


@pytest.fixture
def selected(case) -> Candidate:
    return Candidate.objects.get(pk=case.candidate_id)
