"""Each demo role signs in through the real form, lands on its home page, and reads it in Arabic."""

import re

import pytest
from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

from demo.seed import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

ROLE_LOGINS = [
    # (e-mail, text the role's home page shows)
    ("iom@thamm.example", "IOM coordination"),
    ("advisor@bergamo.thamm.example", "Companies you assist"),
    ("staff@casablanca.thamm.example", "Centre de formation de Casablanca"),
    ("hr@orobica.thamm.example", "Meccanica Orobica"),
    ("candidate@thamm.example", "Welcome, Amine"),
]


def totp_code(secret: str) -> str:
    # The current period's code (the counters allauth accepts are listed oldest first).
    counters = list(yield_hotp_counters_from_time())
    return f"{hotp_value(secret, counters[len(counters) // 2]):06d}"


def sign_in(visit, email: str, secret: str = "", next_path: str = "/accounts/login/"):
    page = visit.page
    visit.goto(next_path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if secret:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        visit.check()
        page.get_by_role("textbox", name="Code", exact=True).fill(totp_code(secret))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(visit.base_url + "/")  # every journey starts on the role's home page


@pytest.mark.parametrize(("email", "home_text"), ROLE_LOGINS)
def test_role_signs_in_lands_home_and_reads_it_right_to_left_in_arabic(
    visit, demo, email, home_text
):
    tab = visit()
    page = tab.page
    sign_in(tab, email, demo[email].totp_secret)
    assert home_text in page.locator("main").inner_text()
    tab.check(f"home-{email.split('@')[0]}")

    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    tab.check(f"home-{email.split('@')[0]}-ar")

    # The same page on a 375 px phone: nothing runs off the side of the screen.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= 375, f"page is {overflow}px wide on a 375px screen"
    tab.check(f"home-{email.split('@')[0]}-ar-375")


def test_logged_out_visitor_is_sent_to_login_and_back(visit, demo):
    tab = visit()
    page = tab.page
    tab.goto("/invitations/")
    assert "/accounts/login/?next=/invitations/" in page.url
    page.get_by_label("Email").fill("hr@orobica.thamm.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(tab.base_url + "/invitations/")
    tab.check("invitations-after-login")
    assert page.get_by_role("heading", name="Invite a colleague").is_visible()


def test_wrong_password_shows_a_clear_message(visit, demo):
    tab = visit()
    page = tab.page
    tab.goto("/accounts/login/")
    page.get_by_label("Email").fill("hr@orobica.thamm.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("load")
    assert "not correct" in page.locator("main").inner_text()
    tab.check("login-wrong-password")


def test_iom_assigns_the_bergamo_advisor_who_then_sees_the_company(visit, demo):
    iom = visit()
    sign_in(iom, "iom@thamm.example", demo["iom@thamm.example"].totp_secret)
    iom.page.get_by_role("link", name="Assign chamber advisors").click()
    iom.page.wait_for_load_state("load")
    iom.check("iom-advisors")
    iom.page.get_by_label("Chamber advisor").select_option(
        label="Marco Rota — Camera di Commercio di Bergamo — Bergamo Sviluppo"
    )
    iom.page.get_by_label("Company").select_option(label="Veneta Robotica S.r.l.")
    iom.page.get_by_role("button", name="Assign", exact=True).click()
    iom.page.wait_for_load_state("load")
    assert "The advisor now assists this company." in iom.page.locator("main").inner_text()
    iom.check("iom-advisors-assigned")

    advisor = visit(width=375, height=800)
    sign_in(
        advisor, "advisor@bergamo.thamm.example", demo["advisor@bergamo.thamm.example"].totp_secret
    )
    companies = advisor.page.locator("main").inner_text()
    assert "Veneta Robotica S.r.l." in companies and "Meccanica Orobica S.r.l." in companies
    assert "Automazioni Emiliane" not in companies
    advisor.check("advisor-home-375")


def test_centre_registers_a_candidate_and_starts_their_training(visit, demo):
    tab = visit()
    page = tab.page
    sign_in(tab, "staff@casablanca.thamm.example")
    page.get_by_role("link", name="Register a candidate").click()
    page.wait_for_load_state("load")
    tab.check("candidate-form")
    page.get_by_role("textbox", name="First name", exact=True).fill("Ilyas")
    page.get_by_role("textbox", name="Last name", exact=True).fill("Marzouki")
    page.get_by_label("First name (Arabic)").fill("إلياس")
    page.get_by_label("Date of birth").fill("1997-03-14")
    page.get_by_label("Sex").select_option("M")
    page.get_by_label("National identity card (CIN)").fill("bh765432")
    page.get_by_label("Phone").fill("0661234567")
    page.get_by_label("Region of residence").select_option("MA-06")
    page.get_by_label("Education").select_option("technician")
    page.get_by_label("Lombardia").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    main = page.locator("main").inner_text()
    assert "Candidate registered." in main and "Ilyas Marzouki" in main and "BH765432" in main
    tab.check("candidate-detail")
    page.get_by_label("Action").select_option("start_training")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state("load")
    assert "Stage changed to “In training”." in page.locator("main").inner_text()
    # The same page in Arabic on a phone.
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state("load")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    tab.check("candidate-detail-ar-375")


def test_centre_completes_a_result_and_certifies_the_candidate(visit, demo):
    from candidates.models import Candidate
    from thamm.scheme import current_scheme
    from training.selectors import certification_check

    # A demo candidate who failed exactly one technical module.
    scheme = current_scheme()
    trainee = next(
        c
        for c in Candidate.objects.filter(status="in_training", cin__startswith="BE")
        if len(certification_check(candidate=c, scheme=scheme).missing) == 1
        and c.results.filter(passed=False).exists()
    )
    failed = trainee.results.get(passed=False).course
    tab = visit()
    page = tab.page
    sign_in(tab, "staff@casablanca.thamm.example")
    tab.goto(f"/candidates/{trainee.pk}/")
    assert f"{failed.title}: not passed" in page.locator("main").inner_text()
    page.get_by_role("link", name="Record a result").click()
    page.wait_for_load_state("load")
    tab.check("result-form")
    page.get_by_label("Course").select_option(label=f"{failed.code} — {failed.title}")
    page.get_by_label("Score (0–100)").fill("81")
    page.get_by_label("Attendance (%)").fill("92")
    page.get_by_label("Assessed on").fill("2026-07-01")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    assert "All the conditions for certification are met." in page.locator("main").inner_text()
    page.get_by_role("button", name="Certify").click()
    page.wait_for_load_state("load")
    assert "The candidate is certified." in page.locator("main").inner_text()
    tab.check("candidate-certified")


def test_candidate_reads_progress_in_arabic_then_withdraws_and_gives_consent_again(visit, demo):
    from candidates.models import Candidate

    tab = visit(width=375, height=800)
    page = tab.page
    sign_in(tab, "candidate@thamm.example")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "دوراتي ونتائجي" in page.locator("main").inner_text()  # "My courses and results"
    tab.check("candidate-progress-ar")
    page.get_by_role("link", name="موافقتي").click()  # "My consent"
    page.wait_for_load_state("load")
    tab.check("candidate-consent-ar")
    page.get_by_label("لقد قرأت إشعار الخصوصية وأوافق عليه.").check()
    page.get_by_role("checkbox", name="اعرض ملفي على الشركات").check()
    page.get_by_role("button", name="حفظ اختياري").click()
    page.wait_for_load_state("load")
    record = Candidate.objects.get(user__email="candidate@thamm.example")
    assert record.profile_shared
    page.get_by_role("button", name="سحب موافقتي").click()
    page.wait_for_load_state("load")
    assert "تم سحب موافقتك" in page.locator("main").inner_text()
    record.refresh_from_db()
    assert not record.profile_shared
    page.get_by_label("لقد قرأت إشعار الخصوصية وأوافق عليه.").check()
    page.get_by_role("checkbox", name="اعرض ملفي على الشركات").check()
    page.get_by_role("button", name="حفظ اختياري").click()
    page.wait_for_load_state("load")
    record.refresh_from_db()
    assert record.profile_shared
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    tab.check("candidate-consent-given-ar")


def test_centre_uploads_an_xlsx_reads_the_preview_confirms_and_certifies(visit, demo, tmp_path):
    from openpyxl import Workbook

    from candidates.models import Candidate
    from thamm.scheme import current_scheme
    from training.selectors import certification_check

    scheme = current_scheme()
    trainee = next(
        c
        for c in Candidate.objects.filter(status="in_training", cin__startswith="BE")
        if len(certification_check(candidate=c, scheme=scheme).missing) == 1
        and c.results.filter(passed=False).exists()
    )
    failed = trainee.results.get(passed=False).course
    book = Workbook()
    book.active.append(
        ["candidate_reference", "module_code", "score", "attendance", "date", "cefr_level"]
    )
    book.active.append([trainee.reference, failed.code, 77, 93, "2026-07-02", ""])
    book.active.append(["C-NOBODY", "MEC-PLC", 70, 90, "2026-07-02", ""])
    bad_file, good_file = tmp_path / "with-error.xlsx", tmp_path / "results.xlsx"
    book.save(bad_file)
    book.active.delete_rows(3)
    book.save(good_file)

    tab = visit()
    page = tab.page
    sign_in(tab, "staff@casablanca.thamm.example")
    page.get_by_role("link", name="Import results").click()
    page.wait_for_load_state("load")
    tab.check("results-import")
    page.get_by_label("Results file (CSV or XLSX)").set_input_files(str(bad_file))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("load")
    main = page.locator("main").inner_text()
    assert "Nothing was imported." in main and "Unknown candidate." in main
    tab.check("results-preview-rejected")
    tab.goto("/training/results/import/")
    page.get_by_label("Results file (CSV or XLSX)").set_input_files(str(good_file))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("load")
    assert "Updated" in page.locator("main").inner_text()
    tab.check("results-preview")
    page.get_by_role("button", name="Import 1 row").click()
    page.wait_for_load_state("load")
    assert "Imported: 0 new, 1 updated, 0 unchanged." in page.locator("main").inner_text()
    tab.goto(f"/candidates/{trainee.pk}/")
    page.get_by_role("button", name="Certify").click()
    page.wait_for_load_state("load")
    assert "The candidate is certified." in page.locator("main").inner_text()


def test_progress_bar_follows_a_background_job_and_reloads_when_it_ends(visit, demo):
    from accounts.models import Organisation
    from thamm.jobs import job_progress, job_update
    from thamm.models import Job
    from training.models import FileImport

    centre = Organisation.objects.get(city="Casablanca", kind="training_centre")
    job = Job.objects.create(kind="results.check", organisation=centre)
    upload = FileImport.objects.create(
        training_centre=centre,
        original_name="big.xlsx",
        status="checking",
        row_count=5000,
        file="x.upload",
        job=job,
    )
    job_progress(job.pk, 40)
    tab = visit()
    page = tab.page
    sign_in(tab, "staff@casablanca.thamm.example")
    tab.goto(f"/training/results/import/{upload.pk}/")
    bar = page.get_by_role("progressbar")
    page.wait_for_function("() => document.querySelector('.progress-bar').style.width === '40%'")
    assert bar.get_attribute("aria-valuenow") == "40"
    tab.check("job-progress")
    FileImport.objects.filter(pk=upload.pk).update(
        status="previewed", totals={"new": 5000, "update": 0, "unchanged": 0, "error": 0}
    )
    job_update(job.pk, status=Job.Status.DONE)
    page.wait_for_selector("text=Import all 5000 rows", timeout=15_000)
    assert page.get_by_role("progressbar").count() == 0


def test_candidate_uploads_a_document_in_french(visit, demo, tmp_path):
    from candidates.models import CandidateDocument

    scan = tmp_path / "passeport.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    tab = visit()
    page = tab.page
    sign_in(tab, "candidate@thamm.example")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Mes documents").click()
    page.wait_for_load_state("load")
    tab.check("candidate-documents-fr")
    page.get_by_role("combobox", name="Document").select_option("passport")
    page.get_by_label("Fichier (PDF, JPEG ou PNG)").set_input_files(str(scan))
    page.get_by_role("button", name="Téléverser").click()
    page.wait_for_load_state("load")
    assert "Document ajouté." in page.locator("main").inner_text()
    assert (
        CandidateDocument.objects.filter(candidate__user__email="candidate@thamm.example").count()
        == 1
    )
    tab.check("candidate-documents-added-fr")


def test_company_adds_a_unit_in_bergamo_and_is_refused_one_in_roma(visit, demo):
    from companies.models import ProductionUnit

    tab = visit()
    page = tab.page
    sign_in(tab, "hr@orobica.thamm.example")
    page.get_by_role("link", name="Production units").click()
    page.wait_for_load_state("load")
    tab.check("company-units")
    before = ProductionUnit.objects.count()
    page.get_by_role("textbox", name="Address").fill("Via del Corso 1")
    page.get_by_role("textbox", name="Comune").fill("Roma")
    page.get_by_role("combobox", name="Province").select_option("IT-RM")
    page.get_by_role("button", name="Add the unit").click()
    page.wait_for_load_state("load")
    assert (
        "Only production units in Lombardia, Emilia-Romagna, Veneto"
        in page.locator("main").inner_text()
    )
    tab.check("company-units-refused")
    assert ProductionUnit.objects.count() == before
    page.get_by_role("textbox", name="Address").fill("Via Borgo Palazzo 12")
    page.get_by_role("textbox", name="Comune").fill("Bergamo")
    page.get_by_role("combobox", name="Province").select_option("IT-BG")
    page.get_by_role("button", name="Add the unit").click()
    page.wait_for_load_state("load")
    assert "Production unit added." in page.locator("main").inner_text()
    assert ProductionUnit.objects.count() == before + 1
