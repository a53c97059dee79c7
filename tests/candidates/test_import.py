"""Candidates by file: the same rules as the form, all or nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from candidates.models import Candidate
from tests.factories import CandidateFactory
from thamm.stages import stage_history
from training.imports import import_confirm, import_preview

HEADER = (
    "first_name,last_name,first_name_ar,last_name_ar,date_of_birth,sex,cin,passport_number,"
    "passport_expiry,phone,email,residence_region,education,years_experience,occupations,"
    "preferred_regions,earliest_start"
)
GOOD = [
    "Youssef,Alaoui,يوسف,العلوي,1998-04-12,M,bk123456,,,0612345678,y@example.org,"
    "Casablanca-Settat,technician,3,3115;7223,Lombardia;veneto,",
    "Salma,Bennani,,,1999-05-01,F,AB12345,XY1234567,2031-01-01,+212 661 234 567,,MA-01,"
    "specialised,1,,IT-45,",
]

NO_PASSPORT = GOOD[1].replace("XY1234567,2031-01-01", ",")


def upload(*lines):
    return SimpleUploadedFile("c.csv", ("\n".join([HEADER, *lines]) + "\n").encode())


def test_a_good_file_registers_every_candidate_with_its_history(world):
    job = import_preview(user=world.centre, upload=upload(*GOOD), kind="candidates")
    assert job.status == "previewed" and job.totals["new"] == 2
    assert Candidate.objects.count() == 2  # the world's two; the preview saved nothing
    job = import_confirm(job=job, user=world.centre)
    assert job.status == "imported"
    youssef = Candidate.objects.get(cin="BK123456")
    assert youssef.training_centre == world.centre_org and youssef.phone == "+212612345678"
    assert youssef.preferred_regions == ["IT-25", "IT-34"] and youssef.residence_region == "MA-06"
    assert set(youssef.previous_occupations.values_list("isco_code", flat=True)) == {"3115", "7223"}
    assert [c.to_stage for c in stage_history(obj=youssef)] == ["registered"]
    assert Candidate.objects.get(cin="AB12345").passport_number == "XY1234567"


def test_duplicates_and_bad_values_are_reported_by_row_and_nothing_is_registered(world):
    CandidateFactory(training_centre=world.centre_b_org, cin="ZZ99999")  # another centre's
    lines = [
        GOOD[0],
        GOOD[0].replace("Youssef", "Copy"),  # the same CIN again
        GOOD[1].replace("AB12345", "ZZ99999"),  # a CIN registered elsewhere
        NO_PASSPORT.replace("AB12345", "CD12345").replace("IT-45", "Lazio"),
        NO_PASSPORT.replace("AB12345", "EF12345").replace("+212 661 234 567", "12"),
        NO_PASSPORT.replace("AB12345", "GH12345").replace("MA-01", "Atlantis"),
    ]
    job = import_preview(user=world.centre, upload=upload(*lines), kind="candidates")
    assert job.status == "rejected" and job.totals["error"] == 5
    problems = {(r["line"], e["column"]) for r in job.rows for e in r["errors"]}
    assert {
        (3, "cin"),
        (4, "cin"),
        (5, "preferred_regions"),
        (6, "phone"),
        (7, "residence_region"),
    } <= problems
    messages = " ".join(e["message"] for r in job.rows for e in r["errors"])
    assert "This CIN is already on row 2." in messages
    assert "A candidate with this CIN is already registered." in messages
    assert not Candidate.objects.filter(cin="BK123456").exists()


def test_the_page_imports_candidates_after_the_preview(world):
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.centre)
    response = client.post(reverse("training:candidates_import"), {"file": upload(*GOOD)})
    detail = client.get(response["Location"]).content.decode()
    assert "Alaoui Youssef · BK123456" in detail
    job_pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    client.post(reverse("training:results_import_confirm", args=[job_pk]))
    assert Candidate.objects.filter(cin__in=["BK123456", "AB12345"]).count() == 2
    template = client.get(reverse("training:candidates_template")).content.decode("utf-8-sig")
    assert template.splitlines()[0] == HEADER


def test_the_form_rules_apply_to_files_too(world):
    expired = GOOD[1].replace("2031-01-01", "2020-01-01")
    past_start = NO_PASSPORT.replace("AB12345", "PS12345").rstrip(",") + ",2020-01-01"
    job = import_preview(user=world.centre, upload=upload(expired, past_start), kind="candidates")
    problems = {(r["line"], e["column"]) for r in job.rows for e in r["errors"]}
    assert problems == {(2, "passport_expiry"), (3, "earliest_start")}


def test_regions_in_the_readers_language_or_as_written_in_italian(world):
    from django.utils import translation

    line = NO_PASSPORT.replace("AB12345", "RG12345").replace("IT-45", "Lombardie;Veneto")
    with translation.override("fr"):
        job = import_preview(user=world.centre, upload=upload(line), kind="candidates")
    assert job.status == "previewed", job.rows
    import_confirm(job=job, user=world.centre)
    assert Candidate.objects.get(cin="RG12345").preferred_regions == ["IT-25", "IT-34"]


def test_a_second_file_updates_the_centres_own_candidates_and_reports_unchanged_rows(world):
    from thamm.models import AuditEntry

    import_confirm(
        job=import_preview(user=world.centre, upload=upload(*GOOD), kind="candidates"),
        user=world.centre,
    )
    changed = GOOD[0].replace("y@example.org", "new@example.org").replace("3115;7223", "3115")
    job = import_preview(user=world.centre, upload=upload(changed, GOOD[1]), kind="candidates")
    assert job.totals == {"new": 0, "update": 1, "unchanged": 1, "error": 0}
    import_confirm(job=job, user=world.centre)
    youssef = Candidate.objects.get(cin="BK123456")
    assert youssef.email == "new@example.org"
    assert list(youssef.previous_occupations.values_list("isco_code", flat=True)) == ["3115"]
    assert Candidate.objects.filter(cin="BK123456").count() == 1
    entry = AuditEntry.objects.filter(action="candidate.update").get()
    assert entry.detail["fields"] == ["email"]
    # Another centre cannot update them by naming their CIN: it is "already registered".
    other = import_preview(user=world.centre_b, upload=upload(changed), kind="candidates")
    assert other.status == "rejected"
    assert "already registered" in other.rows[0]["errors"][0]["message"]


def test_an_update_by_file_keeps_a_consent_given_meanwhile(world):
    from candidates.selectors import privacy_notice_current
    from candidates.services import consent_give

    record = world.candidate_a
    line = (
        f"{record.first_name},Changed,,,{record.date_of_birth},{record.sex},{record.cin},,,"
        f"{record.phone},,MA-06,technician,0,,Lombardia,"
    )
    job = import_preview(user=world.centre, upload=upload(line), kind="candidates")
    assert job.totals["update"] == 1, job.rows
    consent_give(
        candidate=record,
        notice=privacy_notice_current(),
        share_with_companies=True,
        by=world.candidate,
    )
    import_confirm(job=job, user=world.centre)
    record.refresh_from_db()
    assert record.last_name == "Changed" and record.profile_shared
