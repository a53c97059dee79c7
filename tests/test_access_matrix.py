"""Every URL × every role, with the answer each must get (DESIGN.md §3).

Roles: anonymous, candidate, training-centre staff, company user, chamber advisor, IOM coordinator
(the `world` fixture in conftest.py: two tenants of each kind, chamber A assigned to company A).
Answers: 200; LOGIN (a redirect to the login page); `to(path)` (a redirect to a path starting
with it); `to_page(name)` (a redirect to exactly that page, for the row's own object unless other
arguments are given); 403 where the role is wrong; 404 for another tenant's object (the same as
for a missing one); 405 for a wrong method; 409/410 for invitation links that cannot be used.

`test_every_url_is_in_the_matrix` fails when a URL exists that this file does not list: a new URL
lands together with its row here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLES
from tests.factories import InvitationFactory, invitation_with_token

LOGIN = "login"


def to(prefix: str) -> tuple[str, str]:
    return ("redirect", prefix)


def to_page(url_name: str, kwargs: Callable | None = None) -> tuple[str, str, Callable | None]:
    """A redirect to exactly the page `url_name`: with the row's own arguments (the same object),
    or with `kwargs(world)`."""
    return ("page", url_name, kwargs)


def every(answer, **overrides) -> dict:
    return {role: overrides.get(role, answer) for role in ROLES}


def signed_in(answer, anonymous=LOGIN, **overrides) -> dict:
    return every(answer, anonymous=anonymous, **overrides)


@dataclass
class Case:
    url_name: str
    expect: dict
    kwargs: Callable = lambda w: {}
    method: str = "get"
    data: Callable = lambda w: {}
    note: str = ""
    setup: Callable | None = None
    id: str = field(default="")


def _own_invitation(w):
    return {"pk": InvitationFactory(organisation=w.company_org).pk}


def _valid_token(w):
    return {"token": invitation_with_token(organisation=w.company_org)[1]}


def _document(candidate):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from candidates.models import CandidateDocument

    document = CandidateDocument(
        candidate=candidate,
        kind="cv",
        original_name="cv.pdf",
        content_type="application/pdf",
        size=9,
    )
    document.file.save("x", SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n"), save=True)
    return document


def _cohort(centre):
    import datetime

    from training.models import Cohort

    return Cohort.objects.create(
        training_centre=centre,
        name=f"Cohort {Cohort.objects.count()}",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 6, 1),
    )


def _notification(user):
    from thamm.models import Notification

    return Notification.objects.create(
        recipient=user, kind="test", subject="s", body="b", link="/advisors/"
    )


def _job(organisation, **fields):
    from thamm.models import Job

    return Job.objects.create(kind="test", organisation=organisation, **fields)


def _result_import(w, centre):
    from training.models import FileImport

    return FileImport.objects.create(
        training_centre=centre, original_name="r.csv", status="previewed", file="x.upload"
    )


def _grant(w, advisor: str = "chamber", company: str = "company_org"):
    """An advisor's grant to assist a company (given again if an earlier role removed it)."""
    from accounts.selectors import advisor_assignment_list
    from tests.factories import grant_assist

    grant_assist(getattr(w, advisor), getattr(w, company))
    grants = advisor_assignment_list(user=w.iom)
    return {"pk": grants.get(user=getattr(w, advisor), content_object=getattr(w, company)).pk}


def _grant_b(w):
    return _grant(w, advisor="chamber_b", company="company_b_org")


def _vacancy(company):
    """A draft vacancy at a new production unit of the company, in Bergamo (Lombardia)."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from candidates.models import Occupation
    from companies.models import ProductionUnit, Vacancy

    unit = ProductionUnit(company=company, address="Via Roma 1", comune="Bergamo", province="IT-BG")
    unit.full_clean()
    unit.save()
    vacancy = Vacancy(
        company=company,
        unit=unit,
        title="Tecnico manutentore",
        occupation=Occupation.objects.get(isco_code="3115"),
        positions=2,
        min_italian_level="A2",
        contract=Vacancy.Contract.PERMANENT,
        ccnl="Metalmeccanica industria",
        ccnl_level="C3",
        gross_monthly_pay=Decimal("1900.00"),
        hours_per_week=40,
        start_date=timezone.localdate() + datetime.timedelta(days=60),
        housing=Vacancy.Housing.HELP,
        description_it="Manutenzione di linee automatiche.",
    )
    vacancy.full_clean()
    vacancy.save()
    return vacancy


def _company_a(w):
    return {"pk": w.company_a_profile.pk}


def _company_b(w):
    return {"pk": w.company_b_profile.pk}


def _vacancy_a(w):
    return {"pk": _vacancy(w.company_a_profile).pk}


def _vacancy_b(w):
    return {"pk": _vacancy(w.company_b_profile).pk}


def _application(company, candidate, status="shortlisted"):
    from matching.models import Application

    vacancy = _vacancy(company)
    return Application.objects.create(
        company=company, vacancy=vacancy, candidate=candidate, status=status
    )


def _application_a(w):
    """Company A's application with centre A's candidate (the candidate login's record)."""
    return {"pk": _application(w.company_a_profile, w.candidate_a).pk}


def _application_b(w):
    """Company B's application with centre B's candidate."""
    return {"pk": _application(w.company_b_profile, w.candidate_b).pk}


def _interview(company, candidate, status):
    import datetime

    from django.utils import timezone

    from matching.models import Interview, InterviewSlot

    stage = {"scheduled": "interview_scheduled", "proposed": "interview_proposed"}[status]
    application = _application(company, candidate, status=stage)
    interview = Interview.objects.create(
        application=application, status=status, mode="place", place="Via Roma 1, Bergamo"
    )
    slot = InterviewSlot.objects.create(
        interview=interview, starts_at=timezone.now() + datetime.timedelta(days=5)
    )
    if status == "scheduled":
        interview.chosen = slot
        interview.save()
    return interview


def _scheduled_a(w):
    return {"pk": _interview(w.company_a_profile, w.candidate_a, "scheduled").pk}


def _scheduled_b(w):
    return {"pk": _interview(w.company_b_profile, w.candidate_b, "scheduled").pk}


def _proposed_a(w):
    return {"pk": _interview(w.company_a_profile, w.candidate_a, "proposed").pk}


def _proposed_b(w):
    return {"pk": _interview(w.company_b_profile, w.candidate_b, "proposed").pk}


def _agreed_a(w):
    return {"pk": _application(w.company_a_profile, w.candidate_a, status="agreed").pk}


def _agreed_b(w):
    return {"pk": _application(w.company_b_profile, w.candidate_b, status="agreed").pk}


def _guidance_document(company, candidate):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from matching.models import InterviewDocument

    interview = _interview(company, candidate, "scheduled")
    document = InterviewDocument(
        interview=interview, original_name="plan.pdf", content_type="application/pdf", size=9
    )
    document.file.save("x", SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n"), save=True)
    return document


def _guidance_a(w):
    return {"pk": _guidance_document(w.company_a_profile, w.candidate_a).pk}


def _guidance_b(w):
    return {"pk": _guidance_document(w.company_b_profile, w.candidate_b).pk}


def _interview_page(w):
    from matching.models import Interview

    return {"pk": Interview.objects.order_by("-pk").first().application_id}


def _offer(company, candidate, status):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from candidates.models import Occupation
    from matching.models import Offer

    stage = {"draft": "interviewed", "sent": "offered"}[status]
    application = _application(company, candidate, status=stage)
    return Offer.objects.create(
        application=application,
        status=status,
        job_title="Tecnico manutentore",
        occupation=Occupation.objects.get(isco_code="3115"),
        place_of_work="Via Roma 1, Bergamo (BG)",
        region="IT-25",
        ccnl="Metalmeccanica industria",
        ccnl_level="C3",
        gross_monthly_pay=Decimal("1900.00"),
        hours_per_week=40,
        contract="permanent",
        housing="help",
        start_date=timezone.localdate() + datetime.timedelta(days=60),
        expires_on=timezone.localdate() + datetime.timedelta(days=14),
    )


def _interviewed_a(w):
    return {"pk": _application(w.company_a_profile, w.candidate_a, status="interviewed").pk}


def _interviewed_b(w):
    return {"pk": _application(w.company_b_profile, w.candidate_b, status="interviewed").pk}


def _draft_a(w):
    return {"pk": _offer(w.company_a_profile, w.candidate_a, "draft").pk}


def _draft_b(w):
    return {"pk": _offer(w.company_b_profile, w.candidate_b, "draft").pk}


def _sent_a(w):
    return {"pk": _offer(w.company_a_profile, w.candidate_a, "sent").pk}


def _sent_b(w):
    return {"pk": _offer(w.company_b_profile, w.candidate_b, "sent").pk}


def _pdf_a(w):
    return {**_sent_a(w), "language": "it"}


def _pdf_b(w):
    return {**_sent_b(w), "language": "it"}


def _offer_page(w):
    from matching.models import Offer

    return {"pk": Offer.objects.order_by("-pk").first().application_id}


def _case(company, candidate):
    """A pre-departure case opened for an offer of `company` that `candidate` accepted (the
    offer written directly; the acceptance's own rules have their tests)."""
    from django.utils import timezone

    from predeparture.services import case_open

    offer = _offer(company, candidate, "sent")
    offer.status, offer.decided_at = "accepted", timezone.now()
    offer.save()
    return case_open(offer=offer)


def _case_a(w):
    """A case of company A with centre A's candidate (the candidate login's record)."""
    return {"pk": _case(w.company_a_profile, w.candidate_a).pk}


def _case_b(w):
    return {"pk": _case(w.company_b_profile, w.candidate_b).pk}


def _case_step(company, candidate):
    case = _case(company, candidate)
    return {"pk": case.pk, "step": case.steps.get(kind="nulla_osta_requested").pk}


def _case_step_a(w):
    return _case_step(w.company_a_profile, w.candidate_a)


def _case_step_b(w):
    return _case_step(w.company_b_profile, w.candidate_b)


def _nulla_osta_requested(w):
    from django.utils import timezone

    return {
        "done_on": timezone.localdate().isoformat(),
        "reference": "ALI-2026-1",
        "exception_reason": "The SILEN listing is on its way",
    }


def _case_with_visa(company, candidate):
    """A case whose visa's dates are known (written directly): its flight can be booked."""
    import datetime

    from django.utils import timezone

    from predeparture.models import Case

    case = _case(company, candidate)
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(
        visa_valid_from=today, visa_valid_until=today + datetime.timedelta(days=365)
    )
    return {"pk": case.pk}


def _flight(w):
    import datetime

    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=1)
    return {
        "departure_airport": "CMN",
        "arrival_airport": "BGY",
        "flight_number": "AT952",
        "departs_at": f"{day.isoformat()}T10:00",
        "arrives_at": f"{day.isoformat()}T15:00",
    }


def _handover(company, candidate):
    from django.utils import timezone

    from predeparture.models import PassportHandover

    case = _case(company, candidate)
    out = PassportHandover.objects.create(
        case=case, handed_to="VFS Global", handed_on=timezone.localdate()
    )
    return {"pk": case.pk, "handover": out.pk}


def _today(name):
    def data(w):
        from django.utils import timezone

        return {name: timezone.localdate().isoformat(), "handed_to": "VFS Global"}

    return data


def _cost(w):
    from django.utils import timezone

    return {
        "kind": "visa_fee",
        "amount": "116",
        "currency": "EUR",
        "paid_on": timezone.localdate().isoformat(),
        "paid_by": "employer",
    }


# ICAO 9303's specimen passport: lines whose check digits hold.
MRZ_SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)


def _pdf_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("declaration.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")


def _case_document(company, candidate, by):
    """A case with its accommodation declaration uploaded by the company."""
    from predeparture.models import DocumentType
    from predeparture.services import document_upload

    case = _case(company, candidate)
    document = document_upload(
        case=case,
        doc_type=DocumentType.objects.get(code="accommodation-declaration"),
        by=by,
        upload=_pdf_file(),
    )
    return {"pk": case.pk, "document": document.pk}


def _case_dossier(company, candidate):
    """A case with a dossier made (its file written directly)."""
    from django.core.files.base import ContentFile

    from predeparture.models import Dossier

    case = _case(company, candidate)
    dossier = Dossier(case=case)
    dossier.pdf.save("dossier.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    dossier.save()
    return {"pk": case.pk, "fmt": "pdf"}


def _pdf_answer() -> int:
    from thamm.pdf import pdf_unavailable

    return 503 if pdf_unavailable() else 200


def _saved_search(company, owner):
    from matching.models import SavedSearch

    number = SavedSearch.objects.count()
    return SavedSearch.objects.create(company=company, owner=owner, name=f"s{number}", query="")


def _search_a(w):
    return {"pk": _saved_search(w.company_a_profile, w.company).pk}


def _search_b(w):
    return {"pk": _saved_search(w.company_b_profile, w.company_b).pk}


def _shortlist_data(w):
    return {"vacancy": _vacancy(w.company_a_profile).pk, "code": w.candidate_a.code}


CASES = [
    # --- the portal's own pages ------------------------------------------------------------
    Case("home", every(200)),
    Case("healthz", every(200)),
    Case(
        "job_status",
        signed_in(404, centre=200, iom=200),
        kwargs=lambda w: {"pk": _job(w.centre_org).pk},
        id="centre A's job",
    ),
    Case(
        "job_status",
        signed_in(404, iom=200),
        kwargs=lambda w: {"pk": _job(w.centre_b_org).pk},
        id="centre B's job",
    ),
    Case(
        "job_retry",
        signed_in(404, centre=to("/"), iom=to("/")),
        kwargs=lambda w: {"pk": _job(w.centre_org, status="failed").pk},
        method="post",
        data=lambda w: {"next": "/"},
        id="centre A's failed job",
    ),
    Case(
        "job_retry",
        signed_in(404, iom=to("/")),
        kwargs=lambda w: {"pk": _job(w.centre_b_org, status="failed").pk},
        method="post",
        data=lambda w: {"next": "/"},
        id="centre B's failed job",
    ),
    Case("job_retry", signed_in(405), kwargs=lambda w: {"pk": _job(w.centre_org).pk}),
    Case("notifications", signed_in(200)),
    Case("notifications_read", signed_in(to_page("notifications")), method="post"),
    Case("notifications_read", signed_in(405)),
    Case(
        "notification_open",
        signed_in(404, chamber=to("/advisors/")),
        kwargs=lambda w: {"pk": _notification(w.chamber).pk},
        id="the chamber advisor's notification",
    ),
    Case(
        "set_language",
        every(to("/")),
        method="post",
        data=lambda w: {"language": "fr", "next": "/"},
    ),
    Case(
        "accounts:organisation_detail",
        signed_in(404, company=200, chamber=200, iom=200),
        kwargs=lambda w: {"pk": w.company_org.pk},
        id="company A: its users, its advisor, IOM",
    ),
    Case(
        "accounts:organisation_detail",
        signed_in(404, iom=200),
        kwargs=lambda w: {"pk": w.company_b_org.pk},
        id="company B: another tenant for everyone but IOM",
    ),
    Case(
        "accounts:organisation_detail",
        signed_in(404, iom=200),
        kwargs=lambda w: {"pk": w.unassigned_company_org.pk},
        id="a company assigned to no advisor",
    ),
    Case(
        "accounts:organisation_detail",
        signed_in(404, centre=200, iom=200),
        kwargs=lambda w: {"pk": w.centre_org.pk},
        id="training centre A",
    ),
    Case(
        "accounts:organisation_detail",
        signed_in(404, iom=200),
        kwargs=lambda w: {"pk": w.centre_b_org.pk},
        id="training centre B",
    ),
    Case(
        "accounts:organisation_detail",
        signed_in(404, chamber=200, iom=200),
        kwargs=lambda w: {"pk": w.chamber_org.pk},
        id="the chamber",
    ),
    Case(
        "accounts:organisation_detail",
        signed_in(404),
        kwargs=lambda w: {"pk": 987654},
        id="missing",
    ),
    Case("accounts:invitation_list", signed_in(200, candidate=403)),
    Case(
        "accounts:invitation_revoke",
        signed_in(405, candidate=403),
        kwargs=_own_invitation,
        id="GET",
    ),
    Case(
        "accounts:invitation_revoke",
        signed_in(404, candidate=403, company=to("/invitations/")),
        kwargs=_own_invitation,
        method="post",
        id="company A's invitation",
    ),
    Case(
        "accounts:invitation_accept",
        every(409, anonymous=200),
        kwargs=_valid_token,
        id="valid link",
    ),
    Case(
        "accounts:invitation_accept",
        every(410),
        kwargs=lambda w: {"token": "no-such-token"},
        id="unknown link",
    ),
    Case(
        "accounts:advisor_assignments",
        signed_in(403, chamber=200, iom=200),
        note="IOM, and a chamber's admin for its own advisors",
    ),
    Case(
        "accounts:advisor_unassign",
        signed_in(403, chamber=405, iom=405),
        kwargs=_grant,
        id="GET",
    ),
    Case(
        "accounts:advisor_unassign",
        signed_in(403, chamber=to("/advisors/"), iom=to("/advisors/")),
        kwargs=_grant,
        method="post",
        id="chamber A's advisor's grant",
    ),
    Case(
        "accounts:advisor_unassign",
        signed_in(403, chamber=404, iom=to("/advisors/")),
        kwargs=_grant_b,
        method="post",
        id="chamber B's advisor's grant",
    ),
    # --- candidate registry (training centres and IOM) -------------------------------------
    Case("candidates:list", signed_in(403, centre=200, iom=200)),
    Case("candidates:create", signed_in(403, centre=200), note="a centre registers its own"),
    Case(
        "candidates:detail",
        signed_in(403, centre=200, iom=200),
        kwargs=lambda w: {"pk": w.candidate_a.pk},
        id="centre A's candidate",
    ),
    Case(
        "candidates:detail",
        signed_in(403, centre=404, iom=200),
        kwargs=lambda w: {"pk": w.candidate_b.pk},
        id="centre B's candidate",
    ),
    Case(
        "candidates:edit",
        signed_in(403, centre=200, iom=200),
        kwargs=lambda w: {"pk": w.candidate_a.pk},
        id="centre A's candidate",
    ),
    Case(
        "candidates:edit",
        signed_in(403, centre=404, iom=200),
        kwargs=lambda w: {"pk": w.candidate_b.pk},
        id="centre B's candidate",
    ),
    Case(
        "candidates:stage",
        signed_in(403, centre=405, iom=405),
        kwargs=lambda w: {"pk": w.candidate_a.pk},
        id="GET",
    ),
    Case(
        "candidates:stage",
        signed_in(403, centre=to("/candidates/"), iom=to("/candidates/")),
        kwargs=lambda w: {"pk": w.candidate_a.pk},
        method="post",
        data=lambda w: {"action": "start_training"},
        id="centre A's candidate",
    ),
    Case(
        "candidates:stage",
        signed_in(403, centre=404, iom=to("/candidates/")),
        kwargs=lambda w: {"pk": w.candidate_b.pk},
        method="post",
        data=lambda w: {"action": "start_training"},
        id="centre B's candidate",
    ),
    Case(
        "candidates:invite",
        signed_in(403, centre=405),
        kwargs=lambda w: {"pk": w.candidate_a.pk},
        id="GET",
    ),
    Case(
        "candidates:invite",
        signed_in(403, centre=to("/candidates/")),
        kwargs=lambda w: {"pk": w.candidate_a.pk},
        method="post",
        id="centre A's candidate",
    ),
    Case(
        "candidates:invite",
        signed_in(403, centre=404),
        kwargs=lambda w: {"pk": w.candidate_b.pk},
        method="post",
        id="centre B's candidate",
    ),
    Case("candidates:consent", signed_in(403, candidate=200), note="the candidate's own record"),
    Case("candidates:my_documents", signed_in(403, candidate=200)),
    Case(
        "candidates:document_upload",
        signed_in(403, centre=405, iom=405),
        kwargs=lambda w: {"pk": w.candidate_a.pk},
        id="GET",
    ),
    Case(
        "candidates:document_upload",
        signed_in(403, centre=404, iom=to("/candidates/")),
        kwargs=lambda w: {"pk": w.candidate_b.pk},
        method="post",
        id="centre B's candidate",
    ),
    Case(
        "candidates:document_download",
        signed_in(403, candidate=200, centre=200, iom=200),
        kwargs=lambda w: {"pk": _document(w.candidate_a).pk},
        id="centre A's candidate's document",
    ),
    Case(
        "candidates:document_download",
        signed_in(403, candidate=404, centre=404, iom=200),
        kwargs=lambda w: {"pk": _document(w.candidate_b).pk},
        id="centre B's candidate's document",
    ),
    Case("candidates:consent_withdraw", signed_in(403, candidate=405), id="GET"),
    Case(
        "candidates:consent_withdraw",
        signed_in(403, candidate=to("/candidates/me/consent/")),
        method="post",
        id="POST",
    ),
    # --- training results and certification -------------------------------------------------
    Case(
        "training:result_record",
        signed_in(403, centre=200, iom=200),
        kwargs=lambda w: {"pk": w.candidate_a.pk},
        id="centre A's candidate",
    ),
    Case(
        "training:result_record",
        signed_in(403, centre=404, iom=200),
        kwargs=lambda w: {"pk": w.candidate_b.pk},
        id="centre B's candidate",
    ),
    Case(
        "training:certify",
        signed_in(403, centre=405, iom=405),
        kwargs=lambda w: {"pk": w.candidate_a.pk},
        id="GET",
    ),
    Case(
        "training:certify",
        signed_in(403, centre=to("/candidates/"), iom=to("/candidates/")),
        kwargs=lambda w: {"pk": w.candidate_a.pk},
        method="post",
        id="centre A's candidate",
    ),
    Case(
        "training:certify",
        signed_in(403, centre=404, iom=to("/candidates/")),
        kwargs=lambda w: {"pk": w.candidate_b.pk},
        method="post",
        id="centre B's candidate",
    ),
    Case("training:cohort_list", signed_in(403, centre=200, iom=200)),
    Case(
        "training:cohort_detail",
        signed_in(403, centre=200, iom=200),
        kwargs=lambda w: {"pk": _cohort(w.centre_org).pk},
        id="centre A's cohort",
    ),
    Case(
        "training:cohort_detail",
        signed_in(403, centre=404, iom=200),
        kwargs=lambda w: {"pk": _cohort(w.centre_b_org).pk},
        id="centre B's cohort",
    ),
    Case(
        "training:cohort_export",
        signed_in(403, centre=200, iom=200),
        kwargs=lambda w: {"pk": _cohort(w.centre_org).pk, "fmt": "xlsx"},
        id="centre A's cohort",
    ),
    Case(
        "training:cohort_export",
        signed_in(403, centre=404, iom=200),
        kwargs=lambda w: {"pk": _cohort(w.centre_b_org).pk, "fmt": "csv"},
        id="centre B's cohort",
    ),
    Case("training:results_import", signed_in(403, centre=200)),
    Case("training:candidates_import", signed_in(403, centre=200)),
    Case("training:candidates_template", signed_in(403, centre=200)),
    Case("training:results_template", signed_in(403, centre=200)),
    Case(
        "training:results_import_detail",
        signed_in(403, centre=200, iom=200),
        kwargs=lambda w: {"pk": _result_import(w, w.centre_org).pk},
        id="centre A's file",
    ),
    Case(
        "training:results_import_detail",
        signed_in(403, centre=404, iom=200),
        kwargs=lambda w: {"pk": _result_import(w, w.centre_b_org).pk},
        id="centre B's file",
    ),
    Case(
        "training:results_import_report",
        signed_in(403, centre=200, iom=200),
        kwargs=lambda w: {"pk": _result_import(w, w.centre_org).pk},
        id="centre A's file",
    ),
    Case(
        "training:results_import_report",
        signed_in(403, centre=404, iom=200),
        kwargs=lambda w: {"pk": _result_import(w, w.centre_b_org).pk},
        id="centre B's file",
    ),
    Case(
        "training:results_import_confirm",
        signed_in(403, centre=405),
        kwargs=lambda w: {"pk": _result_import(w, w.centre_org).pk},
        id="GET",
    ),
    Case(
        "training:results_import_confirm",
        signed_in(403, centre=404),
        kwargs=lambda w: {"pk": _result_import(w, w.centre_b_org).pk},
        method="post",
        id="centre B's file",
    ),
    # --- companies ----------------------------------------------------------------------------
    Case(
        "companies:list",
        signed_in(
            403,
            company=to_page("companies:detail", _company_a),
            chamber=200,
            iom=200,
        ),
        note="a company user goes to their own company",
    ),
    Case(
        "companies:signup",
        every(to_page("home"), anonymous=200),
        note="signed in: allauth sends the user home",
    ),
    Case("companies:paperwork", signed_in(403, chamber=200, iom=200)),
    # Matching: companies (verified or not: the page says what verification brings), their
    # advisors and IOM search; the score's rule is for everyone signed in.
    Case("matching:search", signed_in(403, company=200, chamber=200, iom=200)),
    Case("matching:score_help", signed_in(200)),
    # Asking a candidate to meet: the company's side (the service refuses what it must; the
    # answer is a redirect back to the search either way).
    Case(
        "matching:shortlist",
        signed_in(403, company=to("/matching/candidates/"), chamber=to("/matching/candidates/")),
        method="post",
        data=_shortlist_data,
    ),
    # Saved searches: the company's side lists them; a company (unverified in the world: the
    # service refuses, back to the search) or its advisor saves; the owner deletes one (the
    # advisor of company A sees company A's and is refused: back to the list).
    Case("matching:searches", signed_in(403, company=200, chamber=200, iom=200)),
    Case(
        "matching:search_save",
        signed_in(403, company=to("/matching/candidates/"), chamber=to("/matching/candidates/")),
        method="post",
        data=lambda w: {"name": "Welders", "query": ""},
    ),
    Case(
        "matching:search_delete",
        signed_in(403, company=to("/matching/searches/"), chamber=to("/matching/searches/")),
        kwargs=_search_a,
        method="post",
        id="deleting a saved search of company A",
    ),
    Case(
        "matching:search_delete",
        signed_in(403, company=404, chamber=404),
        kwargs=_search_b,
        method="post",
        id="deleting a saved search of company B",
    ),
    Case("matching:applications", signed_in(403, company=200, chamber=200, iom=200, centre=200)),
    Case(
        "matching:application",
        signed_in(403, company=200, chamber=200, iom=200, centre=200),
        kwargs=_application_a,
        id="an application of company A (centre A's candidate)",
    ),
    Case(
        "matching:application",
        signed_in(403, company=404, chamber=404, iom=200, centre=404),
        kwargs=_application_b,
        id="an application of company B (centre B's candidate)",
    ),
    Case(
        "matching:application_move",
        signed_in(
            403,
            company=to_page("matching:application"),
            chamber=to_page("matching:application"),
            iom=to_page("matching:application"),
        ),
        kwargs=_application_a,
        method="post",
        data=lambda w: {"action": "withdraw"},
        id="a move on company A's application",
    ),
    Case(
        "matching:application_move",
        signed_in(403, company=404, chamber=404, iom=to_page("matching:application")),
        kwargs=_application_b,
        method="post",
        data=lambda w: {"action": "withdraw"},
        id="a move on company B's application",
    ),
    # Interviews: the company's side proposes, moves, cancels and records; the candidate picks
    # a time or asks for others; whoever sees the application gets the calendar file. An
    # empty proposal or move shows the page again with the form's errors.
    Case(
        "matching:interview_propose",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_agreed_a,
        method="post",
        id="proposing an interview on company A's application",
    ),
    Case(
        "matching:interview_propose",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_agreed_b,
        method="post",
        id="proposing an interview on company B's application",
    ),
    Case(
        "matching:interview_reschedule",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_scheduled_a,
        method="post",
        id="moving company A's interview",
    ),
    Case(
        "matching:interview_reschedule",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_scheduled_b,
        method="post",
        id="moving company B's interview",
    ),
    Case(
        "matching:interview_cancel",
        signed_in(
            403,
            company=to_page("matching:application", _interview_page),
            chamber=to_page("matching:application", _interview_page),
            iom=to_page("matching:application", _interview_page),
        ),
        kwargs=_scheduled_a,
        method="post",
        id="cancelling company A's interview",
    ),
    Case(
        "matching:interview_cancel",
        signed_in(
            403, company=404, chamber=404, iom=to_page("matching:application", _interview_page)
        ),
        kwargs=_scheduled_b,
        method="post",
        id="cancelling company B's interview",
    ),
    Case(
        "matching:interview_held",
        signed_in(
            403,
            company=to_page("matching:application", _interview_page),
            chamber=to_page("matching:application", _interview_page),
            iom=to_page("matching:application", _interview_page),
        ),
        kwargs=_scheduled_a,
        method="post",
        id="recording company A's interview",
    ),
    Case(
        "matching:interview_held",
        signed_in(
            403, company=404, chamber=404, iom=to_page("matching:application", _interview_page)
        ),
        kwargs=_scheduled_b,
        method="post",
        id="recording company B's interview",
    ),
    Case(
        "matching:interview_document_add",
        signed_in(
            403,
            company=to_page("matching:application", _interview_page),
            chamber=to_page("matching:application", _interview_page),
            iom=to_page("matching:application", _interview_page),
        ),
        kwargs=_scheduled_a,
        method="post",
        id="a guidance file for company A's interview",
    ),
    Case(
        "matching:interview_document_add",
        signed_in(
            403, company=404, chamber=404, iom=to_page("matching:application", _interview_page)
        ),
        kwargs=_scheduled_b,
        method="post",
        id="a guidance file for company B's interview",
    ),
    Case(
        "matching:interview_document",
        signed_in(403, company=200, chamber=200, iom=200, centre=200, candidate=200),
        kwargs=_guidance_a,
        id="company A's guidance file for centre A's candidate",
    ),
    Case(
        "matching:interview_document",
        signed_in(403, company=404, chamber=404, iom=200, centre=404, candidate=404),
        kwargs=_guidance_b,
        id="company B's guidance file for centre B's candidate",
    ),
    Case(
        "matching:interview_calendar",
        signed_in(403, company=200, chamber=200, iom=200, centre=200, candidate=200),
        kwargs=_scheduled_a,
        id="the calendar file of company A's interview with centre A's candidate",
    ),
    Case(
        "matching:interview_calendar",
        signed_in(403, company=404, chamber=404, iom=200, centre=404, candidate=404),
        kwargs=_scheduled_b,
        id="the calendar file of company B's interview with centre B's candidate",
    ),
    Case(
        "matching:interview_choose",
        signed_in(403, candidate=to_page("matching:my_application", _interview_page)),
        kwargs=_proposed_a,
        method="post",
        id="the candidate choosing their own interview's time",
    ),
    Case(
        "matching:interview_choose",
        signed_in(403, candidate=404),
        kwargs=_proposed_b,
        method="post",
        id="choosing another candidate's interview time",
    ),
    Case(
        "matching:interview_other_times",
        signed_in(403, candidate=to_page("matching:my_application", _interview_page)),
        kwargs=_proposed_a,
        method="post",
        id="the candidate asking for other times",
    ),
    Case(
        "matching:interview_other_times",
        signed_in(403, candidate=404),
        kwargs=_proposed_b,
        method="post",
        id="asking for other times on another candidate's interview",
    ),
    # Offers: the company's side prepares (an empty form shows the page again) and withdraws; a
    # company user sends; the candidate answers; whoever sees the application reads the PDF
    # (503 where this machine cannot make PDFs).
    Case(
        "matching:offer_prepare",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_interviewed_a,
        method="post",
        id="preparing an offer on company A's application",
    ),
    Case(
        "matching:offer_prepare",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_interviewed_b,
        method="post",
        id="preparing an offer on company B's application",
    ),
    Case(
        "matching:offer_send",
        signed_in(403, company=to_page("matching:application", _offer_page)),
        kwargs=_draft_a,
        method="post",
        id="sending company A's offer",
    ),
    Case(
        "matching:offer_send",
        signed_in(403, company=404),
        kwargs=_draft_b,
        method="post",
        id="sending company B's offer",
    ),
    Case(
        "matching:offer_withdraw",
        signed_in(
            403,
            company=to_page("matching:application", _offer_page),
            chamber=to_page("matching:application", _offer_page),
            iom=to_page("matching:application", _offer_page),
        ),
        kwargs=_sent_a,
        method="post",
        id="withdrawing company A's offer",
    ),
    Case(
        "matching:offer_withdraw",
        signed_in(403, company=404, chamber=404, iom=to_page("matching:application", _offer_page)),
        kwargs=_sent_b,
        method="post",
        id="withdrawing company B's offer",
    ),
    Case(
        "matching:offer_pdf",
        signed_in(
            403,
            company=_pdf_answer(),
            chamber=_pdf_answer(),
            iom=_pdf_answer(),
            centre=_pdf_answer(),
            candidate=_pdf_answer(),
        ),
        kwargs=_pdf_a,
        id="company A's offer to centre A's candidate, as a PDF",
    ),
    Case(
        "matching:offer_pdf",
        signed_in(403, company=404, chamber=404, iom=_pdf_answer(), centre=404, candidate=404),
        kwargs=_pdf_b,
        id="company B's offer to centre B's candidate, as a PDF",
    ),
    Case(
        "matching:offer_answer",
        signed_in(403, candidate=to_page("matching:my_application", _offer_page)),
        kwargs=_sent_a,
        method="post",
        data=lambda w: {"answer": "decline"},
        id="the candidate answering their own offer",
    ),
    Case(
        "matching:offer_answer",
        signed_in(403, candidate=404),
        kwargs=_sent_b,
        method="post",
        data=lambda w: {"answer": "decline"},
        id="answering another candidate's offer",
    ),
    Case("matching:my_applications", signed_in(403, candidate=200)),
    Case(
        "matching:my_application",
        signed_in(403, candidate=200),
        kwargs=_application_a,
        id="the candidate's own application",
    ),
    Case(
        "matching:my_application",
        signed_in(403, candidate=404),
        kwargs=_application_b,
        id="another candidate's application",
    ),
    Case(
        "matching:my_application_answer",
        signed_in(403, candidate=to_page("matching:my_application")),
        kwargs=_application_a,
        method="post",
        data=lambda w: {"answer": "decline"},
        id="an answer to the candidate's own application",
    ),
    Case(
        "matching:my_application_answer",
        signed_in(403, candidate=404),
        kwargs=_application_b,
        method="post",
        data=lambda w: {"answer": "decline"},
        id="an answer to another candidate's application",
    ),
    Case(
        "companies:detail",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_company_a,
        id="company A (assisted by the chamber advisor)",
    ),
    Case(
        "companies:detail",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_company_b,
        id="company B (another company; another advisor's)",
    ),
    Case(
        "companies:edit",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_company_a,
        id="company A (assisted by the chamber advisor)",
    ),
    Case(
        "companies:edit",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_company_b,
        id="company B (another company; another advisor's)",
    ),
    Case(
        "companies:attestation",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_company_a,
        id="company A (assisted by the chamber advisor)",
    ),
    Case(
        "companies:attestation",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_company_b,
        id="company B (another company; another advisor's)",
    ),
    Case(
        "companies:units",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_company_a,
        id="company A (assisted by the chamber advisor)",
    ),
    Case(
        "companies:units",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_company_b,
        id="company B (another company; another advisor's)",
    ),
    Case(
        "companies:vacancies",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_company_a,
        id="company A (assisted by the chamber advisor)",
    ),
    Case(
        "companies:vacancies",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_company_b,
        id="company B (another company; another advisor's)",
    ),
    Case(
        "companies:vacancy_create",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_company_a,
        id="company A (assisted by the chamber advisor)",
    ),
    Case(
        "companies:vacancy_create",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_company_b,
        id="company B (another company; another advisor's)",
    ),
    Case(
        "companies:attestation",
        signed_in(
            403,
            company=to_page("companies:attestation"),
            chamber=to_page("companies:attestation"),
            iom=to_page("companies:attestation"),
        ),
        kwargs=_company_a,
        method="post",
        note="only the company's admin signs: the others are refused with a message",
        id="company A (assisted by the chamber advisor)",
    ),
    Case(
        "companies:attestation",
        signed_in(403, company=404, chamber=404, iom=to_page("companies:attestation")),
        kwargs=_company_b,
        method="post",
        id="company B (another company; another advisor's)",
    ),
    Case(
        "companies:status",
        signed_in(403, chamber=405, iom=405),
        kwargs=_company_a,
        id="GET",
    ),
    Case(
        "companies:status",
        signed_in(403, chamber=to_page("companies:detail"), iom=to_page("companies:detail")),
        kwargs=_company_a,
        method="post",
        data=lambda w: {"action": "verify"},
        note="a company does not verify itself",
        id="company A (assisted by the chamber advisor)",
    ),
    Case(
        "companies:status",
        signed_in(403, chamber=404, iom=to_page("companies:detail")),
        kwargs=_company_b,
        method="post",
        data=lambda w: {"action": "verify"},
        id="company B (another company; another advisor's)",
    ),
    Case(
        "companies:vacancy_detail",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_vacancy_a,
        id="a vacancy of company A",
    ),
    Case(
        "companies:vacancy_detail",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_vacancy_b,
        id="a vacancy of company B",
    ),
    Case(
        "companies:vacancy_edit",
        signed_in(403, company=200, chamber=200, iom=200),
        kwargs=_vacancy_a,
        id="a vacancy of company A",
    ),
    Case(
        "companies:vacancy_edit",
        signed_in(403, company=404, chamber=404, iom=200),
        kwargs=_vacancy_b,
        id="a vacancy of company B",
    ),
    Case(
        "companies:vacancy_move",
        signed_in(403, company=405, chamber=405, iom=405),
        kwargs=_vacancy_a,
        id="GET",
    ),
    Case(
        "companies:vacancy_move",
        signed_in(
            403,
            company=to_page("companies:vacancy_detail"),
            chamber=to_page("companies:vacancy_detail"),
            iom=to_page("companies:vacancy_detail"),
        ),
        kwargs=_vacancy_a,
        method="post",
        data=lambda w: {"action": "close"},
        id="a vacancy of company A",
    ),
    Case(
        "companies:vacancy_move",
        signed_in(403, company=404, chamber=404, iom=to_page("companies:vacancy_detail")),
        kwargs=_vacancy_b,
        method="post",
        data=lambda w: {"action": "close"},
        id="a vacancy of company B",
    ),
    # --- django-allauth (accounts and MFA) --------------------------------------------------
    Case("account_login", every(to("/"), anonymous=200)),
    Case("account_logout", every(200, anonymous=to("/"))),
    Case("account_inactive", every(200)),
    Case("account_signup", every(to("/"), anonymous=200), note="anonymous: 'sign-up closed'"),
    Case("account_reauthenticate", signed_in(200)),
    Case("account_email", signed_in(200)),
    Case("account_email_verification_sent", every(200)),
    Case("account_change_password", signed_in(200)),
    Case("account_set_password", signed_in(to("/accounts/password/change/"))),
    Case("account_reset_password", every(200)),
    Case("account_reset_password_done", every(200)),
    Case("account_reset_password_from_key_done", every(200)),
    Case(
        "account_reset_password_from_key",
        every(200),
        kwargs=lambda w: {"uidb36": "1", "key": "bad-key"},
        note="a bad key shows the 'bad token' page",
    ),
    Case("account_confirm_email", every(200), kwargs=lambda w: {"key": "bad-key"}),
    Case(
        "account_confirm_login_code",
        every(to("/"), anonymous=to("/accounts/login/")),
        note="login by code is off: nothing pending",
    ),
    Case("mfa_index", signed_in(200)),
    Case("mfa_authenticate", every(to("/"), anonymous=to("/accounts/login/"))),
    Case(
        "mfa_reauthenticate",
        signed_in(to("/accounts/reauthenticate/"), chamber=200, iom=200),
        note="only users with MFA re-authenticate by code",
    ),
    Case("mfa_activate_totp", signed_in(to("/accounts/reauthenticate/"))),
    Case(
        "mfa_deactivate_totp",
        signed_in(
            404, chamber=to("/accounts/reauthenticate/"), iom=to("/accounts/reauthenticate/")
        ),
    ),
    Case("mfa_view_recovery_codes", signed_in(404), note="no recovery codes generated yet"),
    Case("mfa_generate_recovery_codes", signed_in(to("/accounts/reauthenticate/"))),
    Case("mfa_download_recovery_codes", signed_in(404)),
    # Pre-departure cases: the worker, their employer, its advisor, their centre and IOM read
    # a case; each party records its own steps (another's step is refused on the page, 200);
    # the company's side, IOM and the worker (withdrawing only) close it. A fresh case per role.
    Case("predeparture:cases", signed_in(200)),
    Case("predeparture:case", signed_in(200), kwargs=_case_a, id="company A's case (centre A)"),
    Case(
        "predeparture:case",
        signed_in(404, iom=200),
        kwargs=_case_b,
        id="company B's case (centre B)",
    ),
    Case(
        "predeparture:step_record",
        signed_in(200, company=to("/cases/"), chamber=to("/cases/"), iom=to("/cases/")),
        kwargs=_case_step_a,
        method="post",
        data=_nulla_osta_requested,
        id="recording company A's nulla osta request",
    ),
    Case(
        "predeparture:step_record",
        signed_in(404, iom=to("/cases/")),
        kwargs=_case_step_b,
        method="post",
        data=_nulla_osta_requested,
        id="recording company B's nulla osta request",
    ),
    Case(
        "predeparture:case_close",
        signed_in(
            403,
            candidate=200,
            company=to("/cases/"),
            chamber=to("/cases/"),
            iom=to("/cases/"),
        ),
        kwargs=_case_a,
        method="post",
        data=lambda w: {"reason": "visa_refused", "note": "Refused by the consulate"},
        id="closing company A's case (a worker closes only as withdrawing: refused on the page)",
    ),
    Case(
        "predeparture:case_close",
        signed_in(404, centre=403, iom=to("/cases/")),
        kwargs=_case_b,
        method="post",
        data=lambda w: {"reason": "visa_refused", "note": "Refused by the consulate"},
        id="closing company B's case",
    ),
    Case(
        "predeparture:travel",
        signed_in(
            403,
            company=to("/cases/"),
            chamber=to("/cases/"),
            centre=to("/cases/"),
            iom=to("/cases/"),
        ),
        kwargs=lambda w: _case_with_visa(w.company_a_profile, w.candidate_a),
        method="post",
        data=_flight,
        id="booking the flight of company A's worker (not the worker's to book)",
    ),
    Case(
        "predeparture:travel",
        signed_in(404, candidate=403, iom=to("/cases/")),
        kwargs=lambda w: _case_with_visa(w.company_b_profile, w.candidate_b),
        method="post",
        data=_flight,
        id="booking the flight of company B's worker",
    ),
    Case(
        "predeparture:passport_out",
        signed_in(to("/cases/")),
        kwargs=_case_a,
        method="post",
        data=_today("handed_on"),
        id="handing over the passport of company A's worker",
    ),
    Case(
        "predeparture:passport_out",
        signed_in(404, iom=to("/cases/")),
        kwargs=_case_b,
        method="post",
        data=_today("handed_on"),
        id="handing over the passport of company B's worker",
    ),
    Case(
        "predeparture:passport_back",
        signed_in(to("/cases/")),
        kwargs=lambda w: _handover(w.company_a_profile, w.candidate_a),
        method="post",
        data=_today("returned_on"),
        id="the passport of company A's worker back",
    ),
    Case(
        "predeparture:passport_back",
        signed_in(404, iom=to("/cases/")),
        kwargs=lambda w: _handover(w.company_b_profile, w.candidate_b),
        method="post",
        data=_today("returned_on"),
        id="the passport of company B's worker back",
    ),
    Case(
        "predeparture:cost",
        signed_in(403, company=to("/cases/"), chamber=to("/cases/"), iom=to("/cases/")),
        kwargs=_case_a,
        method="post",
        data=_cost,
        id="recording a cost of company A's worker",
    ),
    Case(
        "predeparture:cost",
        signed_in(403, company=404, chamber=404, iom=to("/cases/")),
        kwargs=_case_b,
        method="post",
        data=_cost,
        id="recording a cost of company B's worker",
    ),
    Case(
        "predeparture:attest",
        signed_in(403, candidate=to("/cases/")),
        kwargs=_case_a,
        method="post",
        data=lambda w: {"moment": "acceptance", "paid_nothing": "yes"},
        id="the worker of company A's case says they paid nothing",
    ),
    Case(
        "predeparture:attest",
        signed_in(403, candidate=404),
        kwargs=_case_b,
        method="post",
        data=lambda w: {"moment": "acceptance", "paid_nothing": "yes"},
        id="saying so on another worker's case",
    ),
    Case(
        "predeparture:passport_check",
        signed_in(200),
        kwargs=_case_a,
        method="post",
        data=lambda w: {"lines": MRZ_SPECIMEN},
        id="checking the passport of company A's worker (the comparison shown)",
    ),
    Case(
        "predeparture:passport_check",
        signed_in(404, iom=200),
        kwargs=_case_b,
        method="post",
        data=lambda w: {"lines": MRZ_SPECIMEN},
        id="checking the passport of company B's worker",
    ),
    Case(
        "predeparture:export",
        signed_in(403, iom=200),
        kwargs=lambda w: {"fmt": "csv"},
        id="the cases' export for the authorities (IOM's)",
    ),
    Case(
        "predeparture:document_upload",
        signed_in(200, company=to("/cases/"), chamber=to("/cases/"), iom=to("/cases/")),
        kwargs=lambda w: {**_case_a(w), "code": "accommodation-declaration"},
        method="post",
        data=lambda w: {"file": _pdf_file()},
        id="uploading company A's accommodation declaration (refused on the page to others)",
    ),
    Case(
        "predeparture:document_upload",
        signed_in(404, iom=to("/cases/")),
        kwargs=lambda w: {**_case_b(w), "code": "accommodation-declaration"},
        method="post",
        data=lambda w: {"file": _pdf_file()},
        id="uploading company B's accommodation declaration",
    ),
    Case(
        "predeparture:document_file",
        signed_in(200),
        kwargs=lambda w: _case_document(w.company_a_profile, w.candidate_a, w.company),
        id="a document of company A's case",
    ),
    Case(
        "predeparture:document_file",
        signed_in(404, iom=200),
        kwargs=lambda w: _case_document(w.company_b_profile, w.candidate_b, w.company_b),
        id="a document of company B's case",
    ),
    Case(
        "predeparture:document_verify",
        signed_in(to("/cases/")),
        kwargs=lambda w: _case_document(w.company_a_profile, w.candidate_a, w.company),
        method="post",
        data=lambda w: {"action": "verify"},
        id="verifying a document of company A's case (refusals are messages on the case)",
    ),
    Case(
        "predeparture:document_verify",
        signed_in(404, iom=to("/cases/")),
        kwargs=lambda w: _case_document(w.company_b_profile, w.candidate_b, w.company_b),
        method="post",
        data=lambda w: {"action": "verify"},
        id="verifying a document of company B's case",
    ),
    Case(
        "predeparture:dossier",
        signed_in(403, company=to("/cases/"), chamber=to("/cases/"), iom=to("/cases/")),
        kwargs=_case_a,
        method="post",
        id="making the dossier of company A's case",
    ),
    Case(
        "predeparture:dossier",
        signed_in(403, company=404, chamber=404, iom=to("/cases/")),
        kwargs=_case_b,
        method="post",
        id="making the dossier of company B's case",
    ),
    Case(
        "predeparture:dossier_file",
        signed_in(200),
        kwargs=lambda w: _case_dossier(w.company_a_profile, w.candidate_a),
        id="the dossier of company A's case",
    ),
    Case(
        "predeparture:dossier_file",
        signed_in(404, iom=200),
        kwargs=lambda w: _case_dossier(w.company_b_profile, w.candidate_b),
        id="the dossier of company B's case",
    ),
    Case(
        "predeparture:passport_read",
        signed_in(to("/cases/")),
        kwargs=_case_a,
        method="post",
        id="reading the passport's lines of company A's worker (no scan yet: a message)",
    ),
    Case(
        "predeparture:passport_read",
        signed_in(404, iom=to("/cases/")),
        kwargs=_case_b,
        method="post",
        id="reading the passport's lines of company B's worker",
    ),
]

for case in CASES:
    case.id = f"{case.url_name} {case.method.upper()}" + (f" ({case.id})" if case.id else "")


def _answer(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("account_login")) and "?next=" in location:
            return LOGIN
        return ("redirect", location)
    return response.status_code


def _expected(expected, world, kwargs) -> object:
    """`to_page(...)` as the exact redirect it stands for; any other answer as it is."""
    if isinstance(expected, tuple) and expected[0] == "page":
        _tag, url_name, page_kwargs = expected
        return ("exactly", reverse(url_name, kwargs=page_kwargs(world) if page_kwargs else kwargs))
    return expected


def _matches(actual, expected) -> bool:
    if isinstance(expected, tuple) and isinstance(actual, tuple):
        if expected[0] == "exactly":
            return actual[1] == expected[1]
        return actual[1].startswith(expected[1])
    return actual == expected


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_access_matrix(case: Case, world):
    failures = []
    for role in ROLES:
        client = Client(headers={"accept-language": "en"})
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        kwargs = case.kwargs(world)
        url = reverse(case.url_name, kwargs=kwargs)
        response = getattr(client, case.method)(url, case.data(world))
        actual = _answer(response)
        expected = _expected(case.expect[role], world, kwargs)
        if not _matches(actual, expected):
            failures.append(f"{role}: expected {expected!r}, got {actual!r}")
    assert not failures, f"{case.id} {url}\n" + "\n".join(failures)


# --- the admin: one rule for its whole namespace ------------------------------------------


def _walk(patterns, namespace=None, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, full, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


def _admin_names_without_arguments():
    names = []
    for name, _route, pattern in _walk(get_resolver().url_patterns):
        if name and name.startswith("admin:") and not pattern.pattern.regex.groupindex:
            names.append(name)
    return sorted(names)


# Admin pages whose answer to IOM is not 200, by design.
ADMIN_IOM_ANSWERS = {
    "admin:autocomplete": 403,  # needs the model to search in its query string
    "admin:logout": 405,  # POST only
    "admin:thamm_auditentry_add": 403,  # the audit log is append-only: no add form
    "admin:companies_attestation_add": 403,  # signatures are given on the portal: no add form
    "admin:thamm_scheme_add": 403,  # the scheme is made by a data migration: its rules edited
    # The selection's rows are made on the portal, where its rules run: the admin reads them.
    "admin:matching_application_add": 403,
    "admin:matching_offer_add": 403,
    "admin:matching_quotaslot_add": 403,
    "admin:matching_savedsearch_add": 403,
    # So are the pre-departure cases' (the order of the steps, the dates, the quota).
    "admin:predeparture_case_add": 403,
    "admin:predeparture_travel_add": 403,
    "admin:predeparture_passporthandover_add": 403,
    "admin:predeparture_cost_add": 403,
    "admin:predeparture_feeattestation_add": 403,
    "admin:predeparture_passportcheck_add": 403,
    "admin:predeparture_casedocument_add": 403,
    "admin:predeparture_dossier_add": 403,
}


@pytest.mark.parametrize("url_name", _admin_names_without_arguments())
def test_admin_pages_are_for_iom_superusers_only(url_name, world):
    world.iom.is_superuser = world.iom.is_staff = True
    world.iom.save()
    url = reverse(url_name)
    for role in ROLES:
        client = Client(headers={"accept-language": "en"})
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        if role == "anonymous":
            assert final.startswith(reverse("account_login")), (role, url, final)
        elif role == "iom":
            expected = ADMIN_IOM_ANSWERS.get(url_name, 200)
            assert response.status_code == expected, (role, url, response.status_code)
        else:
            assert response.status_code == 403, (role, url, response.status_code)


def test_every_url_is_in_the_matrix():
    listed = {case.url_name for case in CASES}
    missing = []
    for name, route, _pattern in _walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue  # covered, name or not, by test_admin_pages_are_for_iom_superusers_only
        if name is None:
            missing.append(f"an unnamed URL: {route}")
        elif name not in listed:
            missing.append(name)
    assert not missing, "URLs with no row in the access matrix: " + ", ".join(sorted(missing))


def test_every_role_has_an_answer_in_every_row():
    for case in CASES:
        assert set(case.expect) == set(ROLES), case.id


def test_plain_staff_members_cannot_manage_invitations(world):
    """Org admins invite; their staff colleagues get 403 on the same pages."""
    from tests.factories import member

    staff = member("company", organisation=world.company_org, role="staff")
    invitation = InvitationFactory(organisation=world.company_org)
    client = Client(headers={"accept-language": "en"})
    client.force_login(staff)
    assert client.get(reverse("accounts:invitation_list")).status_code == 403
    revoke = reverse("accounts:invitation_revoke", kwargs={"pk": invitation.pk})
    assert client.post(revoke).status_code == 404  # not in the invitations they may see
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert client.get(reverse("home")).status_code == 200


def test_a_chamber_staff_member_does_not_assign_advisors(world):
    """A chamber's admin assigns its advisors; an advisor who is a plain staff member gets 403 on
    the assignments page and cannot remove a grant, not even their own chamber's."""
    from accounts.selectors import advisor_assignment_list
    from tests.factories import member

    staff = member("chamber", organisation=world.chamber_org, role="staff")
    grant = advisor_assignment_list(user=world.iom).get(user=world.chamber)
    client = Client(headers={"accept-language": "en"})
    client.force_login(staff)
    assert client.get(reverse("accounts:advisor_assignments")).status_code == 403
    assert client.post(reverse("accounts:advisor_assignments")).status_code == 403
    unassign = reverse("accounts:advisor_unassign", kwargs={"pk": grant.pk})
    assert client.post(unassign).status_code == 404  # not in the grants they may see
    assert advisor_assignment_list(user=world.iom).filter(pk=grant.pk).exists()
    assert client.get(reverse("home")).status_code == 200


def test_a_company_user_without_a_company_profile_gets_403_on_the_companies_list(world):
    from accounts.models import User

    lonely = User.objects.get(email="lonely@example.org")
    client = Client(headers={"accept-language": "en"})
    client.force_login(lonely)
    assert client.get(reverse("companies:list")).status_code == 403


def test_admin_object_pages_are_for_iom_superusers_only(world):
    """The admin's change pages, for a real object of every registered model."""
    from django.contrib import admin

    world.iom.is_superuser = world.iom.is_staff = True
    world.iom.save()
    InvitationFactory(organisation=world.company_org)
    from thamm.audit import audit

    audit(actor=world.iom, action="test.entry")
    from companies.services import attestation_sign

    _vacancy(world.company_a_profile)  # and its production unit
    attestation_sign(company=world.company_a_profile, by=world.company)
    checked = set()
    for model in admin.site._registry:
        obj = model._default_manager.first()
        if obj is None:
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        for role in ROLES:
            client = Client(headers={"accept-language": "en"})
            user = world.user(role)
            if user is not None:
                client.force_login(user)
            response = client.get(url, follow=True)
            final = response.redirect_chain[-1][0] if response.redirect_chain else url
            if role == "anonymous":
                assert final.startswith(reverse("account_login")), (url, final)
            else:
                assert response.status_code == (200 if role == "iom" else 403), (role, url)
        checked.add(opts.label)
    assert {
        "companies.Company",
        "companies.ProductionUnit",
        "companies.Vacancy",
        "companies.EmployerPaysStatement",
        "companies.Attestation",
        "companies.RegionalBody",
        "companies.ChamberProvince",
    } <= checked, checked
    assert len(checked) >= 15, checked
