import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from candidates.models import Candidate, ConsentRecord, PrivacyNotice
from candidates.selectors import privacy_notice_current
from candidates.services import consent_give, consent_withdraw
from tests.factories import candidate_user
from thamm.exceptions import DomainError
from thamm.stages import stage_history

S = Candidate.Status


@pytest.fixture
def certified(world):
    """Centre A's candidate with a login, certified and not yet sharing."""
    world.candidate_a.status = S.CERTIFIED
    world.candidate_a.save()
    return world.candidate_a


def test_sharing_makes_a_certified_candidate_available_and_withdrawal_hides_them(world, certified):
    notice = privacy_notice_current()
    consent_give(candidate=certified, notice=notice, share_with_companies=True, by=world.candidate)
    certified.refresh_from_db()
    assert certified.profile_shared and certified.status == S.AVAILABLE
    consent_withdraw(candidate=certified, by=world.candidate)
    certified.refresh_from_db()
    assert not certified.profile_shared and certified.status == S.CERTIFIED
    records = list(ConsentRecord.objects.filter(candidate=certified))
    assert [(r.action, r.share_with_companies, r.notice.version) for r in records] == [
        ("withdraw", False, 1),
        ("give", True, 1),
    ]
    moves = [(c.from_stage, c.to_stage, c.by) for c in stage_history(obj=certified)]
    assert moves[-2:] == [
        ("certified", "available", world.candidate),
        ("available", "certified", world.candidate),
    ]


def test_accepting_the_notice_without_sharing_keeps_the_profile_hidden(world, certified):
    consent_give(
        candidate=certified,
        notice=privacy_notice_current(),
        share_with_companies=False,
        by=world.candidate,
    )
    certified.refresh_from_db()
    assert not certified.profile_shared and certified.status == S.CERTIFIED


def test_a_candidate_in_training_can_share_ahead_of_certification(world):
    consent_give(
        candidate=world.candidate_a,
        notice=privacy_notice_current(),
        share_with_companies=True,
        by=world.candidate,
    )
    world.candidate_a.refresh_from_db()
    assert world.candidate_a.profile_shared and world.candidate_a.status == S.REGISTERED


@pytest.mark.parametrize("who", ["centre", "iom", "company"])
def test_only_the_candidate_decides(world, certified, who):
    with pytest.raises(DomainError):
        consent_give(
            candidate=certified,
            notice=privacy_notice_current(),
            share_with_companies=True,
            by=world.user(who),
        )
    assert not ConsentRecord.objects.exists()
    assert not Candidate.objects.get(pk=certified.pk).profile_shared


def test_a_replaced_notice_cannot_be_accepted(world, certified):
    old = privacy_notice_current()
    PrivacyNotice.objects.create(
        version=2,
        published_on=timezone.localdate(),  # in force from today
        body_it="2",
        body_fr="2",
        body_ar="2",
        body_en="2",
    )
    with pytest.raises(DomainError, match="replaced"):
        consent_give(candidate=certified, notice=old, share_with_companies=True, by=world.candidate)
    assert not ConsentRecord.objects.exists()


def test_withdrawing_without_consent_is_refused(world, certified):
    with pytest.raises(DomainError):
        consent_withdraw(candidate=certified, by=world.candidate)


def test_consent_records_are_append_only(world, certified):
    record = consent_give(
        candidate=certified,
        notice=privacy_notice_current(),
        share_with_companies=True,
        by=world.candidate,
    )
    with pytest.raises(ValueError):
        record.save()


def test_candidate_reads_the_notice_in_arabic_gives_and_withdraws_consent(world, certified):
    client = Client(headers={"accept-language": "ar"})
    client.force_login(world.candidate)
    url = reverse("candidates:consent")
    page = client.get(url).content.decode()
    assert privacy_notice_current().body_ar[:40] in page and 'dir="rtl"' in page
    refused = client.post(url, {"notice_version": 1, "share_with_companies": "on"})
    assert refused.status_code == 200 and "accept_notice" in refused.context["form"].errors
    assert not ConsentRecord.objects.exists()
    client.post(url, {"notice_version": 1, "accept_notice": "on", "share_with_companies": "on"})
    certified.refresh_from_db()
    assert certified.status == S.AVAILABLE
    done = client.post(reverse("candidates:consent_withdraw"), follow=True).content.decode()
    with translation.override("ar"):
        message = translation.gettext("Your consent is withdrawn. Companies no longer see you.")
    assert message in done
    certified.refresh_from_db()
    assert not certified.profile_shared and certified.status == S.CERTIFIED


def test_a_stale_notice_version_in_the_form_changes_nothing(world, certified):
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.candidate)
    response = client.post(
        reverse("candidates:consent"),
        {"notice_version": 0, "accept_notice": "on", "share_with_companies": "on"},
    )
    assert "has been replaced" in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_a_candidate_login_without_a_record_gets_404(db):
    client = Client()
    client.force_login(candidate_user())
    assert client.get(reverse("candidates:consent")).status_code == 404


def test_centre_sees_whether_the_profile_is_shared(world, certified):
    consent_give(
        candidate=certified,
        notice=privacy_notice_current(),
        share_with_companies=True,
        by=world.candidate,
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.centre)
    page = client.get(certified.get_absolute_url()).content.decode()
    assert "Yes, with the candidate" in page


def test_a_notice_dated_in_the_future_is_not_asked_for_yet(world, certified):
    current = privacy_notice_current()
    PrivacyNotice.objects.create(
        version=current.version + 1,
        published_on=timezone.localdate() + datetime.timedelta(days=7),
        body_it="2",
        body_fr="2",
        body_ar="2",
        body_en="2",
    )
    assert privacy_notice_current() == current
