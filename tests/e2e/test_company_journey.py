"""The companies journey: a company signs up on its own, declares a unit in Bergamo (and is refused
one in Roma), signs the employer-pays statement, is verified by IOM and publishes a vacancy; the
Bergamo advisor assigns himself, then sees the company and its paperwork, and never a company that
nobody assigned to him."""

import datetime
import re

import pytest
from django.core import mail

from demo.seed import DEMO_PASSWORD
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

IOM = "iom@thamm.example"
ADVISOR = "advisor@bergamo.thamm.example"
BERGAMO_CHAMBER = "Camera di Commercio di Bergamo — Bergamo Sviluppo"
NEW_COMPANY = "Officine Meccatroniche di Zogno S.r.l."
NEW_ADMIN = "amministrazione@zogno-meccatronica.example"
ORPHAN = "Fonderia Senza Consulente S.p.A."


def _submit(page, button: str):
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("load")
    return page.locator("main").inner_text()


def _main_nav(page):
    return page.get_by_role("navigation", name="Main navigation")


def _change_language(tab, code: str):
    """The header's language switch, found by its place rather than by its (translated) labels."""
    page = tab.page
    page.locator("#language-select").select_option(code)
    page.locator("form[action$='/i18n/setlang/'] button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == code


def _goto_not_found(tab, path: str, screenshot: str = "") -> None:
    """Open a page that must answer 404, and check the error page like any other."""
    response = tab.page.goto(tab.base_url + path)
    assert response.status == 404, f"{path} answered {response.status}"
    # Chromium logs the document's own 404 as a console error: expected here, not a problem.
    tab.problems[:] = [p for p in tab.problems if "status of 404" not in p]
    tab.check(screenshot)


def _paperwork_sections(page) -> list[tuple[str, list[str]]]:
    """(company, what is missing) per card of the paperwork page, in page order."""
    return [
        (
            card.locator("h2 a").inner_text().strip(),
            [item.strip() for item in card.locator("li").all_inner_texts()],
        )
        for card in page.locator("main section.card").all()
    ]


def _sign_up_and_confirm(tab, partita_iva: str) -> None:
    """Anonymous sign-up through allauth, then the confirmation link of the e-mail it sent."""
    page = tab.page
    tab.goto("/companies/signup/")
    tab.check("company-signup")
    page.get_by_label("Legal name").fill(NEW_COMPANY)
    page.get_by_label("Partita IVA").fill(partita_iva)
    page.get_by_label("Codice fiscale").fill(partita_iva)
    page.get_by_label("ATECO code").fill("28.41")
    page.get_by_label("PEC address").fill("zogno-meccatronica@pec.example.it")
    page.get_by_label("Size").select_option("small")
    page.get_by_label("Contact person").fill("Elena Locatelli")
    page.get_by_label("Contact telephone").fill("+39 035 123456")
    page.get_by_label("Chamber of commerce").select_option(label=BERGAMO_CHAMBER)
    page.get_by_label("Your full name").fill("Elena Locatelli")
    page.get_by_label("Your e-mail address").fill(NEW_ADMIN)
    # A password box has no ARIA role, and "Password" alone also names "Password (again)".
    page.get_by_label(re.compile(r"^Password\W*$")).fill(DEMO_PASSWORD)
    page.get_by_label("Password (again)").fill(DEMO_PASSWORD)
    mail.outbox.clear()
    main = _submit(page, "Register")
    tab.check("company-signup-verify-email")
    assert page.url.endswith("/accounts/confirm-email/"), main

    # The live server runs in this process: its locmem outbox holds the confirmation e-mail.
    (message,) = [m for m in mail.outbox if NEW_ADMIN in m.to]
    # The Bergamo chamber, named at sign-up, hears nothing before the address is confirmed.
    assert not [m for m in mail.outbox if "advisor@bergamo.thamm.example" in m.to]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", message.body)
    assert link, message.body
    tab.goto(link.group(1))
    tab.check("company-confirm-email")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("load")
    tab.check()
    # Now it is told to assign an advisor (its admin, in Italian).
    (told,) = [m for m in mail.outbox if "advisor@bergamo.thamm.example" in m.to]
    assert "chiede aiuto" in told.subject and "/advisors/" in told.body


def test_company_signs_up_is_verified_publishes_and_its_advisor_sees_only_assigned_companies(
    visit, demo
):
    from accounts.models import Organisation
    from companies.models import Company, ProductionUnit, Vacancy, make_partita_iva

    # A company that named no chamber and that nobody assigned to an advisor.
    orphan = Company.objects.create(
        organisation=Organisation.objects.create(kind="company", name=ORPHAN, country="IT"),
        legal_name=ORPHAN,
        partita_iva=make_partita_iva(4099001),
    )

    # --- The company signs up, confirms its e-mail address and signs in.
    company_tab = visit()
    page = company_tab.page
    _sign_up_and_confirm(company_tab, make_partita_iva(4099002))
    sign_in(company_tab, NEW_ADMIN)
    company = Company.objects.get(legal_name=NEW_COMPANY)
    assert company.status == Company.Status.PENDING
    assert company.chamber.name == BERGAMO_CHAMBER
    home = page.locator("main").inner_text()
    assert NEW_COMPANY in home and "The company cannot publish vacancies yet" in home
    assert "not verified yet" in home and "no production unit" in home
    company_tab.check("company-home-new")

    _main_nav(page).get_by_role("link", name="My company").click()
    page.wait_for_url(f"{company_tab.base_url}/companies/{company.pk}/")
    main = page.locator("main").inner_text()
    assert "Pending verification" in main and company.partita_iva in main
    company_tab.check("company-profile-pending")

    # --- Production units: Roma is refused with the regions that qualify, Bergamo is accepted.
    nav = page.get_by_role("navigation", name="Company sections")
    nav.get_by_role("link", name="Production units").click()
    page.wait_for_load_state("load")
    page.get_by_role("textbox", name="Address").fill("Via del Corso 1")
    page.get_by_role("textbox", name="Comune").fill("Roma")
    page.get_by_role("combobox", name="Province").select_option("IT-RM")
    main = _submit(page, "Add the unit")
    assert "Only production units in Lombardia, Emilia-Romagna, Veneto" in main
    assert "this province is in Lazio" in main
    company_tab.check("company-units-roma-refused")
    assert not ProductionUnit.objects.filter(company=company).exists()
    page.get_by_role("textbox", name="Address").fill("Via Brembo 5")
    page.get_by_role("textbox", name="Comune").fill("Bergamo")
    page.get_by_role("combobox", name="Province").select_option("IT-BG")
    main = _submit(page, "Add the unit")
    assert "Production unit added." in main and "Via Brembo 5, Bergamo (BG) — Lombardia" in main
    company_tab.check()
    unit = ProductionUnit.objects.get(company=company)
    assert unit.region == "IT-25"  # Lombardia

    # --- The employer-pays statement, signed by the company's admin.
    nav.get_by_role("link", name="Employer pays").click()
    page.wait_for_load_state("load")
    assert "No signature yet." in page.locator("main").inner_text()
    company_tab.check("company-attestation")
    main = _submit(page, "Sign on behalf of the company")
    assert "Thank you: the company has signed the statement." in main
    assert "The company has signed this version." in main and "signed by Elena Locatelli" in main
    assert company.attestations.count() == 1
    company_tab.check()

    # --- A vacancy: saved as a draft; publishing waits for the verification.
    nav.get_by_role("link", name="Vacancies").click()
    page.wait_for_load_state("load")
    assert "not verified yet" in page.locator("main").inner_text()
    page.get_by_role("link", name="New vacancy").click()
    page.wait_for_load_state("load")
    company_tab.check("vacancy-form")
    start = datetime.date.today() + datetime.timedelta(days=90)
    page.get_by_label("Title").fill("Tecnico manutentore meccatronico")
    page.get_by_label("Occupation").select_option(
        label="Mechanical engineering technician / mechatronics technician (3115)"
    )
    page.get_by_label("Production unit").select_option(label="Via Brembo 5, Bergamo (BG)")
    page.get_by_label("Positions").fill("3")
    page.get_by_label("Minimum Italian level").select_option("A2")
    page.get_by_label("MEC-PLC — Automation and PLC programming").check()
    page.get_by_label("MEC-MNT — Industrial maintenance").check()
    page.get_by_role("combobox", name="Contract", exact=True).select_option("fixed_term")
    page.get_by_label("Length in months").fill("12")
    page.get_by_role("textbox", name="CCNL", exact=True).fill("metalmeccanica industria")
    page.get_by_label("CCNL level").fill("C3")
    page.get_by_label("Gross monthly pay (EUR)").fill("1850")
    page.get_by_label("Hours per week").fill("40")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("Housing").select_option("help")
    page.get_by_label("Description (Italian)").fill(
        "Manutenzione di linee automatiche: PLC, pneumatica, diagnostica dei guasti."
    )
    page.get_by_label("Description (Arabic)").fill("صيانة خطوط الإنتاج الآلية.")
    main = _submit(page, "Save")
    assert "The vacancy has been saved as a draft." in main
    vacancy = Vacancy.objects.get(company=company)
    page.wait_for_url(f"{company_tab.base_url}/companies/vacancies/{vacancy.pk}/")
    assert vacancy.status == Vacancy.Status.DRAFT and vacancy.positions == 3
    assert "This draft cannot be published yet" in main and "Draft" in main
    company_tab.check("vacancy-draft")
    _submit(page, "Publish")
    refusal = page.locator("main .messages .alert-danger").inner_text()
    assert "The company is not verified yet" in refusal
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.DRAFT
    company_tab.check()

    # --- The profile and the vacancy form read right to left in Arabic.
    _change_language(company_tab, "ar")
    company_tab.goto(f"/companies/{company.pk}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert NEW_COMPANY in page.locator("main").inner_text()
    company_tab.check("company-profile-ar")
    company_tab.goto(f"/companies/{company.pk}/vacancies/new/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # The Arabic description is typed right to left, the Italian one left to right.
    assert page.locator("#id_description_ar").get_attribute("dir") == "rtl"
    assert page.locator("#id_description_it").get_attribute("dir") == "ltr"
    company_tab.check("vacancy-form-ar")
    _change_language(company_tab, "en")

    # --- IOM finds the company among those pending verification and verifies it.
    iom = visit()
    sign_in(iom, IOM, demo[IOM].totp_secret)
    _main_nav(iom.page).get_by_role("link", name="Companies").click()
    iom.page.wait_for_load_state("load")
    iom.page.get_by_label("Verification").select_option("pending")
    _submit(iom.page, "Filter")
    pending = iom.page.get_by_role("table", name="Companies")
    assert pending.get_by_role("link", name=NEW_COMPANY).is_visible()
    iom.check("iom-companies-pending")
    pending.get_by_role("link", name=NEW_COMPANY).click()
    iom.page.wait_for_load_state("load")
    main = _submit(iom.page, "Verify the company")
    assert "The company's verification has been updated." in main
    assert "Verified — " in main and "Giulia Conti" in main  # the history: who verified
    iom.check("iom-company-verified")
    company.refresh_from_db()
    assert company.status == Company.Status.VERIFIED

    # --- Verified, the company publishes its draft.
    company_tab.goto(f"/companies/vacancies/{vacancy.pk}/")
    assert "This draft cannot be published yet" not in page.locator("main").inner_text()
    main = _submit(page, "Publish")
    assert "The vacancy is published." in main
    assert page.locator("main .badge").first.inner_text() == "Published"
    company_tab.check("vacancy-published")
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED and vacancy.published_at
    company_tab.goto("/")
    assert "cannot publish vacancies yet" not in page.locator("main").inner_text()

    # --- The Bergamo advisor (his chamber's admin) assigns himself to the company that named his
    # chamber; a company that named no chamber is not his to take.
    advisor = visit()
    sign_in(advisor, ADVISOR, demo[ADVISOR].totp_secret)
    assert NEW_COMPANY not in advisor.page.locator("main").inner_text()
    _main_nav(advisor.page).get_by_role("link", name="Chamber advisors").click()
    advisor.page.wait_for_load_state("load")
    advisor.check("advisor-assignments")
    companies_offered = advisor.page.get_by_label("Company").locator("option").all_inner_texts()
    assert NEW_COMPANY in companies_offered and ORPHAN not in companies_offered
    advisor.page.get_by_label("Chamber advisor").select_option(
        label=f"Marco Rota — {BERGAMO_CHAMBER}"
    )
    advisor.page.get_by_label("Company").select_option(label=NEW_COMPANY)
    main = _submit(advisor.page, "Assign")
    assert "The advisor now assists this company." in main
    assignments = advisor.page.get_by_role("table", name="Assignments in force")
    assert assignments.get_by_role("link", name=NEW_COMPANY).is_visible()
    advisor.check()

    # The companies he assists: the new one, not the orphan.
    _main_nav(advisor.page).get_by_role("link", name="Companies").click()
    advisor.page.wait_for_load_state("load")
    assisted = advisor.page.get_by_role("table", name="Companies")
    assert assisted.get_by_role("link", name=NEW_COMPANY).is_visible()
    assert assisted.get_by_role("link", name=ORPHAN).count() == 0
    assert "Companies you assist" in advisor.page.locator("main h1").inner_text()
    advisor.check("advisor-companies")

    # The paperwork: most urgent first. The new company misses only its expression of interest
    # (the lightest item), so every company before it misses something and none after it misses
    # more than that.
    _main_nav(advisor.page).get_by_role("link", name="Paperwork").click()
    advisor.page.wait_for_load_state("load")
    advisor.check("advisor-paperwork")
    sections = _paperwork_sections(advisor.page)
    names = [name for name, _missing in sections]
    assert ORPHAN not in names
    position = names.index(NEW_COMPANY)
    assert sections[position][1] == ["Expression of interest not recorded"]
    assert all(missing for _name, missing in sections[:position])
    assert all(
        set(missing) <= {"Expression of interest not recorded"}
        for _name, missing in sections[position + 1 :]
    )

    # The advisor follows the item to the profile form and records the expression of interest.
    card = advisor.page.locator("main section.card").nth(position)
    card.get_by_role("link", name="Expression of interest not recorded").click()
    advisor.page.wait_for_url(f"{advisor.base_url}/companies/{company.pk}/edit/")
    advisor.check("advisor-company-edit")
    advisor.page.get_by_label("Expression of interest through").select_option(
        label="Unioncamere Lombardia"
    )
    interest_on = datetime.date.today() - datetime.timedelta(days=30)
    advisor.page.get_by_label("Expression of interest on").fill(interest_on.isoformat())
    advisor.page.get_by_label("Reference").fill("UCL-2026-0417")
    main = _submit(advisor.page, "Save")
    assert "The company's profile has been saved." in main
    assert "Through Unioncamere Lombardia" in main and "UCL-2026-0417" in main
    advisor.check()

    # The paperwork again, on a 375 px phone: nothing runs off the side of the screen, and the
    # company, now missing nothing, comes after every company that still misses something.
    advisor.page.set_viewport_size({"width": 375, "height": 800})
    advisor.goto("/companies/paperwork/")
    width = advisor.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the paperwork page is {width}px wide on a 375px screen"
    advisor.check("advisor-paperwork-375")
    sections = _paperwork_sections(advisor.page)
    names = [name for name, _missing in sections]
    assert ORPHAN not in names
    position = names.index(NEW_COMPANY)
    assert (
        "Nothing missing." in advisor.page.locator("main section.card").nth(position).inner_text()
    )
    assert all(not missing for _name, missing in sections[position:])

    # The company nobody assigned to him does not exist, as far as he can tell.
    _goto_not_found(advisor, f"/companies/{orphan.pk}/", "advisor-orphan-404")
    _goto_not_found(advisor, f"/companies/{orphan.pk}/units/")
