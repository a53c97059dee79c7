"""The fee ledger: every cost and who paid it; the worker's word, at three moments, that they
paid nothing; a cost they paid, or a "no", flags the case and its company for IOM at once."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from predeparture.models import Case, Cost, FeeAttestation
from predeparture.services import cost_record, fee_attest, step_record
from thamm.exceptions import DomainError
from thamm.models import Notification

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _cost(case, by, **changes):
    data = {
        "kind": "visa_fee",
        "amount": Decimal("116.00"),
        "currency": "EUR",
        "paid_on": TODAY(),
        "paid_by": "employer",
    }
    return cost_record(case=case, by=by, **(data | changes))


def test_costs_the_employer_pays_flag_nothing(world, case):
    _cost(case, world.company)
    _cost(case, world.chamber, kind="travel", amount=Decimal("2100"), currency="MAD")
    _cost(case, world.iom, kind="medical", paid_by="scheme")
    assert Cost.objects.filter(case=case).count() == 3
    assert Case.objects.get(pk=case.pk).fee_flagged_at is None
    assert not Notification.objects.filter(kind="case.fee_flag").exists()


def test_a_cost_the_worker_paid_flags_the_case_and_tells_iom_at_once(client_for, world, case):
    _cost(case, world.company, kind="translations", amount=Decimal("40"), paid_by="worker")
    flagged = Case.objects.get(pk=case.pk)
    assert flagged.fee_flagged_at is not None
    (note,) = Notification.objects.filter(kind="case.fee_flag")
    assert note.recipient == world.iom
    assert "Translations, 40.00 EUR" in note.body
    home = client_for("iom").get("/").content.decode()
    assert "Employer pays: workers who paid something" in home
    assert case.company.legal_name in home
    page = client_for("company").get(reverse("predeparture:case", kwargs={"pk": case.pk}))
    assert "flagged for IOM" in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"amount": Decimal("0")}, "more than zero"),
        ({"paid_on": None}, "not a day to come"),
        ({"paid_on": datetime.date(2099, 1, 1)}, "not a day to come"),
        ({"currency": "USD"}, "is not a valid choice"),
    ],
)
def test_a_cost_with_bad_data_is_refused_and_nothing_saved(world, case, changes, refusal):
    from django.core.exceptions import ValidationError

    with pytest.raises((DomainError, ValidationError), match=refusal):
        _cost(case, world.company, **changes)
    assert not Cost.objects.exists()


def test_only_the_employers_side_and_iom_record_costs(world, case):
    for who in ("candidate", "centre"):
        with pytest.raises(DomainError, match="records the costs"):
            _cost(case, getattr(world, who))
    with pytest.raises(DomainError, match="cannot act on this case"):
        _cost(case, world.company_b)
    assert not Cost.objects.exists()


def test_the_worker_gives_their_word_at_each_moment_in_their_language(world, case):
    fee_attest(
        case=case,
        by=world.candidate,
        moment="acceptance",
        paid_nothing=True,
        note="",
        language="ar",
    )
    attestation = FeeAttestation.objects.get()
    assert attestation.paid_nothing and attestation.language == "ar"
    assert "لم أدفع" in attestation.statement  # what they read, kept
    with pytest.raises(DomainError, match="answered for this moment already"):
        fee_attest(
            case=case,
            by=world.candidate,
            moment="acceptance",
            paid_nothing=True,
            note="",
            language="fr",
        )
    with pytest.raises(DomainError, match="not the moment"):
        fee_attest(
            case=case,
            by=world.candidate,
            moment="after_arrival",
            paid_nothing=True,
            note="",
            language="fr",
        )
    with pytest.raises(DomainError, match="Only the worker"):
        fee_attest(
            case=case,
            by=world.company,
            moment="before_departure",
            paid_nothing=True,
            note="",
            language="it",
        )
    assert Case.objects.get(pk=case.pk).fee_flagged_at is None


def test_a_no_needs_what_was_paid_and_flags_the_case(world, case):
    with pytest.raises(DomainError, match="Say what you paid"):
        fee_attest(
            case=case,
            by=world.candidate,
            moment="acceptance",
            paid_nothing=False,
            note=" ",
            language="fr",
        )
    assert not FeeAttestation.objects.exists()
    fee_attest(
        case=case,
        by=world.candidate,
        moment="acceptance",
        paid_nothing=False,
        note="3000 MAD to an agent in Casablanca",
        language="fr",
    )
    assert Case.objects.get(pk=case.pk).fee_flagged_at is not None
    note = Notification.objects.get(kind="case.fee_flag", recipient=world.iom)
    assert "3000 MAD to an agent in Casablanca" in note.body


def test_after_arrival_the_worker_answers_for_after_arrival(world, case):
    day = datetime.date(2026, 2, 1)
    for step in case.steps.order_by("position"):
        if step.status == "done":
            continue
        extra = {"reference": "R"}
        if step.kind == "visa_issued":
            extra |= {"visa_valid_from": day, "visa_valid_until": day + datetime.timedelta(365)}
        step_record(step=step, by=world.iom, done_on=day, **extra)
        if step.kind == "arrived":
            break
    with pytest.raises(DomainError, match="not the moment"):
        fee_attest(
            case=case,
            by=world.candidate,
            moment="before_departure",
            paid_nothing=True,
            note="",
            language="fr",
        )
    fee_attest(
        case=case,
        by=world.candidate,
        moment="after_arrival",
        paid_nothing=True,
        note="",
        language="fr",
    )


def test_the_worker_answers_on_their_case_page(client_for, world, case):
    client = client_for("candidate")
    url = reverse("predeparture:case", kwargs={"pk": case.pk})
    page = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert "Je n&#x27;ai rien payé à personne pour ce travail" in page
    attest = reverse("predeparture:attest", kwargs={"pk": case.pk})
    bad = client.post(attest, {"moment": "acceptance", "paid_nothing": "no", "note": ""})
    assert "Say what you paid, how much and to whom." in bad.content.decode()
    assert not FeeAttestation.objects.exists()
    done = client.post(attest, {"moment": "acceptance", "paid_nothing": "yes"})
    assert done.status_code == 302
    assert FeeAttestation.objects.get().paid_nothing
    # The next moment is asked for now.
    again = client.get(url).content.decode()
    assert 'value="before_departure"' in again


def test_costs_from_the_page(client_for, case):
    client = client_for("company")
    url = reverse("predeparture:cost", kwargs={"pk": case.pk})
    bad = client.post(
        url,
        {
            "kind": "visa_fee",
            "amount": "-1",
            "currency": "EUR",
            "paid_on": "2026-01-05",
            "paid_by": "employer",
        },
    )
    assert "Ensure this value is greater than or equal to 0.01." in bad.content.decode()
    assert not Cost.objects.exists()
    ok = client.post(
        url,
        {
            "kind": "visa_fee",
            "amount": "116",
            "currency": "EUR",
            "paid_on": "2026-01-05",
            "paid_by": "employer",
        },
    )
    assert ok.status_code == 302 and Cost.objects.get().amount == Decimal("116")
