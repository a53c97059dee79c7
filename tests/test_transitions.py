"""thamm.transitions: one way to move a row between stages, and one way to ask which moves a user
may make now (what the pages show)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from candidates.services import LIFECYCLE
from companies.models import Company, Vacancy
from companies.services import VACANCY_LIFECYCLE, VERIFICATION, company_set_status
from tests.companies.test_services import BERGAMO, vacancy_fields
from thamm.exceptions import DomainError
from thamm.models import AuditEntry, StageChange
from thamm.transitions import transition


def changes(obj):
    return list(
        StageChange.objects.filter(
            target_type=obj._meta.label_lower, target_id=str(obj.pk)
        ).values_list("from_stage", "to_stage", "note")
    )


def test_a_move_saves_the_stage_its_history_and_the_audit_entry(world):
    company = world.company_a_profile
    before = changes(company)
    moved = transition(VERIFICATION, company, "verify", by=world.iom)
    company.refresh_from_db()
    assert company.status == Company.Status.VERIFIED and company.status_changed_at
    assert moved.status == company.status
    assert changes(company) == [*before, ("pending", "verified", "")]
    entry = AuditEntry.objects.get(action="company.verify")
    assert entry.actor == world.iom and entry.detail == {"from": "pending", "to": "verified"}


def test_a_move_from_the_wrong_stage_is_refused_with_the_stage_named_and_nothing_kept(world):
    company = world.company_a_profile
    before = changes(company)
    with pytest.raises(DomainError, match="“Pending verification”|“In attesa"):
        transition(VERIFICATION, company, "reinstate", by=world.iom)
    company.refresh_from_db()
    assert company.status == "pending" and changes(company) == before
    assert not AuditEntry.objects.filter(action__startswith="company.").exists()


def test_a_move_that_needs_a_reason_is_refused_without_one(world):
    company = world.company_a_profile
    transition(VERIFICATION, company, "verify", by=world.iom)
    with pytest.raises(DomainError, match="reason"):
        transition(VERIFICATION, company, "suspend", by=world.iom, note="   ")
    transition(VERIFICATION, company, "suspend", by=world.iom, note=" Fees charged ")
    company.refresh_from_db()
    assert company.status == "suspended" and company.status_reason == "Fees charged"


def test_who_moves_is_checked_first(world):
    with pytest.raises(DomainError):
        transition(VERIFICATION, world.company_a_profile, "verify", by=world.company)
    with pytest.raises(DomainError, match="Unknown action"):
        transition(VERIFICATION, world.company_a_profile, "delete", by=world.iom)


def test_side_effects_wait_for_the_commit(world, django_capture_on_commit_callbacks):
    seen = []
    with django_capture_on_commit_callbacks() as callbacks:
        transition(
            VERIFICATION,
            world.company_a_profile,
            "verify",
            by=world.iom,
            after_commit=lambda company: seen.append(company.status),
        )
        assert seen == []  # not before the commit
    for callback in callbacks:
        callback()
    assert seen == ["verified"]


def test_the_moves_offered_are_those_the_service_allows(world):
    company = world.company_a_profile
    assert set(VERIFICATION.moves_for(company, world.iom)) == {"verify"}
    assert VERIFICATION.moves_for(company, world.company) == {}  # a company never verifies
    company_set_status(company=company, action="verify", by=world.iom)
    company.refresh_from_db()
    assert set(VERIFICATION.moves_for(company, world.chamber)) == {"suspend"}
    assert set(LIFECYCLE.moves_for(world.candidate_a, world.centre)) == {
        "start_training",
        "withdraw",
    }
    assert LIFECYCLE.moves_for(world.candidate_a, world.company) == {}
    for name, move in VACANCY_LIFECYCLE.manual_moves.items():
        for stage in move.sources:  # every offered move is one the transition accepts
            assert name in VACANCY_LIFECYCLE.moves_for(Vacancy(status=stage), world.company)


def test_the_vacancy_page_shows_the_buttons_of_the_moves_allowed_now(world):
    from companies.services import unit_add, vacancy_create, vacancy_move

    company = world.company_a_profile
    unit = unit_add(company=company, data=BERGAMO, by=world.company)
    company_set_status(company=company, action="verify", by=world.iom)
    vacancy = vacancy_create(company=company, data=vacancy_fields(unit), by=world.company)
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.company)
    url = reverse("companies:vacancy_detail", args=[vacancy.pk])

    def buttons():
        page = client.get(url).content.decode()
        return {name for name in ("publish", "fill", "close") if f'value="{name}"' in page}

    assert buttons() == {"publish", "close"}
    vacancy_move(vacancy=vacancy, action="publish", by=world.company)
    assert buttons() == {"fill", "close"}
    vacancy_move(vacancy=vacancy, action="fill", by=world.company)
    assert buttons() == set()
    assert "Edit</a>" not in client.get(url).content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent transactions need PostgreSQL (SQLite has one writer); CI runs it",
)
@pytest.mark.django_db(transaction=True)
def test_two_people_making_the_same_move_at_once_make_it_once(reference_data, world):
    """Two IOM coordinators verify the same company at the same instant: the row lock lets one
    through; the other sees the new stage and is refused. One stage change is recorded."""
    company = world.company_a_profile
    barrier = threading.Barrier(2)
    outcomes = []

    def verify():
        try:
            barrier.wait(timeout=10)
            transition(VERIFICATION, company, "verify", by=world.iom)
            outcomes.append("moved")
        except DomainError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=verify) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["moved", "refused"]
    assert [c[:2] for c in changes(company)].count(("pending", "verified")) == 1
