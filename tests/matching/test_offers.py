"""Offers: within the vacancy's bounds, behind the ethical-recruitment gates, accepted as read,
and never more accepted than the scheme has places."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone, translation

from candidates.models import Candidate
from candidates.services import candidate_withdraw
from companies.models import Attestation, Company
from companies.services import current_statement
from matching.models import Application, Offer, QuotaSlot
from matching.selectors import quota_figures
from matching.services import (
    application_answer,
    application_shortlist,
    offer_accept,
    offer_decline,
    offer_prepare,
    offer_send,
    offer_terms,
    offer_terms_from,
    offer_withdraw,
    offers_expire,
    places_left,
    terms_hash,
)
from predeparture.models import Case
from thamm.exceptions import DomainError
from thamm.models import Notification, Scheme

from ..factories import CandidateFactory
from .conftest import make_available, make_vacancy, result

pytestmark = pytest.mark.django_db


def _trained(world, **fields):
    candidate = CandidateFactory(training_centre=world.centre_org, **fields)
    result(candidate, "MEC-PLC", score=80)
    result(candidate, "MEC-PNH", score=70)
    result(candidate, "ITA", level="B1")
    return make_available(candidate)


def _interviewed(world, vacancy, candidate):
    """An application through its interview (the services that lead there have their tests)."""
    application = application_shortlist(vacancy=vacancy, candidate=candidate, by=world.company)
    Application.objects.filter(pk=application.pk).update(status="interviewed")
    application.refresh_from_db()
    return application


@pytest.fixture
def ready(world, vacancy):
    """Company A past every gate: verified, the statement signed, its user trained."""
    Attestation.objects.create(
        company=world.company_a_profile, statement=current_statement(), signed_by=world.company
    )
    world.company.ethical_training_completed_on = datetime.date(2026, 9, 1)
    world.company.save()
    return vacancy


@pytest.fixture
def candidate(world):
    make_available(world.candidate_a)
    for code, score in (("MEC-PLC", 80), ("MEC-PNH", 70)):
        result(world.candidate_a, code, score=score)
    result(world.candidate_a, "ITA", level="B1")
    return world.candidate_a


def _sent(world, vacancy, candidate, **changes):
    application = _interviewed(world, vacancy, candidate)
    terms = {**offer_terms_from(vacancy), **changes}
    offer = offer_prepare(application=application, terms=terms, by=world.company)
    return offer_send(offer=offer, by=world.company)


def _accept(offer, user, language="fr"):
    return offer_accept(
        offer=offer, by=user, language=language, shown_hash=terms_hash(offer_terms(offer, language))
    )


# --- terms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"gross_monthly_pay": Decimal("1899.99")}, "the gross monthly pay must be from"),
        ({"hours_per_week": 41}, "the hours per week must be from 8 to 40"),
        ({"housing": "none"}, "the housing cannot be less than the vacancy's"),
        ({"start_date": datetime.date(2020, 1, 1)}, "the start date must be from today"),
        ({"expires_on": datetime.date(2020, 1, 1)}, "the answer must be due after today"),
    ],
)
def test_an_offer_worse_than_the_vacancy_is_refused_and_nothing_saved(
    world, ready, candidate, change, refusal
):
    application = _interviewed(world, ready, candidate)
    terms = {**offer_terms_from(ready), **change}
    with pytest.raises(DomainError, match=refusal):
        offer_prepare(application=application, terms=terms, by=world.company)
    assert not Offer.objects.exists()


def test_an_offer_may_improve_the_vacancys_terms(world, ready, candidate):
    application = _interviewed(world, ready, candidate)
    terms = {**offer_terms_from(ready), "gross_monthly_pay": Decimal("2100"), "housing": "provided"}
    offer = offer_prepare(application=application, terms=terms, by=world.company)
    assert offer.gross_monthly_pay == Decimal("2100") and offer.housing == "provided"
    assert (offer.ccnl, offer.ccnl_level, offer.occupation_id) == (
        ready.ccnl,
        ready.ccnl_level,
        ready.occupation_id,
    )


def test_an_offer_comes_after_the_interview(world, ready, candidate):
    application = application_shortlist(vacancy=ready, candidate=candidate, by=world.company)
    with pytest.raises(DomainError, match="record the interview first"):
        offer_prepare(application=application, terms=offer_terms_from(ready), by=world.company)


# --- gates -----------------------------------------------------------------------------------


def test_each_missing_gate_is_named_with_how_to_clear_it(world, vacancy, candidate):
    application = _interviewed(world, vacancy, candidate)
    offer = offer_prepare(
        application=application, terms=offer_terms_from(vacancy), by=world.company
    )
    with pytest.raises(DomainError) as refused:
        offer_send(offer=offer, by=world.company)
    message = str(refused.value.message)
    assert "has not signed the employer-pays statement in force" in message
    assert "ethical-recruitment training" in message
    Attestation.objects.create(
        company=world.company_a_profile, statement=current_statement(), signed_by=world.company
    )
    with pytest.raises(DomainError, match="ethical-recruitment training") as refused:
        offer_send(offer=offer, by=world.company)
    assert "employer-pays" not in str(refused.value.message)
    world.company.ethical_training_completed_on = datetime.date(2026, 9, 1)
    world.company.save()
    Company.objects.filter(pk=world.company_a_profile.pk).update(status="suspended")
    with pytest.raises(DomainError, match="The company is not verified"):
        offer_send(offer=offer, by=world.company)
    Company.objects.filter(pk=world.company_a_profile.pk).update(status="verified")
    assert offer_send(offer=offer, by=world.company).status == "sent"
    offer.refresh_from_db()
    assert offer.sent_by == world.company
    told = Notification.objects.get(recipient=world.candidate, kind="offer.sent")
    assert told.link == reverse("matching:my_application", args=[application.pk])


def test_an_advisor_prepares_and_a_company_user_sends(world, client_for, ready, candidate):
    application = _interviewed(world, ready, candidate)
    offer = offer_prepare(application=application, terms=offer_terms_from(ready), by=world.chamber)
    assert offer.prepared_by == world.chamber
    with pytest.raises(DomainError, match="sent by a user of the company"):
        offer_send(offer=offer, by=world.chamber)
    page = client_for("chamber").get(application.get_absolute_url()).content.decode()
    assert "sent by a user of the company" in page
    assert offer_send(offer=offer, by=world.company).status == "sent"


# --- acceptance --------------------------------------------------------------------------------


def test_accepting_keeps_what_was_read_takes_a_place_and_opens_the_case(
    world, client_for, ready, candidate
):
    offer = _sent(world, ready, candidate)
    client = client_for("candidate")
    page = client.get(
        reverse("matching:my_application", args=[offer.application_id]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    shown = page.context["offer_hash"]
    assert "Salaire brut mensuel" in page.content.decode()
    response = client.post(
        reverse("matching:offer_answer", args=[offer.pk]),
        {"answer": "accept", "terms_hash": shown},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "accepted" and offer.accepted_language == "fr"
    assert offer.accepted_terms_hash == shown == terms_hash(offer.accepted_terms)
    assert ["Employeur", world.company_a_profile.legal_name] in offer.accepted_terms
    slot = QuotaSlot.objects.get()
    assert (slot.offer, slot.candidate, slot.company, slot.region) == (
        offer,
        candidate,
        world.company_a_profile,
        "IT-25",
    )
    candidate.refresh_from_db()
    assert candidate.status == "selected"
    assert Case.objects.get().offer == offer
    assert Application.objects.get(pk=offer.application_id).status == "accepted"
    assert Notification.objects.filter(recipient=world.company, kind="application.offer_accepted")


def test_accepting_ends_the_candidates_other_applications_and_tells_those_companies(
    world, ready, candidate
):
    Company.objects.filter(pk=world.company_b_profile.pk).update(status="verified")
    world.company_b_profile.refresh_from_db()
    other = application_shortlist(
        vacancy=make_vacancy(world.company_b_profile), candidate=candidate, by=world.company_b
    )
    application_answer(application=other, agree=True, by=world.candidate)
    offer = _sent(world, ready, candidate)
    _accept(offer, world.candidate)
    other.refresh_from_db()
    assert other.status == "withdrawn"
    assert Notification.objects.filter(
        recipient=world.company_b, kind="application.candidate_withdrew"
    ).exists()


def test_changed_terms_or_a_second_tab_cannot_accept(world, ready, candidate):
    offer = _sent(world, ready, candidate)
    with pytest.raises(DomainError, match="changed since you opened it"):
        offer_accept(offer=offer, by=world.candidate, language="fr", shown_hash="0" * 64)
    _accept(offer, world.candidate)
    with pytest.raises(DomainError, match="can no longer be accepted"):
        _accept(offer, world.candidate)  # the same offer, from another tab
    assert QuotaSlot.objects.count() == 1


def test_one_accepted_offer_at_a_time(world, ready, candidate):
    first = _sent(world, ready, candidate)
    second = _sent(world, make_vacancy(world.company_a_profile), candidate)
    _accept(first, world.candidate)
    second.refresh_from_db()
    assert second.status == "withdrawn"  # withdrawn by the acceptance
    with pytest.raises(DomainError):
        _accept(second, world.candidate)
    assert QuotaSlot.objects.filter(candidate=candidate).count() == 1


def test_an_expired_offer_cannot_be_accepted_and_expires_once(world, ready, candidate):
    offer = _sent(world, ready, candidate)
    Offer.objects.filter(pk=offer.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(1)
    )
    offer.refresh_from_db()
    with pytest.raises(DomainError, match="expired"):
        _accept(offer, world.candidate)
    assert offers_expire() == 1 and offers_expire() == 0
    offer.refresh_from_db()
    assert offer.status == "expired"
    assert Application.objects.get(pk=offer.application_id).status == "expired"
    assert not QuotaSlot.objects.exists()


def test_declining_or_a_withdrawn_offer_takes_no_place(world, ready, candidate):
    offer = _sent(world, ready, candidate)
    offer_decline(offer=offer, by=world.candidate)
    assert Application.objects.get(pk=offer.application_id).status == "declined"
    second = _sent(world, make_vacancy(world.company_a_profile), candidate)
    offer_withdraw(offer=second, by=world.company, reason="the line was cancelled")
    assert Application.objects.get(pk=second.application_id).status == "withdrawn"
    assert Notification.objects.filter(recipient=world.candidate, kind="offer.withdrawn").exists()
    assert not QuotaSlot.objects.exists()


def test_only_the_candidate_accepts(world, ready, candidate):
    offer = _sent(world, ready, candidate)
    with pytest.raises(DomainError, match="Only the candidate"):
        _accept(offer, world.company)


# --- the quota -----------------------------------------------------------------------------


def test_a_full_scheme_refuses_an_acceptance_and_says_so(world, ready, candidate):
    offer = _sent(world, ready, candidate)
    scheme = Scheme.objects.get(is_current=True)
    scheme.quota = 0
    scheme.save()
    with pytest.raises(DomainError, match="The scheme is full"):
        _accept(offer, world.candidate)
    assert not QuotaSlot.objects.exists()
    offer.refresh_from_db()
    assert offer.status == "sent"


def test_a_region_keeps_to_its_target_while_others_are_unmet(world, ready, candidate):
    scheme = Scheme.objects.get(is_current=True)
    scheme.region_targets = {"IT-25": 1, "IT-45": 5}
    scheme.region_targets_enforced = True
    scheme.save()
    _accept(_sent(world, ready, candidate), world.candidate)
    other = _trained(world)
    other_login = other.user or _login_for(other)
    offer = _sent(world, make_vacancy(world.company_a_profile), other)
    with pytest.raises(DomainError, match="The places for Lombardia are all taken"):
        _accept(offer, other_login)
    scheme.region_targets_enforced = False
    scheme.save()
    _accept(offer, other_login)
    assert QuotaSlot.objects.filter(released_at__isnull=True).count() == 2


def _login_for(candidate):
    from ..factories import candidate_user

    user = candidate_user(email=f"{candidate.cin.lower()}@example.org")
    Candidate.objects.filter(pk=candidate.pk).update(user=user)
    candidate.refresh_from_db()
    return user


def test_a_worker_who_withdraws_gives_the_place_back(world, ready, candidate):
    _accept(_sent(world, ready, candidate), world.candidate)
    left = places_left()
    candidate.refresh_from_db()
    candidate_withdraw(candidate=candidate, by=world.centre, reason="stays in Morocco")
    slot = QuotaSlot.objects.get()
    assert slot.released_at is not None and "withdrew" in slot.release_reason
    assert places_left() == left + 1


def test_iom_sees_places_used_left_and_by_region_and_company(world, client_for, ready, candidate):
    _accept(_sent(world, ready, candidate), world.candidate)
    figures = quota_figures(user=world.iom)
    assert (figures.quota, figures.used, figures.remaining) == (500, 1, 499)
    assert ("IT-25", 1, None) in figures.by_region
    assert figures.by_company == [(world.company_a_profile.legal_name, 1)]
    home = client_for("iom").get("/").content.decode()
    assert "1 of 500 places taken; 499 left." in home
    assert quota_figures(user=world.company) is None


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent transactions need PostgreSQL (SQLite has one writer); CI runs it",
)
@pytest.mark.django_db(transaction=True)
def test_fifty_acceptances_at_once_take_exactly_the_places_left(reference_data, world, vacancy):
    """50 candidates accept their offers at the same instant (threads behind a barrier, each on
    its own connection) while the scheme has 3 places left: exactly 3 get one, the 47 others
    are told the scheme is full, and the places held never exceed the quota."""
    Attestation.objects.create(
        company=world.company_a_profile, statement=current_statement(), signed_by=world.company
    )
    world.company.ethical_training_completed_on = datetime.date(2026, 9, 1)
    world.company.save()
    offers = []
    for index in range(50):
        candidate = _trained(world, cin=f"QQ{200000 + index}")
        offers.append((_sent(world, vacancy, candidate), _login_for(candidate)))
    scheme = Scheme.objects.get(is_current=True)
    scheme.quota = 3
    scheme.save()
    barrier = threading.Barrier(len(offers))
    outcomes = []

    def accept(offer, user):
        try:
            barrier.wait(timeout=30)
            with translation.override("en"):  # a thread starts in the default language
                _accept(offer, user)
            outcomes.append("accepted")
        except DomainError as refusal:
            outcomes.append("full" if "The scheme is full" in str(refusal.message) else "other")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=pair) for pair in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes.count("accepted") == 3
    assert outcomes.count("full") == 47
    assert QuotaSlot.objects.filter(released_at__isnull=True).count() == 3
    assert Offer.objects.filter(status="accepted").count() == 3


# --- what the candidate reads ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "ar", "it"])
def test_the_terms_read_in_the_candidates_language(world, ready, candidate, language):
    offer = _sent(world, ready, candidate)
    terms = dict(offer_terms(offer, language))
    pay = {
        "fr": "Salaire brut mensuel",
        "ar": "الأجر الشهري الإجمالي",
        "it": "Retribuzione lorda mensile",
    }
    assert pay[language] in terms
    # Each language's decimal mark and grouping, as the vacancy's page writes pay.
    assert (
        terms[pay[language]]
        == {"fr": "1\u00a0900,00 €", "it": "1.900,00 €", "ar": "1900,00 €"}[language]
    )


def test_the_offer_prints_in_the_candidates_language_and_in_italian(
    world, client_for, ready, candidate
):
    from thamm.pdf import pdf_unavailable

    if pdf_unavailable():
        pytest.skip(pdf_unavailable())
    from io import BytesIO

    from pypdf import PdfReader

    offer = _sent(world, ready, candidate)
    _accept(offer, world.candidate, language="ar")
    client = client_for("candidate")
    for language in ("ar", "it"):
        response = client.get(reverse("matching:offer_pdf", args=[offer.pk, language]))
        assert response["Content-Type"] == "application/pdf"
        text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
        assert world.company_a_profile.legal_name in text
    assert "Tecnico manutentore" in text


def test_iom_edits_the_quota_and_the_regions_rule_in_the_admin(world):
    from django.test import Client

    world.iom.is_superuser = world.iom.is_staff = True
    world.iom.save()
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.iom)
    scheme = Scheme.objects.get(is_current=True)
    url = reverse("admin:thamm_scheme_change", args=[scheme.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(
        quota=480,
        region_targets='{"IT-25": 200, "IT-45": 150, "IT-34": 130}',
        region_targets_enforced="on",
        destination_regions='["IT-25", "IT-45", "IT-34"]',
    )
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    scheme.refresh_from_db()
    assert scheme.quota == 480 and scheme.region_targets_enforced
    assert places_left() == 480


def test_iom_cannot_lower_the_quota_below_the_places_held(world, ready, candidate):
    from django.test import Client

    world.iom.is_superuser = world.iom.is_staff = True
    world.iom.save()
    scheme = Scheme.objects.get(is_current=True)
    _accept(_sent(world, ready, candidate), world.candidate)  # one place held
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.iom)
    url = reverse("admin:thamm_scheme_change", args=[scheme.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    refused = client.post(url, {**data, "quota": 0})
    assert refused.status_code == 200
    assert "The quota cannot be lower than the 1 place already held." in refused.content.decode()
    assert Scheme.objects.get(pk=scheme.pk).quota == scheme.quota
    assert client.post(url, {**data, "quota": 1}).status_code == 302
    assert Scheme.objects.get(pk=scheme.pk).quota == 1
