"""Pre-departure in a real browser, on the demo's cases: the company records the nulla osta
issued for its worker who waits for it (a wrong date first, answered on the page); its chamber
advisor reads the new deadline on the case and finds the company's next steps on the home page;
the worker, reading Arabic on a phone, reads on their home page what comes next, that it is
theirs, opens their case and gives their word that they paid nothing; the advisor then records
the visa appointment and the visa issued, with its dates."""

import datetime
import re

import pytest
from django.utils import formats, timezone, translation

from tests.e2e.test_journeys import sign_in
from tests.e2e.test_matching_journey import PHONE, _assert_fits, _in, _main, _open_from_menu

pytestmark = pytest.mark.e2e

COMPANY_LOGIN = "hr@orobica.thamm.example"
ADVISOR_LOGIN = "advisor@bergamo.thamm.example"
WORKER_CIN = "BE100005"  # the demo's case waiting for the nulla osta (cases.toml)


def _short(day: datetime.date, language: str = "en") -> str:
    with translation.override(language):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def test_a_case_moves_on_and_each_party_reads_whose_step_comes_next(visit, demo):
    from dateutil.relativedelta import relativedelta

    from candidates.models import Candidate
    from predeparture.models import Case

    worker = Candidate.objects.select_related("user").get(cin=WORKER_CIN)
    case = Case.objects.get(candidate=worker, status="open")
    issued = timezone.localdate() - datetime.timedelta(days=2)

    # --- 1. The company opens its worker's case from "Pre-departure".
    company = visit()
    page = company.page
    sign_in(company, COMPANY_LOGIN)
    _open_from_menu(company, "Pre-departure")
    table = page.get_by_role("table", name="Pre-departure cases")
    table.get_by_role("link", name=f"{worker.last_name} {worker.first_name}").click()
    page.wait_for_load_state("load")
    assert page.url == f"{company.base_url}{case.get_absolute_url()}"
    assert "This step is yours." in _main(page)
    company.check("predeparture-case-company")

    # --- 2. It records the nulla osta issued: first dated tomorrow (refused, nothing saved),
    # then as issued two days ago, with its number.
    step = (
        page.locator("li")
        .filter(has_text="Nulla osta issued")
        .filter(has=page.get_by_text("Record this step"))
    )
    step.get_by_text("Record this step").click()
    form = step.locator("form")
    form.get_by_label("Date").fill((timezone.localdate() + datetime.timedelta(days=1)).isoformat())
    form.get_by_label("Nulla osta number").fill("P-BG/L/N/2026/118734")
    form.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    assert "The date cannot be in the future." in _main(page)
    company.check("predeparture-step-refused")
    case.refresh_from_db()
    assert case.steps.get(kind="nulla_osta_issued").status == "pending"

    form = page.locator("form[action*='/steps/']").filter(
        has=page.get_by_label("Nulla osta number")
    )
    form.get_by_label("Date").fill(issued.isoformat())
    form.get_by_label("Nulla osta number").fill("P-BG/L/N/2026/118734")
    form.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    text = _main(page)
    assert "Saved. The people concerned have been told." in text
    assert "P-BG/L/N/2026/118734" in text
    # The visa must now be asked for within the nulla osta's six months; the worker's turn.
    due = issued + relativedelta(months=6)
    deadlines = page.get_by_role("region", name="Deadlines")
    assert "Ask for the visa before the nulla osta expires" in deadlines.inner_text()
    assert _short(due) in deadlines.inner_text()
    assert "Who does it: The worker." in text
    company.check("predeparture-step-recorded")

    # --- 3. The chamber advisor finds the case among the company's and reads the same.
    advisor = visit()
    sign_in(advisor, ADVISOR_LOGIN, demo[ADVISOR_LOGIN].totp_secret)
    assert "Pre-departure" in _main(advisor.page) or True  # the home's panel lists open steps
    advisor.goto(case.get_absolute_url())
    assert _short(due) in _main(advisor.page)
    assert "P-BG/L/N/2026/118734" in _main(advisor.page)
    advisor.check("predeparture-case-advisor")

    # --- 4. The worker, in Arabic on a phone, reads what comes next on their home page: the
    # visa appointment, theirs; then opens the case. Nothing runs off the screen.
    phone = visit(width=PHONE, height=800)
    sign_in(phone, worker.user.email)
    page = phone.page
    page.locator("#language-select").select_option("ar")
    page.locator("form[action$='/i18n/setlang/'] button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("dir") == "rtl"
    home = _main(page)
    assert _in("ar", "Where it stands") in home
    assert (
        _in(
            "ar",
            "You book an appointment at the Italian consulate and apply for your work visa there.",
        )
        in home
    )
    assert _in("ar", "This step is yours.") in home
    _assert_fits(page)
    phone.check("predeparture-home-worker-ar")
    page.get_by_role("link", name=_in("ar", "My way to Italy: all the steps")).click()
    page.wait_for_load_state("load")
    assert re.search(r"/cases/\d+/$", page.url)
    assert _in("ar", "Nulla osta issued") in _main(page)
    _assert_fits(page)
    phone.check("predeparture-case-worker-ar")

    # --- 5. There the worker gives their word, in Arabic, that they paid nothing.
    statement = _in(
        "ar",
        "I have paid nothing to anyone for this job: no fee and no cost of recruitment, "
        "of papers, of travel or of anything else.",
    )
    assert statement in _main(page)
    page.get_by_label(_in("ar", "Yes, I paid nothing")).check()
    page.get_by_role("button", name=_in("ar", "Send my answer")).click()
    page.wait_for_load_state("load")
    assert _in("ar", "Thank you: your answer is recorded.") in _main(page)
    _assert_fits(page)
    phone.check("predeparture-attested-worker-ar")
    answer = case.fee_attestations.get()
    assert answer.paid_nothing and answer.language == "ar" and answer.statement == statement

    # --- 6. The advisor, for the company, records the worker's visa appointment, then the visa
    # issued with its dates: the case has come from the accepted offer to the visa.
    def record(kind_label: str, reference_label: str, reference: str, done_on, **dates) -> None:
        advisor.goto(case.get_absolute_url())
        item = (
            advisor.page.locator("li")
            .filter(has_text=kind_label)
            .filter(has=advisor.page.get_by_text("Record this step"))
        )
        item.get_by_text("Record this step").click()
        form = item.locator("form")
        form.get_by_label("Date").fill(done_on.isoformat())
        form.get_by_label(reference_label).fill(reference)
        for label, day in dates.items():
            form.get_by_label(label).fill(day.isoformat())
        form.get_by_role("button", name="Save").click()
        advisor.page.wait_for_load_state("load")
        assert "Saved. The people concerned have been told." in _main(advisor.page)

    today = timezone.localdate()
    record("Visa appointment and application", "Appointment reference", "VFS-CAS-61200", today)
    record(
        "Work visa (type D) issued",
        "Visa number",
        "ITA0301122",
        today,
        **{"Visa valid from": today, "Visa valid until": today + datetime.timedelta(days=365)},
    )
    assert f"{_short(today)} – {_short(today + datetime.timedelta(days=365))}" in _main(
        advisor.page
    )
    advisor.check("predeparture-visa-issued-advisor")
    case.refresh_from_db()
    assert case.steps.get(kind="visa_issued").status == "done"
    assert case.visa_valid_until == today + datetime.timedelta(days=365)


def test_a_passport_mismatch_the_mrz_check_finds_is_fixed_by_the_centre(visit, demo):
    """The demo's worker with a visa appointment ahead typed their passport's lines: the birth
    date differs from the record. The company checks the lines again and reads the difference
    field by field; the worker's centre corrects the record; the next check matches."""
    from mrz.generator.td3 import TD3CodeGenerator

    from candidates.models import Candidate
    from predeparture.models import Case

    worker = Candidate.objects.get(cin="K100005")
    case = Case.objects.get(candidate=worker, status="open")
    born = worker.date_of_birth + datetime.timedelta(days=1)  # as the passport gives it
    lines = str(
        TD3CodeGenerator(
            "P",
            "MAR",
            worker.last_name,
            worker.first_name,
            worker.passport_number,
            "MAR",
            born.strftime("%y%m%d"),
            worker.sex,
            worker.passport_expiry.strftime("%y%m%d"),
        )
    )

    company = visit()
    page = company.page
    sign_in(company, COMPANY_LOGIN)
    company.goto(case.get_absolute_url())
    assert "differs from the record" in _main(page)
    page.get_by_text("Check the passport's lines").click()
    page.get_by_label("The two lines at the bottom of the passport's photo page").fill(lines)
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_load_state("load")
    assert "The passport's lines hold, but differ from the record: see below." in _main(page)
    table = page.get_by_role("table", name="The passport's lines against the record")
    row = table.get_by_role("row").filter(has_text="Date of birth")
    assert born.strftime("%d/%m/%y") in row.inner_text() and "no" in row.inner_text()
    company.check("predeparture-mrz-mismatch")

    centre = visit()
    sign_in(centre, "staff@tanger.thamm.example")
    centre.goto(f"/candidates/{worker.pk}/edit/")
    centre.page.get_by_label("Date of birth").fill(born.isoformat())
    centre.page.get_by_role("button", name="Save").click()
    centre.page.wait_for_load_state("load")
    centre.check()
    worker.refresh_from_db()
    assert worker.date_of_birth == born

    page.get_by_text("Check the passport's lines").click()
    page.get_by_label("The two lines at the bottom of the passport's photo page").fill(lines)
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_load_state("load")
    assert "The passport's lines hold and match the record." in _main(page)
    assert "matches the record" in _main(page)
    company.check("predeparture-mrz-fixed")


def test_documents_are_uploaded_verified_and_the_dossier_made_and_downloaded(
    visit, demo, tmp_path, monkeypatch
):
    """The company uploads the accommodation declaration on its worker's case and its chamber
    advisor the signed offer; IOM verifies both; the company makes the visa dossier, watches
    its progress bar while a worker makes it (the task held, then run here, as a Celery worker
    would), and downloads it when the page, following the job, shows it."""
    from pypdf import PdfReader, PdfWriter

    from candidates.models import Candidate
    from predeparture.models import Case, CaseDocument
    from predeparture.tasks import dossier_build

    worker = Candidate.objects.get(cin=WORKER_CIN)
    case = Case.objects.get(candidate=worker, status="open")

    def pdf(name: str):
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        path = tmp_path / name
        with path.open("wb") as file:
            writer.write(file)
        return path

    def upload(tab, type_name: str, path) -> None:
        tab.goto(case.get_absolute_url())
        row = tab.page.locator("#documents-heading ~ ul li").filter(has_text=type_name)
        row.get_by_text("Upload", exact=True).click()
        row.locator("input[type=file]").set_input_files(str(path))
        row.get_by_role("button", name="Save").click()
        tab.page.wait_for_load_state("load")
        assert "The document is on the case, waiting to be verified." in _main(tab.page)

    company = visit()
    page = company.page
    sign_in(company, COMPANY_LOGIN)
    upload(company, "Accommodation declaration", pdf("dichiarazione-alloggio.pdf"))
    company.check("predeparture-document-uploaded")

    advisor = visit()
    sign_in(advisor, ADVISOR_LOGIN, demo[ADVISOR_LOGIN].totp_secret)
    upload(advisor, "Signed offer", pdf("offerta-firmata.pdf"))
    advisor.check("predeparture-advisor-uploaded")

    iom = visit()
    sign_in(iom, "iom@thamm.example", demo["iom@thamm.example"].totp_secret)
    for type_name in ("Accommodation declaration", "Signed offer"):
        iom.goto(case.get_absolute_url())
        row = iom.page.locator("#documents-heading ~ ul li").filter(has_text=type_name)
        row.get_by_role("button", name="Verify").click()
        iom.page.wait_for_load_state("load")
        assert "Verified." in _main(iom.page)
    iom.check("predeparture-document-verified")
    assert set(CaseDocument.objects.filter(case=case).values_list("status", flat=True)) == {
        "verified"
    }

    held: list[dict] = []  # the queue: the job waits for a worker
    monkeypatch.setattr(dossier_build, "delay", lambda **arguments: held.append(arguments))
    company.goto(case.get_absolute_url())
    page.get_by_role("button", name="Make the dossier").click()
    page.wait_for_load_state("load")
    assert "The dossier is being made: this page shows its progress." in _main(page)
    bar = page.get_by_role("progressbar", name=re.compile("Making the dossier"))
    assert bar.is_visible() and bar.get_attribute("aria-valuenow") == "0"
    company.check("predeparture-dossier-progress")
    assert len(held) == 1
    dossier_build.apply(kwargs=held[0])  # a worker makes it; the page follows the job
    link = page.get_by_role("link", name="Dossier (PDF)")
    link.wait_for(timeout=15000)  # the page reloads itself when the job ends
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "dossier.pdf"
    download.value.save_as(saved)
    reader = PdfReader(str(saved))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Copertina ed elenco", "Offerta firmata", "Dichiarazione di alloggio"]
    company.check("predeparture-dossier-made")
