import datetime

import pytest
from django.core.exceptions import ValidationError

from candidates.models import Candidate, Occupation
from candidates.services import (
    candidate_create,
    candidate_mark_not_certified,
    candidate_start_training,
    candidate_update,
    candidate_withdraw,
)
from tests.factories import CandidateFactory
from thamm.exceptions import DomainError
from thamm.models import AuditEntry, StageChange
from thamm.stages import stage_history

S = Candidate.Status


def data(**overrides):
    base = {
        "first_name": "Salma",
        "last_name": "Bennani",
        "date_of_birth": datetime.date(1999, 5, 1),
        "sex": "F",
        "cin": "AB12345",
        "phone": "+212612345678",
        "residence_region": "MA-01",
        "education": "technician",
        "years_experience": 2,
        "preferred_regions": ["IT-45"],
    }
    base.update(overrides)
    return base


def test_centre_registers_a_candidate_and_the_registration_is_recorded(world):
    occupations = Occupation.objects.filter(isco_code__in=["3115", "7223"])
    candidate = candidate_create(
        centre=world.centre_org, data=data(), occupations=occupations, by=world.centre
    )
    assert candidate.status == S.REGISTERED
    assert candidate.reference.startswith("C-") and len(candidate.reference) == 8
    assert set(candidate.previous_occupations.values_list("isco_code", flat=True)) == {
        "3115",
        "7223",
    }
    [change] = stage_history(obj=candidate)
    assert (change.from_stage, change.to_stage, change.by) == ("", "registered", world.centre)
    assert AuditEntry.objects.filter(action="candidate.create", target_id=str(candidate.pk))


def test_duplicate_cin_is_refused_even_across_centres(world):
    candidate_create(centre=world.centre_org, data=data(), occupations=[], by=world.centre)
    with pytest.raises(ValidationError) as exc:
        candidate_create(
            centre=world.centre_b_org, data=data(cin="AB12345"), occupations=[], by=world.centre_b
        )
    assert "A candidate with this CIN is already registered." in exc.value.messages
    assert Candidate.objects.filter(cin="AB12345").count() == 1


def test_duplicate_passport_is_refused_and_passport_needs_its_expiry(world):
    expiry = datetime.date.today() + datetime.timedelta(days=900)
    candidate_create(
        centre=world.centre_org,
        data=data(passport_number="XY1234567", passport_expiry=expiry),
        occupations=[],
        by=world.centre,
    )
    with pytest.raises(ValidationError) as exc:
        candidate_create(
            centre=world.centre_org,
            data=data(cin="ZZ99999", passport_number="XY1234567", passport_expiry=expiry),
            occupations=[],
            by=world.centre,
        )
    assert "A candidate with this passport number is already registered." in exc.value.messages
    with pytest.raises(ValidationError) as exc:
        candidate_create(
            centre=world.centre_org,
            data=data(cin="ZZ99998", passport_number="XY7654321"),
            occupations=[],
            by=world.centre,
        )
    assert "passport_expiry" in exc.value.message_dict
    # Two candidates without a passport yet are fine.
    for cin in ("QQ11111", "QQ22222"):
        candidate_create(
            centre=world.centre_org, data=data(cin=cin), occupations=[], by=world.centre
        )


@pytest.mark.parametrize("cin", ["123456", "ABC123", "A-12345", "AB1234567"])
def test_malformed_cin_is_refused(world, cin):
    with pytest.raises(ValidationError) as exc:
        candidate_create(
            centre=world.centre_org, data=data(cin=cin), occupations=[], by=world.centre
        )
    assert "cin" in exc.value.message_dict
    assert not Candidate.objects.filter(cin=cin).exists()


@pytest.mark.parametrize("who", ["centre_b", "company", "chamber", "candidate"])
def test_only_the_owning_centre_or_iom_changes_a_candidate(world, who):
    candidate = world.candidate_a
    with pytest.raises(DomainError):
        candidate_update(
            candidate=candidate, data={"first_name": "X"}, occupations=None, by=world.user(who)
        )
    with pytest.raises(DomainError):
        candidate_start_training(candidate=candidate, by=world.user(who))
    candidate.refresh_from_db()
    assert candidate.first_name != "X" and candidate.status == S.REGISTERED


def test_centre_cannot_register_into_another_centre(world):
    with pytest.raises(DomainError):
        candidate_create(centre=world.centre_b_org, data=data(), occupations=[], by=world.centre)
    assert not Candidate.objects.filter(cin="AB12345").exists()


def test_lifecycle_moves_check_their_preconditions_and_record_who_and_when(world):
    candidate = world.candidate_a
    with pytest.raises(DomainError):
        candidate_mark_not_certified(candidate=candidate, by=world.centre, reason="failed")
    candidate_start_training(candidate=candidate, by=world.centre)
    with pytest.raises(DomainError):
        candidate_start_training(candidate=candidate, by=world.centre)
    with pytest.raises(DomainError, match="reason"):
        candidate_mark_not_certified(candidate=candidate, by=world.centre, reason="  ")
    candidate_mark_not_certified(candidate=candidate, by=world.iom, reason="Failed PLC module")
    candidate.refresh_from_db()
    assert candidate.status == S.NOT_CERTIFIED
    moves = [(c.from_stage, c.to_stage, c.by) for c in stage_history(obj=candidate)]
    assert moves[-2:] == [
        ("registered", "in_training", world.centre),
        ("in_training", "not_certified", world.iom),
    ]
    assert stage_history(obj=candidate).last().note == "Failed PLC module"
    # Not certified is an exit: no way out of it but a new registration.
    with pytest.raises(DomainError):
        candidate_withdraw(candidate=candidate, by=world.centre, reason="moved away")


def test_withdrawal_needs_a_reason_and_works_from_any_active_stage(world):
    candidate = CandidateFactory(training_centre=world.centre_org, status=S.CERTIFIED)
    with pytest.raises(DomainError):
        candidate_withdraw(candidate=candidate, by=world.centre, reason="")
    candidate_withdraw(candidate=candidate, by=world.centre, reason="Found a job in Morocco")
    candidate.refresh_from_db()
    assert candidate.status == S.WITHDRAWN
    assert StageChange.objects.filter(target_id=str(candidate.pk), to_stage="withdrawn").exists()


def test_stage_history_is_append_only(world):
    candidate_start_training(candidate=world.candidate_a, by=world.centre)
    change = stage_history(obj=world.candidate_a).last()
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        StageChange.objects.all().delete()


def test_update_records_which_fields_changed(world):
    candidate_update(
        candidate=world.candidate_a,
        data={"first_name": "Karim", "years_experience": 7},
        occupations=None,
        by=world.centre,
    )
    entry = AuditEntry.objects.filter(action="candidate.update").get()
    assert entry.detail == {"fields": ["first_name", "years_experience"]}
