import datetime
from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationUserObjectPermission,
    User,
)
from accounts.selectors import companies_assisted_by
from candidates.models import (
    Candidate,
    CandidateGroupObjectPermission,
    ConsentRecord,
    PrivacyNotice,
)
from companies.models import Attestation, Company, ProductionUnit, Vacancy
from companies.selectors import company_list
from companies.services import current_statement, publish_blockers, vacancy_move
from demo.files import read
from demo.seed import DEMO_PASSWORD
from matching.models import Application, Interview, InterviewSlot, Offer, QuotaSlot
from predeparture.models import Case, Step
from thamm.exceptions import DomainError
from thamm.models import AuditEntry, Notification, StageChange
from thamm.scheme import current_scheme
from training.models import Cohort, Enrolment, Result
from training.selectors import certification_check

# Shown to companies once, and on their way to Italy since (an offer accepted, a case open).
ON_THEIR_WAY = ["selected", "predeparture", "arrived", "employed"]
SHOWN = ["available", *ON_THEIR_WAY]

CANDIDATES_LINE = (
    "120 demo candidates at the two training centres (24 registered, 40 in training, "
    "13 certified, 24 available, 2 in pre-departure, 1 arrived in Italy, 10 withdrawn, "
    "6 not certified); 27 with their own "
    "login: the candidate login below, and each other one who agreed to be shown to companies "
    "as <CIN in lower case>@candidates.thamm.example."
)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for this module's tests (each runs in a savepoint of this
    transaction, undone after it), and rolled back after them: what `seed_demo` printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _seed()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db) -> str:
    return seeded


def _counts() -> dict[str, int]:
    models = [
        User,
        Organisation,
        Membership,
        OrganisationUserObjectPermission,
        Company,
        ProductionUnit,
        Attestation,
        Vacancy,
        StageChange,
        AuditEntry,
        Candidate,
        Cohort,
        Enrolment,
        Result,
        ConsentRecord,
        Invitation,
        EmailAddress,
        Notification,
        CandidateGroupObjectPermission,
        Application,
        Interview,
        InterviewSlot,
        Offer,
        QuotaSlot,
        Case,
        Step,
    ]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["steps done"] = Step.objects.filter(status="done").count()
    return counts


def test_seed_demo_prints_one_working_login_per_role_and_is_idempotent(demo):
    output = demo  # the first run's
    counts = _counts()
    assert _seed() == output
    assert _counts() == counts  # the second run adds nothing, not even a history or audit row
    roles = {User.objects.get(email=e).role for e in User.objects.values_list("email", flat=True)}
    assert roles == {"candidate", "centre", "company", "chamber", "iom"}
    for spec in read("accounts")["login"]:
        assert spec["email"] in output
    # Every account works with the printed password: the printed logins, and the available
    # candidates' own logins, whose addresses the candidates line gives.
    assert CANDIDATES_LINE in output
    for user in User.objects.all():
        assert authenticate(email=user.email, password=DEMO_PASSWORD) == user
        if user.email not in output:
            # Shown to companies; on their way to Italy since, if their case is open.
            hired = Case.objects.filter(candidate=user.candidate, status="open").exists()
            assert (
                (user.candidate.status in ON_THEIR_WAY)
                if hired
                else (user.candidate.status == "available")
            )
            assert user.email == f"{user.candidate.cin.lower()}@candidates.thamm.example"
    assert DEMO_PASSWORD in output and "TOTP secret" in output
    assert (
        "12 companies (8 verified, 3 pending, 1 suspended), 25 vacancies (16 published)." in output
    )


def test_seed_demo_has_the_scheme_partners(demo):
    kinds = {k: Organisation.objects.filter(kind=k).count() for k in Organisation.Kind.values}
    # The chambers are the 17 of the scheme's regions (companies migration 0007), none made twice.
    assert kinds == {"iom": 1, "chamber": 17, "training_centre": 2, "company": 12}
    assert Organisation.objects.filter(kind="chamber", name__icontains="Bergamo").count() == 1
    advisor = User.objects.get(email="advisor@bergamo.thamm.example")
    assert {c.city for c in companies_assisted_by(user=advisor)} == {
        "Bergamo",
        "Dalmine",
        "Albino",
        "Trescore Balneario",
    }


def test_demo_results_agree_with_the_certification_rule(demo):
    scheme = current_scheme()
    # Certified, whether shown to companies (available, or on their way since) or not.
    certified = Candidate.objects.filter(status__in=["certified", *SHOWN])
    assert certified.count() == 40
    assert all(certification_check(candidate=c, scheme=scheme).ready for c in certified)
    for stage in ("in_training", "not_certified"):
        others = Candidate.objects.filter(status=stage)
        assert others.exists()
        assert not any(certification_check(candidate=c, scheme=scheme).ready for c in others)


def test_every_demo_candidate_is_a_record_the_portal_accepts_moved_by_the_services(demo):
    staff = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(organisation__kind="training_centre")
    }
    candidates = Candidate.objects.select_related("user")
    assert candidates.count() == 120
    for candidate in candidates:
        candidate.full_clean()  # what the centre's form would accept
        moves = list(
            StageChange.objects.filter(
                target_type="candidates.candidate", target_id=str(candidate.pk)
            ).order_by("pk")
        )
        # Registered by their centre's staff login; each move from the stage the last one left.
        assert (moves[0].from_stage, moves[0].to_stage) == ("", "registered")
        assert moves[-1].to_stage == candidate.status
        assert all(a.to_stage == b.from_stage for a, b in zip(moves, moves[1:], strict=False))
        centre_staff = staff[candidate.training_centre_id]
        employers = set(
            Case.objects.filter(candidate=candidate).values_list("company__organisation", flat=True)
        )
        for move in moves:
            if move.from_stage in ON_THEIR_WAY:
                # Their case moves them on: a step or the closing, by its worker or employer.
                assert move.by == candidate.user or move.by.organisation.pk in employers
                continue
            # The candidate themself publishes their profile and accepts an offer (selected);
            # their centre makes the other moves.
            by_themself = move.to_stage in ("available", "selected")
            expected = candidate.user if by_themself else centre_staff
            assert move.by == expected, (candidate.cin, move.to_stage)
        if candidate.status in ("withdrawn", "not_certified"):
            assert moves[-1].note  # with the reason the stage form asks for
        cohorts = Cohort.objects.filter(enrolments__candidate=candidate)
        if candidate.status == "registered":
            assert not cohorts.exists()  # their courses have not started
        else:
            assert cohorts.count() == 1
            assert cohorts.get().starts_on <= timezone.localdate()
            assert cohorts.get().training_centre_id == candidate.training_centre_id
            for result in Result.objects.filter(candidate=candidate):
                result.full_clean()  # not before the cohort starts, not in the future
                assert result.assessed_on >= cohorts.get().starts_on


def test_available_demo_candidates_consented_with_their_own_invited_login(demo):
    notice = PrivacyNotice.in_force()
    # Shown to companies: available, or on their way to Italy since (they accepted an offer).
    available = Candidate.objects.filter(status__in=SHOWN)
    available = available.select_related("user")
    assert available.count() == 27  # 26, and the candidate login's person
    assert {c.training_centre.city for c in available} == {"Casablanca", "Tanger"}
    certified = Candidate.objects.filter(status__in=["certified", *SHOWN])
    assert 0.6 <= available.count() / certified.count() <= 0.7  # about two thirds
    for candidate in available:
        login = candidate.user
        assert login.role == "candidate" and login.email == candidate.email
        assert login.get_full_name() == candidate.full_name
        assert EmailAddress.objects.get(user=login).verified
        # Their centre invited them; they signed up from the invitation.
        invitation = Invitation.objects.get(email=login.email)
        assert invitation.accepted_by == login and candidate.login_invitation == invitation
        assert invitation.invited_by.organisation == candidate.training_centre
        consent = candidate.consents.get()
        assert consent.by == login and consent.action == ConsentRecord.Action.GIVE
        assert consent.share_with_companies and consent.notice == notice
        assert candidate.profile_shared
    for candidate in Candidate.objects.exclude(status__in=SHOWN):
        assert not candidate.profile_shared and not candidate.consents.exists()
    # Every login is of someone shown to companies, the candidate login's person included.
    assert not (Candidate.objects.filter(user__isnull=False).exclude(status__in=SHOWN).exists())
    assert available.filter(user__email="candidate@thamm.example").exists()


def test_available_demo_candidates_differ_in_what_companies_will_filter_on(demo):
    today = timezone.localdate()
    available = list(
        Candidate.objects.filter(status="available").prefetch_related("previous_occupations")
    )
    years = {c.years_experience for c in available}
    assert min(years) <= 1 and max(years) >= 8 and len(years) >= 6
    occupations = {o.isco_code for c in available for o in c.previous_occupations.all()}
    assert len(occupations) >= 6
    for candidate in available:
        if candidate.years_experience:
            assert candidate.previous_occupations.all()  # their experience was in something
        assert 1 <= len(candidate.preferred_regions) <= 3
        assert today < candidate.earliest_start <= today + datetime.timedelta(days=200)
    regions = {r for c in available for r in c.preferred_regions}
    assert regions == set(current_scheme().destination_regions)
    assert len({c.earliest_start for c in available}) >= 10
    results = Result.objects.filter(candidate__in=available)
    levels = set(results.filter(course__code="ITA").values_list("cefr_level", flat=True))
    assert levels == {"A2", "B1", "B2"}
    scores = [r.score for r in results.exclude(score=None)]
    assert min(scores) < 70 and max(scores) >= 90
    # Some took the optional robotics module, which one demo vacancy asks for.
    with_robotics = results.filter(course__code="MEC-ROB").count()
    assert 0 < with_robotics < len(available)


def test_demo_companies_cover_the_three_regions_with_some_pending_and_one_suspended(demo):
    companies = Company.objects.all()
    assert 10 <= companies.count() <= 14
    regions = set(ProductionUnit.objects.values_list("region", flat=True))
    assert regions == set(current_scheme().destination_regions)
    seats = {c.units.order_by("pk").first().region for c in companies}
    assert seats == regions  # each region has companies of its own, not just a second unit
    assert companies.filter(status=Company.Status.PENDING).count() >= 2
    suspended = companies.get(status=Company.Status.SUSPENDED)
    assert "reclutamento equo" in suspended.status_reason
    moves = StageChange.objects.filter(target_type="companies.company", target_id=str(suspended.pk))
    assert list(moves.values_list("to_stage", flat=True)) == ["pending", "verified", "suspended"]
    assert moves.get(to_stage="suspended").note == suspended.status_reason
    for company in companies:
        company.full_clean()  # a valid Partita IVA, codice fiscale, ATECO code and PEC
        assert company.codice_fiscale == company.partita_iva
        assert company.ateco_code and company.pec.endswith("@pec.example.it")
        assert company.units.filter(region__in=current_scheme().destination_regions).exists()
        if company.interest_date:
            assert company.interest_date <= timezone.localdate()
            assert company.interest_body.region in set(
                company.units.values_list("region", flat=True)
            )


def test_demo_vacancies_mix_states_and_only_verified_companies_publish(demo):
    vacancies = Vacancy.objects.select_related("company", "unit")
    assert 20 <= vacancies.count() <= 30
    states = {s: vacancies.filter(status=s).count() for s in Vacancy.Status.values}
    assert states["published"] > states["draft"] > 0 and states["filled"] and states["closed"]
    published = vacancies.filter(status=Vacancy.Status.PUBLISHED)
    assert {v.company.status for v in published} == {Company.Status.VERIFIED}
    assert not vacancies.filter(
        company__status__in=[Company.Status.PENDING, Company.Status.SUSPENDED],
        status__in=[Vacancy.Status.PUBLISHED, Vacancy.Status.FILLED],
    ).exists()
    today = timezone.localdate()
    for vacancy in vacancies:
        vacancy.full_clean()
        assert vacancy.unit.company_id == vacancy.company_id
        assert vacancy.ccnl == "Metalmeccanica industria" and vacancy.hours_per_week == 40
        assert Decimal(1750) <= vacancy.gross_monthly_pay <= Decimal(2400)
        assert today < vacancy.start_date <= today + datetime.timedelta(days=200)
        assert vacancy.description_it
        modules = list(vacancy.required_modules.all())
        assert modules and {m.kind for m in modules} == {"technical"}
        if vacancy.status in (Vacancy.Status.PUBLISHED, Vacancy.Status.FILLED):
            assert vacancy.published_at is not None
    assert vacancies.exclude(description_fr="").exists()
    assert vacancies.exclude(description_ar="").exists()
    assert vacancies.filter(description_fr="").exists()
    assert len(set(vacancies.values_list("housing", flat=True))) == 3


def test_the_bergamo_advisor_sees_exactly_the_bergamo_area_companies(demo):
    advisor = User.objects.get(email="advisor@bergamo.thamm.example")
    seen = set(company_list(user=advisor))
    bergamo_area = set(Company.objects.filter(units__province="IT-BG").distinct())
    assert len(bergamo_area) >= 3
    assert seen == bergamo_area
    assert set(Company.objects.filter(chamber=advisor.organisation)) == bergamo_area


@pytest.mark.parametrize(
    "email,province,companies",
    [
        ("advisor@modena.thamm.example", "IT-MO", {"Automazioni Emiliane S.p.A."}),
        ("advisor@vicenza.thamm.example", "IT-VI", {"Veneta Robotica S.r.l."}),
    ],
)
def test_the_emilia_and_veneto_advisors_assist_the_demo_companies_of_their_chambers_area(
    demo, email, province, companies
):
    output = demo
    advisor = User.objects.get(email=email)
    assert advisor.role == "chamber" and advisor.is_org_admin
    assert Authenticator.objects.filter(user=advisor, type=Authenticator.Type.TOTP).exists()
    line = output[output.index(email) :].splitlines()[1]
    assert "TOTP secret" in line  # printed with the login
    chamber = advisor.organisation
    assert province in chamber.provinces.values_list("province", flat=True)
    assert {c.legal_name for c in company_list(user=advisor)} == companies
    assert {c.legal_name for c in Company.objects.filter(chamber=chamber)} == companies
    assert all(c.units.filter(province=province).exists() for c in company_list(user=advisor))


def test_the_company_logins_signed_their_companies_up_and_iom_made_the_others(demo):
    logins = {s["company"]: s["email"] for s in read("accounts")["login"] if "company" in s}
    assert len(logins) == 3
    for company in Company.objects.select_related("organisation", "signed_up_by"):
        first = StageChange.objects.filter(
            target_type="companies.company", target_id=str(company.pk)
        ).first()
        assert (first.from_stage, first.to_stage) == ("", "pending")
        admins = Membership.objects.filter(organisation=company.organisation, role="admin")
        if company.legal_name in logins:
            # The sign-up made the organisation, its login the admin, and recorded both.
            login = User.objects.get(email=logins[company.legal_name])
            assert company.signed_up_by == login and first.by == login
            assert [m.user for m in admins] == [login]
            assert company.contact_email == login.email
        else:
            assert company.signed_up_by is None and not admins.exists()
            assert first.by.email == "iom@thamm.example"
        assert company.organisation.city == company.units.order_by("pk").first().comune
    # Those without a login named their chamber on the portal, which told the chamber's admin.
    told = Notification.objects.filter(
        recipient__email="advisor@bergamo.thamm.example", kind="company.chamber_named"
    )
    assert told.count() == 3


def test_the_orobica_login_company_is_verified_signed_and_publishing(demo):
    hr = User.objects.get(email="hr@orobica.thamm.example")
    company = company_list(user=hr).get()
    assert company.legal_name == "Meccanica Orobica S.r.l."
    assert company.status == Company.Status.VERIFIED
    signature = Attestation.objects.get(company=company, statement=current_statement())
    assert signature.signed_by == hr
    assert company.interest_body.name == "Unioncamere Lombardia"
    assert company.chamber.name.startswith("Camera di Commercio di Bergamo")
    assert publish_blockers(company=company) == []
    assert company.vacancies.filter(status=Vacancy.Status.PUBLISHED).count() >= 2
    assert company.vacancies.filter(status=Vacancy.Status.DRAFT).exists()


def test_a_login_company_is_pending_with_drafts_it_cannot_publish_yet(demo):
    hr = User.objects.get(email="hr@venetarobotica.thamm.example")
    company = company_list(user=hr).get()
    assert company.status == Company.Status.PENDING
    assert publish_blockers(company=company)
    drafts = company.vacancies.filter(status=Vacancy.Status.DRAFT)
    assert drafts.exists()
    with pytest.raises(DomainError, match="not verified yet"):
        vacancy_move(vacancy=drafts.first(), action="publish", by=hr)


def test_the_demo_candidate_login_and_their_record_are_the_same_person(demo):
    from candidates.selectors import candidate_list

    login = User.objects.get(email="candidate@thamm.example")  # the login the README gives
    record = candidate_list(user=login).get()
    assert record.user == login
    assert login.get_full_name() == f"{record.first_name} {record.last_name}"
    assert login.get_short_name() == record.first_name  # the home page's greeting
    assert record.full_name_ar
    assert (record.cin, record.full_name) == ("BE100000", "Amine Tazi")
    # Certified, and he chose himself that companies see him: available, a company can ask him.
    assert record.status == Candidate.Status.AVAILABLE and record.profile_shared
    consent = record.consents.get()
    assert consent.by == login and consent.action == ConsentRecord.Action.GIVE
    assert consent.share_with_companies and consent.notice == PrivacyNotice.in_force()
    assert Invitation.objects.get(email=login.email).accepted_by == login


# --- The selection of workers (applications.toml) ---

SELECTION_LINE = (
    "30 applications at 3 companies (4 asked to meet, 3 agreed to meet, 2 declined to meet, "
    "3 interview proposed, 3 interview scheduled, 2 interviewed, 2 offer made, 4 offer accepted, "
    "2 offer declined, 3 not retained, 2 withdrawn); 3 of the scheme's 500 places taken "
    "(2 Lombardia, 1 Emilia-Romagna)."
)
# The stages the demo shows, each at least once.
DEMO_STAGES = {
    "shortlisted",
    "agreed",
    "meeting_declined",
    "interview_proposed",
    "interview_scheduled",
    "interviewed",
    "offered",
    "accepted",
    "declined",
    "rejected",
    "withdrawn",
}


def test_demo_applications_are_at_every_stage_over_verified_companies_published_vacancies(demo):
    assert SELECTION_LINE in demo
    applications = Application.objects.select_related("vacancy", "company", "candidate")
    assert set(applications.values_list("status", flat=True)) == DEMO_STAGES
    assert applications.values("company").distinct().count() >= 3
    for application in applications:
        assert application.company.status == Company.Status.VERIFIED
        assert application.vacancy.company_id == application.company_id
        assert application.vacancy.status == Vacancy.Status.PUBLISHED
        application.full_clean()
    # A company that does not go on keeps its reason, for itself.
    for application in applications.filter(status="rejected"):
        assert application.company_note
        last = StageChange.objects.filter(
            target_type="matching.application", target_id=str(application.pk)
        ).last()
        assert last.to_stage == "rejected" and last.note


def test_every_demo_application_meets_its_vacancys_requirements(demo):
    from matching.scoring import scored
    from matching.selectors import requirements

    for vacancy in Vacancy.objects.filter(applications__isnull=False).distinct():
        candidates = Candidate.objects.filter(applications__vacancy=vacancy)
        eligible = scored(candidates, requirements(vacancy)).filter(eligible=True)
        assert eligible.count() == candidates.count(), vacancy.title  # as a search ranks them


def test_accepted_demo_offers_hold_quota_places_by_region_and_company_with_a_case_each(demo):
    from matching.selectors import quota_figures
    from matching.services import offer_terms, terms_hash

    accepted = Application.objects.filter(status="accepted").select_related("offer", "candidate")
    assert 3 <= accepted.count() <= 4
    for application in accepted:
        offer = application.offer
        assert offer.status == Offer.Status.ACCEPTED
        slot = QuotaSlot.objects.get(offer=offer)
        assert (slot.candidate, slot.company_id) == (application.candidate, application.company_id)
        assert slot.region == application.vacancy.unit.region == offer.region
        case = Case.objects.get(offer=offer)
        assert (case.candidate, case.company_id) == (application.candidate, application.company_id)
        # The place is held while the case is open; the case closed early gave it back.
        assert (slot.released_at is None) == case.is_open
        moved_on = (Candidate.Status.PREDEPARTURE, Candidate.Status.ARRIVED)
        expected = moved_on if case.is_open else (Candidate.Status.AVAILABLE,)  # shown again
        assert application.candidate.status in expected
        # What the candidate accepted is what they read, in their language.
        shown = offer_terms(offer, offer.accepted_language)
        assert offer.accepted_terms == [list(row) for row in shown]
        assert offer.accepted_terms_hash == terms_hash(shown)
        # The only application of a worker who accepted: accepting ends the others.
        assert application.candidate.applications.count() == 1
    # Every offer went through the three ethical-recruitment gates: a company login sent it.
    for offer in Offer.objects.exclude(status=Offer.Status.DRAFT).select_related("sent_by"):
        assert offer.sent_by.role == "company"
        assert offer.sent_by.ethical_training_completed_on <= timezone.localdate()
        assert Attestation.objects.filter(
            company=offer.application.company, statement=current_statement()
        ).exists()
    # IOM's home: places used, by region (more than one) and by company (more than one).
    figures = quota_figures(user=User.objects.get(email="iom@thamm.example"))
    held = QuotaSlot.objects.filter(released_at__isnull=True).count()
    assert figures.used == held == Case.objects.filter(status="open").count() == 3
    assert figures.remaining == figures.quota - figures.used
    assert len([used for _, used, _ in figures.by_region if used]) >= 2
    assert len(figures.by_company) >= 2 and sum(n for _, n in figures.by_company) == figures.used


def test_the_demo_candidate_has_a_request_from_meccanica_orobica_waiting_for_his_answer(demo):
    from matching.selectors import application_list, identity_visible
    from matching.services import application_answer, interview_propose

    login = User.objects.get(email="candidate@thamm.example")
    hr = User.objects.get(email="hr@orobica.thamm.example")
    (request,) = application_list(user=login)
    assert request.status == "shortlisted" and request.shortlisted_by == hr
    assert request.company.legal_name == "Meccanica Orobica S.r.l."
    assert request.vacancy.status == Vacancy.Status.PUBLISHED
    assert Notification.objects.filter(recipient=login, kind="application.asked_to_meet").exists()
    # Until he agrees, the company does not know who he is; the demo lets him agree...
    assert not identity_visible(user=hr, candidate=request.candidate)
    application_answer(application=request, agree=True, by=login)
    # ... and the company then sees his name and proposes an interview.
    assert identity_visible(user=hr, candidate=request.candidate)
    when = timezone.now() + datetime.timedelta(days=3)
    interview_propose(
        application=request, times=[when], mode="video", video_link="https://meet.example/x", by=hr
    )


def test_every_move_of_a_demo_application_is_made_by_a_person_who_may_make_it(demo):
    from matching.services import CANDIDATE_MOVES

    candidate_stages = {move.target for move in CANDIDATE_MOVES.moves} | {"accepted", "declined"}
    for application in Application.objects.select_related("candidate__user", "company"):
        moves = list(
            StageChange.objects.filter(
                target_type="matching.application", target_id=str(application.pk)
            )
            .select_related("by")
            .order_by("pk")
        )
        assert (moves[0].from_stage, moves[0].to_stage) == ("", "shortlisted")
        assert moves[-1].to_stage == application.status
        assert all(a.to_stage == b.from_stage for a, b in zip(moves, moves[1:], strict=False))
        acts_for_company = {
            u.pk
            for u in User.objects.filter(is_active=True)
            if company_list(user=u).filter(pk=application.company_id).exists()
        }
        for move in moves:
            assert move.by is not None, (application.candidate.cin, move.to_stage)
            withdrew = move.to_stage == "withdrawn" and move.from_stage != "shortlisted"
            if move.to_stage in candidate_stages - {"withdrawn"} or withdrew:
                assert move.by == application.candidate.user, (application.pk, move.to_stage)
            else:
                assert move.by.pk in acts_for_company, (application.pk, move.to_stage)
                assert move.by.role in ("company", "chamber")  # never IOM for a company


def test_demo_interviews_are_in_italian_working_hours_and_never_overlap_for_a_candidate(demo):
    from zoneinfo import ZoneInfo

    rome, now = ZoneInfo("Europe/Rome"), timezone.now()
    times = {datetime.time.fromisoformat(t) for t in read("applications")["schedule"]["times"]}
    busy = {}
    for interview in Interview.objects.select_related("application", "chosen"):
        slots = list(interview.slots.all())
        for slot in slots:
            local = slot.starts_at.astimezone(rome)
            assert local.weekday() < 5 and local.time() in times, local
            assert local.strftime("%m-%d") not in ("12-25", "12-26", "01-01")
        if interview.status == Interview.Status.HELD:
            assert interview.chosen.starts_at < now
            assert interview.application.status != "interview_scheduled"
        else:  # still to come: proposed, or chosen by the candidate
            assert all(slot.starts_at > now for slot in slots)
        if interview.chosen:
            busy.setdefault(interview.application.candidate_id, []).append(
                (interview.chosen.starts_at, interview.chosen.ends_at)
            )
    assert Interview.objects.filter(status="proposed").exists()
    assert Interview.objects.filter(status="scheduled").exists()
    for spans in busy.values():
        spans.sort()
        assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:], strict=False))
    # Spread over the coming weeks.
    coming = InterviewSlot.objects.filter(starts_at__gt=now).order_by("starts_at")
    assert (coming.last().starts_at - coming.first().starts_at).days >= 14


# --- Pre-departure (cases.toml) ---


def test_demo_cases_stand_at_the_steps_the_file_gives(demo):
    """One case waits for the nulla osta, one has its visa appointment ahead, one worker arrived
    with the 8-day deadline running, one case closed (the visa refused) and gave its place back;
    each step recorded by its party, in order, dated after the step before."""
    today = timezone.localdate()
    cases = {c.candidate.cin: c for c in Case.objects.select_related("candidate", "offer")}
    assert set(cases) == {"BE100005", "K100005", "BE100014", "K100001"}

    def done(case):
        return [s.kind for s in case.steps.order_by("position") if s.status == "done"]

    assert done(cases["BE100005"])[-1] == "nulla_osta_requested"
    assert cases["BE100005"].candidate.status == Candidate.Status.PREDEPARTURE
    appointment = cases["K100005"].steps.get(kind="visa_applied")
    assert appointment.status == "done" and appointment.done_on > today
    # Its worker's passport differs from the record: the birth date, to fix before the visa.
    assert cases["K100005"].passport_checks.get().mismatches == ["date_of_birth"]
    assert all(c.candidate.passport_number and c.candidate.passport_expiry for c in cases.values())
    arrived = cases["BE100014"].steps.get(kind="arrived")
    assert arrived.done_on == today - datetime.timedelta(days=3)
    assert cases["BE100014"].next_due_on == arrived.done_on + datetime.timedelta(days=8)
    assert cases["BE100014"].candidate.status == Candidate.Status.ARRIVED
    closed = cases["K100001"]
    assert (closed.status, closed.close_reason) == ("closed", "visa_refused")
    assert QuotaSlot.objects.get(candidate=closed.candidate).released_at is not None
    for case in cases.values():
        steps = [s for s in case.steps.order_by("position") if s.status == "done"]
        assert [s.done_on for s in steps] == sorted(s.done_on for s in steps)
        assert all(s.done_by is not None for s in steps if s.kind != "accepted")
        assert all(s.responsible for s in steps)
    # The arrived worker's employer finds the contratto di soggiorno first on its home page.
    from predeparture.selectors import open_steps

    hr = User.objects.get(email="hr@emiliane.thamm.example")
    (first, *_) = open_steps(user=hr)
    assert (first.case_id, first.kind) == (cases["BE100014"].pk, "contract_signed")
