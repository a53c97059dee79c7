"""The selection journeys: a verified company finds candidates by their code, filters them, reads
why each scores what it does, and asks the best one to meet it; the candidate reads the request
in Arabic on a phone and agrees, and only then does the company see their name and phone. A
candidate who declines stays a code. The score's rule reads in Italian and in Arabic."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from demo.seed import DEMO_PASSWORD
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

COMPANY = "Officine Brembane S.r.l."
COMPANY_LOGIN = "selezione@brembane.example"
PHONE = 375  # px: a small phone's width


@dataclass
class Selection:
    company_user: object
    vacancy: object
    best: object  # Italian B2, the best results: first in the list
    second: object  # Italian B1
    below_b1: object  # Italian A2: the strongest modules, but not "Italian at least B1"

    @property
    def candidates(self):
        return (self.best, self.second, self.below_b1)


def _in(language: str, text: str) -> str:
    """`text` as the portal shows it in `language` (its catalogue must translate it)."""
    with translation.override(language):
        translated = gettext(text)
    assert language == "en" or translated != text, f"{text!r} is not translated into {language}"
    return translated


def _candidate(centre, first, last, *, login, plc, pnh, italian, years, phone):
    from tests.factories import CandidateFactory, candidate_user
    from tests.matching.conftest import make_available, result

    user = candidate_user(
        email=login, full_name=f"{first} {last}", password=DEMO_PASSWORD, language="en"
    )
    candidate = CandidateFactory(
        training_centre=centre,
        user=user,
        first_name=first,
        last_name=last,
        phone=phone,
        email=login,
    )
    result(candidate, "MEC-PLC", score=plc)
    result(candidate, "MEC-PNH", score=pnh)
    result(candidate, "ITA", level=italian)
    return make_available(
        candidate,
        years_experience=years,
        earliest_start=timezone.localdate() + datetime.timedelta(days=30),
    )


@pytest.fixture
def selection(reference_data) -> Selection:
    """A verified company in Bergamo with a published vacancy (two required modules, Italian at
    least A2), and three available candidates of a Moroccan centre, each with a login."""
    from companies.models import Company
    from tests.factories import OrganisationFactory, company_profile, member
    from tests.matching.conftest import make_vacancy

    user = member(
        "company",
        email=COMPANY_LOGIN,
        full_name="Chiara Pesenti",
        password=DEMO_PASSWORD,
        organisation=OrganisationFactory(kind="company", name=COMPANY, city="Bergamo"),
    )
    company = company_profile(user.organisation, 4077001)
    Company.objects.filter(pk=company.pk).update(status=Company.Status.VERIFIED)
    company.refresh_from_db()
    vacancy = make_vacancy(
        company,
        required=["MEC-PLC", "MEC-PNH"],
        title="Tecnico manutentore meccatronico",
        gross_monthly_pay="1950.00",
    )
    centre = OrganisationFactory(
        kind="training_centre", name="Centre de formation de Settat", city="Settat", country="MA"
    )
    return Selection(
        company_user=user,
        vacancy=vacancy,
        best=_candidate(
            centre,
            "Nadia",
            "Benkirane",
            login="nadia.benkirane@example.org",
            plc=92,
            pnh=88,
            italian="B2",
            years=5,
            phone="+212661234567",
        ),
        second=_candidate(
            centre,
            "Karim",
            "Ouazzani",
            login="karim.ouazzani@example.org",
            plc=78,
            pnh=72,
            italian="B1",
            years=2,
            phone="+212662345678",
        ),
        below_b1=_candidate(
            centre,
            "Omar",
            "Lahlou",
            login="omar.lahlou@example.org",
            plc=95,
            pnh=90,
            italian="A2",
            years=8,
            phone="+212663456789",
        ),
    )


def _switch_language(tab, code: str) -> None:
    """The header's language switch, found by its place (its labels are in the current language)."""
    page = tab.page
    page.locator("#language-select").select_option(code)
    page.locator("form[action$='/i18n/setlang/'] button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == code
    tab.check()


def _open_from_menu(tab, label: str, language: str = "en") -> None:
    """Click `label` in the main navigation, opening the menu first where it is folded (phones)."""
    page = tab.page
    nav = page.get_by_role("navigation", name=_in(language, "Main navigation"))
    toggler = nav.get_by_role("button", name=_in(language, "Show or hide the menu"))
    if toggler.is_visible():
        toggler.click()
    link = nav.get_by_role("link", name=_in(language, label), exact=True)
    link.click()
    page.wait_for_load_state("load")
    tab.check()


def _main(page) -> str:
    """The main part's text as read (without the invisible isolates around names)."""
    return page.locator("main").inner_text().replace("\u2068", "").replace("\u2069", "")


def _card(page, code: str):
    return page.locator("main li.card").filter(has=page.get_by_role("heading", name=code))


def _codes(page) -> list[str]:
    return [h.strip() for h in page.locator("main li.card h2").all_inner_texts()]


def _assert_no_identity(page, *candidates) -> None:
    """Nothing on the page names or reaches these candidates."""
    html = page.content()
    for candidate in candidates:
        for secret in (candidate.first_name, candidate.last_name, candidate.phone[4:]):
            assert secret not in html, f"{secret!r} is on {page.url}"
        assert candidate.email not in html, f"{candidate.email!r} is on {page.url}"


def _assert_fits(page, width: int = PHONE) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px screen"


def _assert_within_screen(locator, width: int = PHONE) -> None:
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (
        f"{locator} runs off a {width}px screen: {box}"
    )


def test_a_company_finds_candidates_by_code_and_sees_the_name_only_once_one_agrees_in_arabic(
    visit, selection
):
    from matching.models import Application

    best, second, below_b1 = selection.candidates
    vacancy = selection.vacancy

    # --- The company signs in and opens "Find candidates": ranked for its vacancy, by code.
    company = visit()
    page = company.page
    sign_in(company, COMPANY_LOGIN)
    _open_from_menu(company, "Find candidates")
    assert page.url.startswith(f"{company.base_url}/matching/candidates/")
    assert page.get_by_label("Rank for the vacancy").input_value() == str(vacancy.pk)
    assert set(_codes(page)) == {best.code, second.code, below_b1.code}
    _assert_no_identity(page, *selection.candidates)
    company.check("matching-search")

    # --- Italian at least B1: the A2 candidate goes, the best one leads.
    page.get_by_label("Italian at least").select_option("B1")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state("load")
    assert "italian=B1" in page.url
    assert _codes(page) == [best.code, second.code]
    assert "2 candidates match." in _main(page)
    _assert_no_identity(page, *selection.candidates)
    company.check("matching-search-italian-b1")

    # --- The first card's score, explained factor by factor; the lines add up to it.
    card = _card(page, best.code)
    score = int(card.locator(".badge").first.inner_text().split("/")[0])
    why = card.get_by_text(f"Why {score}/100 for {best.code}")
    table = card.get_by_role("table", name=f"The match score of {best.code}, factor by factor")
    assert not table.is_visible()
    why.click()
    assert table.is_visible()
    rows = table.locator("tbody tr")
    factors = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert factors == ["Required modules", "Italian", "Occupation", "Experience", "Region", "Start"]
    points = [
        int(rows.nth(i).locator("td").nth(1).inner_text().split("/")[0])
        for i in range(rows.count())
    ]
    assert sum(points) == score
    company.check("matching-search-score-explained")

    # --- The company asks that candidate to meet it; the list it filtered comes back, the card
    # now says the candidate is on its list, and no button asks them twice.
    ask = card.get_by_role("button", name=f"Ask {best.code} to meet you")
    ask.click()
    page.wait_for_load_state("load")
    assert "italian=B1" in page.url
    assert f"{best.code} has been asked whether they agree to meet you" in _main(page)
    card = _card(page, best.code)
    assert card.get_by_text("On your list for this vacancy").is_visible()
    assert card.get_by_role("button", name=f"Ask {best.code} to meet you").count() == 0
    second_ask = _card(page, second.code).get_by_role(
        "button", name=f"Ask {second.code} to meet you"
    )
    assert second_ask.is_visible()
    _assert_no_identity(page, *selection.candidates)
    company.check("matching-search-asked")
    application = Application.objects.get(vacancy=vacancy, candidate=best)
    assert application.status == Application.Stage.SHORTLISTED

    # --- The same search in Arabic on a phone: right to left, nothing off the screen.
    _switch_language(company, "ar")
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.reload()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert _codes(page) == [best.code, second.code]
    _assert_fits(page)
    _card(page, best.code).locator("summary").click()
    _assert_fits(page)
    company.check("matching-search-ar-375")
    _switch_language(company, "en")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Until the candidate answers, the application shows a code, no name.
    company.goto(application.get_absolute_url())
    _assert_no_identity(page, best)
    assert "shown here once they agree to meet your company" in _main(page)

    # --- The candidate, reading Arabic on a phone, finds the request in the menu.
    person = visit(width=PHONE, height=800)
    phone = person.page
    sign_in(person, best.user.email)
    _switch_language(person, "ar")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    _open_from_menu(person, "Job opportunities", "ar")
    assert phone.url == f"{person.base_url}/matching/me/"
    assert phone.get_by_role(
        "heading", name=_in("ar", "Companies that want to meet you")
    ).is_visible()
    _assert_fits(phone)
    person.check("matching-my-applications-ar-375")
    phone.get_by_role("link", name=f"{COMPANY} — {vacancy.title}").click()
    phone.wait_for_load_state("load")
    assert phone.url == f"{person.base_url}/matching/me/{application.pk}/"

    # The job's terms, right to left, within the screen.
    assert phone.locator("html").get_attribute("dir") == "rtl"
    terms = phone.get_by_role("region", name=_in("ar", "The job"))
    assert terms.evaluate("(el) => getComputedStyle(el).direction") == "rtl"
    text = terms.inner_text()
    for term in ("Job", "Place of work", "Contract", "Gross monthly pay", "Start date"):
        assert _in("ar", term) in text
    assert vacancy.title in text and "Comune" in text and "1950" in text.replace(".", "")
    _assert_fits(phone)
    agree = phone.get_by_role("button", name=_in("ar", "Yes, I agree to meet this company"))
    decline = phone.get_by_role("button", name=_in("ar", "No, thank you"))
    _assert_within_screen(agree)
    _assert_within_screen(decline)
    # Who asks, in the sentence above the terms (checked at the end of the journey, so that a
    # problem there does not hide the steps after it).
    request_sentence = phone.locator("main .alert-info").inner_html()
    person.check("matching-request-ar-375")

    # --- The candidate agrees.
    agree.click()
    phone.wait_for_load_state("load")
    assert _in(
        "ar", "Thank you: the company now knows your name and can propose an interview."
    ) in _main(phone)
    assert _in("ar", "Agreed to meet") in phone.locator("main .badge").first.inner_text()
    assert agree.count() == 0
    _assert_fits(phone)
    person.check("matching-request-agreed-ar-375")
    application.refresh_from_db()
    assert application.status == Application.Stage.AGREED

    # --- The company opens the application from "Applications": now with the name and phone.
    _open_from_menu(company, "Applications")
    listed = page.get_by_role("table", name="Applications")
    listed.get_by_role("link", name=best.code).click()
    page.wait_for_load_state("load")
    assert page.url == f"{company.base_url}{application.get_absolute_url()}"
    heading = page.locator("main h1").inner_text()
    assert best.first_name in heading and best.last_name in heading and best.code in heading
    contact = page.get_by_role("region", name="Contact")
    assert best.phone in contact.inner_text() and best.email in contact.inner_text()
    assert "Agreed to meet" in _main(page)
    # Only the candidate who agreed: the others stay codes.
    _assert_no_identity(page, second, below_b1)
    company.check("matching-application-agreed")

    # In the Arabic sentence that tells the candidate who asks, the company's Latin name is
    # isolated (as <bdi> or U+2068...U+2069, like every other name on the portal's pages): without
    # it the final period of "S.r.l." leaves the name and lands on its other side.
    assert f"<bdi>{COMPANY}</bdi>" in request_sentence or (
        f"\u2068{COMPANY}\u2069" in request_sentence
    ), f"the company's name is not isolated in the Arabic request: {request_sentence!r}"


def test_a_candidate_who_declines_stays_a_code_to_the_company(visit, selection):
    from matching.models import Application
    from matching.services import application_shortlist

    candidate = selection.second
    application = application_shortlist(
        vacancy=selection.vacancy, candidate=candidate, by=selection.company_user
    )

    # --- The candidate reads the request and declines.
    person = visit()
    page = person.page
    sign_in(person, candidate.user.email)
    _open_from_menu(person, "Job opportunities")
    page.get_by_role("link", name=f"{COMPANY} — {selection.vacancy.title}").click()
    page.wait_for_load_state("load")
    assert f"{COMPANY} would like to meet you for the job below." in _main(page)
    person.check("matching-request")
    page.get_by_role("button", name="No, thank you").click()
    page.wait_for_load_state("load")
    assert "Thank you: the company has been told, without any reason." in _main(page)
    assert page.get_by_role("button", name="Yes, I agree to meet this company").count() == 0
    person.check("matching-request-declined")
    application.refresh_from_db()
    assert application.status == Application.Stage.MEETING_DECLINED

    # --- The company is told (by code), and opens the application from the notification: still a
    # code, no name, no phone, in any part of the page.
    company = visit()
    page = company.page
    sign_in(company, COMPANY_LOGIN)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Notifications"
    ).click()
    page.wait_for_load_state("load")
    # Written in the language the company reads (its people chose none: Italian).
    language = selection.company_user.reading_language
    subject = _in(language, "%(code)s will not go on") % {"code": candidate.code}
    told = page.get_by_role("link", name=subject)
    assert told.is_visible(), _main(page)
    _assert_no_identity(page, candidate)
    company.check("matching-company-told-declined")
    told.click()
    page.wait_for_url(f"{company.base_url}{application.get_absolute_url()}")
    assert page.locator("main h1").inner_text().strip() == candidate.code
    assert "Declined to meet" in _main(page)
    assert "shown here once they agree to meet your company" in _main(page)
    assert page.get_by_role("region", name="Contact").count() == 0
    company.check("matching-application-declined")
    history = page.get_by_role("region", name="History").inner_text()
    assert candidate.first_name not in history and candidate.last_name not in history, (
        f"the history names the candidate who declined: {history!r}"
    )
    _assert_no_identity(page, *selection.candidates)

    # The list of applications: the answer, by code.
    _open_from_menu(company, "Applications")
    listed = page.get_by_role("table", name="Applications")
    row = listed.get_by_role("row").filter(has=page.get_by_role("link", name=candidate.code))
    assert "Declined to meet" in row.inner_text()
    _assert_no_identity(page, *selection.candidates)


def test_the_score_rule_reads_in_italian_and_in_arabic(visit, selection):
    tab = visit()
    page = tab.page
    sign_in(tab, COMPANY_LOGIN)
    _switch_language(tab, "it")
    _open_from_menu(tab, "Find candidates", "it")
    page.get_by_role("link", name=_in("it", "How the match score works")).click()
    page.wait_for_load_state("load")
    assert page.url == f"{tab.base_url}/matching/score/"
    title = _in("it", "How the match score works")
    assert page.get_by_role("heading", level=1).inner_text() == title
    rule = page.get_by_role(
        "table", name=_in("it", "The factors of the match score and their points")
    )
    points = [int(p) for p in rule.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert points == [40, 20, 10, 10, 10, 10] and sum(points) == 100
    assert _in("it", "Required modules") in rule.inner_text()
    tab.check("matching-score-help-it")

    _switch_language(tab, "ar")
    assert page.url == f"{tab.base_url}/matching/score/"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == _in(
        "ar", "How the match score works"
    )
    rule = page.get_by_role(
        "table", name=_in("ar", "The factors of the match score and their points")
    )
    assert _in("ar", "Required modules") in rule.inner_text()
    tab.check("matching-score-help-ar")
    page.set_viewport_size({"width": PHONE, "height": 800})
    _assert_fits(page)
    tab.check("matching-score-help-ar-375")
