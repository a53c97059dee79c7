"""The second half of the selection, in a real browser: the candidate has agreed to meet the
company (the first half, in test_matching_journey.py, is set up here through the services). The
company, now seeing the name, proposes two interview times in Italian time; the candidate, reading
French, sees them in Moroccan time, picks one and gets the invitation as an .ics; after the
interview the company records it and sends an improved offer (only once the three
ethical-recruitment gates are open); the candidate reads the terms in French, and in Arabic on a
phone, and accepts; IOM sees one more of the scheme's places taken."""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import formats, timezone, translation
from icalendar import Calendar

from demo.seed import DEMO_PASSWORD
from tests.e2e.test_journeys import sign_in
from tests.e2e.test_matching_journey import (
    PHONE,
    _assert_fits,
    _assert_within_screen,
    _in,
    _main,
    _open_from_menu,
    _switch_language,
)
from tests.factories import TOTP_SECRET

pytestmark = pytest.mark.e2e

COMPANY = "Officine Brembane S.r.l."
COMPANY_LOGIN = "selezione@brembane.example"
IOM_LOGIN = "coordination@iom.example"
ITALY, MOROCCO = ZoneInfo("Europe/Rome"), ZoneInfo("Africa/Casablanca")
VIDEO_LINK = "https://meet.example.org/brembane-colloquio"
GUIDANCE = "Please have your training certificate at hand and test your camera beforehand."


@dataclass
class Agreed:
    company_user: object
    company: object
    vacancy: object
    candidate: object
    application: object
    iom_user: object


@pytest.fixture
def agreed(reference_data) -> Agreed:
    """A verified company in Bergamo that has signed the employer-pays statement in force (its
    user has not done the ethical-recruitment training yet), a published vacancy at 1950 € a
    month, and a candidate who reads French and has agreed to meet it; IOM's coordinator."""
    from companies.models import Attestation, Company
    from companies.services import current_statement
    from matching.services import application_answer, application_shortlist
    from tests.factories import (
        CandidateFactory,
        OrganisationFactory,
        candidate_user,
        company_profile,
        member,
    )
    from tests.matching.conftest import make_available, make_vacancy, result

    user = member(
        "company",
        email=COMPANY_LOGIN,
        full_name="Chiara Pesenti",
        password=DEMO_PASSWORD,
        organisation=OrganisationFactory(kind="company", name=COMPANY, city="Bergamo"),
    )
    company = company_profile(user.organisation, 4077002)
    Company.objects.filter(pk=company.pk).update(status=Company.Status.VERIFIED)
    company.refresh_from_db()
    Attestation.objects.create(company=company, statement=current_statement(), signed_by=user)
    vacancy = make_vacancy(
        company,
        required=["MEC-PLC", "MEC-PNH"],
        title="Tecnico manutentore meccatronico",
        gross_monthly_pay="1950.00",
        # The job starts a month after the interview (see _interview_day).
        start_date=_interview_day() + datetime.timedelta(days=30),
    )
    centre = OrganisationFactory(
        kind="training_centre", name="Centre de formation de Settat", city="Settat", country="MA"
    )
    login = "salma.idrissi@example.org"
    candidate = CandidateFactory(
        training_centre=centre,
        user=candidate_user(
            email=login, full_name="Salma Idrissi", password=DEMO_PASSWORD, language="fr"
        ),
        first_name="Salma",
        last_name="Idrissi",
        phone="+212664567890",
        email=login,
    )
    result(candidate, "MEC-PLC", score=90)
    result(candidate, "MEC-PNH", score=84)
    result(candidate, "ITA", level="B1")
    make_available(
        candidate,
        years_experience=4,
        earliest_start=timezone.localdate() + datetime.timedelta(days=30),
    )
    application = application_shortlist(vacancy=vacancy, candidate=candidate, by=user)
    application = application_answer(application=application, agree=True, by=candidate.user)
    iom_user = member(
        "iom",
        email=IOM_LOGIN,
        full_name="Leila Amrani",
        password=DEMO_PASSWORD,
        organisation=OrganisationFactory(kind="iom", name="OIM Maroc", city="Rabat", country="MA"),
    )
    return Agreed(user, company, vacancy, candidate, application, iom_user)


def _interview_day() -> datetime.date:
    """The first day a week or more ahead on which Italian and Moroccan clocks differ (Italian
    summer time, or Ramadan, when Morocco is on UTC): on other days they read the same, and a
    page showing Italian time as Moroccan would pass unnoticed."""
    start = timezone.localdate() + datetime.timedelta(days=7)
    for offset in range(400):
        day = start + datetime.timedelta(days=offset)
        noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=ITALY)
        if noon.utcoffset() != noon.astimezone(MOROCCO).utcoffset():
            return day
    raise AssertionError("Italian and Moroccan clocks read the same all year")


def _short(moment: datetime.datetime, zone: ZoneInfo, language: str) -> str:
    """A time as the portal's pages write it, in `zone` and `language`."""
    with translation.override(language):
        return formats.date_format(moment.astimezone(zone), "SHORT_DATETIME_FORMAT")


def _words(text: str) -> str:
    """Text with its spaces (French typography's no-break ones too) made plain and single."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()


def _terms(section) -> dict[str, str]:
    """A definition list's terms and values, as read."""
    labels = [_words(t) for t in section.locator("dt").all_inner_texts()]
    values = [_words(v) for v in section.locator("dd").all_inner_texts()]
    assert len(labels) == len(values)
    return dict(zip(labels, values, strict=True))


def _submit(tab, name: str, scope=None) -> None:
    """Click the button called `name` (in `scope`, else the main part) and wait for the page."""
    (scope or tab.page.locator("main")).get_by_role("button", name=name, exact=True).click()
    tab.page.wait_for_load_state("load")


def test_a_company_interviews_the_candidate_who_agreed_and_its_offer_takes_one_place(visit, agreed):
    from accounts.models import User
    from matching.models import Application, InterviewSlot, Offer

    candidate, vacancy, application = agreed.candidate, agreed.vacancy, agreed.application
    day = _interview_day()
    first = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=ITALY)
    second = datetime.datetime.combine(day, datetime.time(15, 30), tzinfo=ITALY)

    # --- 1. The company opens the application from "Applications": the candidate's name is
    # there now; it proposes two times, Italian time, by video call, with guidance.
    company = visit()
    page = company.page
    sign_in(company, COMPANY_LOGIN)
    _open_from_menu(company, "Applications")
    page.get_by_role("table", name="Applications").get_by_role("link", name=candidate.code).click()
    page.wait_for_load_state("load")
    assert page.url == f"{company.base_url}{application.get_absolute_url()}"
    heading = _words(page.locator("main h1").inner_text())
    assert heading == f"{candidate.first_name} {candidate.last_name} · {candidate.code}"
    assert "Agreed to meet" in _main(page)
    company.check("selection-application-agreed")

    propose = page.locator("form[action$='/interview/']")
    propose.get_by_label("First time (Italian time)").fill(first.strftime("%Y-%m-%dT%H:%M"))
    propose.get_by_label("Second time (optional)").fill(second.strftime("%Y-%m-%dT%H:%M"))
    assert propose.get_by_label("Length (minutes)").input_value() == "45"
    propose.get_by_role("combobox", name="How", exact=True).select_option("video")
    propose.get_by_label("Video-call link").fill(VIDEO_LINK)
    propose.get_by_label("Guidance for the candidate").fill(GUIDANCE)
    _submit(company, "Send the times to the candidate", propose)
    assert "The times have been sent to the candidate." in _main(page), _main(page)
    interview_part = page.get_by_role("region", name="Interview", exact=True)
    told = interview_part.inner_text()
    assert "Times in Italian time." in told
    assert _short(first, ITALY, "en") in told and _short(second, ITALY, "en") in told
    assert GUIDANCE in told
    company.check("selection-interview-proposed")
    application.refresh_from_db()
    assert application.status == Application.Stage.INTERVIEW_PROPOSED

    # --- 2. The candidate, who reads French, finds the request under "Job opportunities" and
    # reads the times in Moroccan time.
    person = visit()
    mine = person.page
    sign_in(person, candidate.user.email)
    assert mine.locator("html").get_attribute("lang") == "fr"
    _open_from_menu(person, "Job opportunities", "fr")
    mine.get_by_role("link", name=f"{COMPANY} — {vacancy.title}").click()
    mine.wait_for_load_state("load")
    assert mine.url == f"{person.base_url}/matching/me/{application.pk}/"
    yours = mine.get_by_role("region", name=_in("fr", "Your interview"), exact=True)
    choose = yours.get_by_role("group", name=_in("fr", "Choose a time (Moroccan time)"))
    offered = [_words(t) for t in choose.locator("label").all_inner_texts()]
    in_morocco = _short(second, MOROCCO, "fr")
    assert offered == [_short(first, MOROCCO, "fr"), in_morocco]
    # The hour the candidate reads is the Italian one on Moroccan clocks (not the same hour, on
    # this day: see _interview_day).
    hour = int(in_morocco.split()[-1].split(":")[0])
    assert hour == second.astimezone(MOROCCO).hour != second.hour
    assert GUIDANCE in yours.inner_text()
    person.check("selection-interview-times-fr")

    mail.outbox.clear()
    choose.get_by_label(in_morocco, exact=True).check()
    _submit(person, _in("fr", "This time suits me"), yours)
    assert _in("fr", "Your interview is set. The invitation has been e-mailed to you.") in _main(
        mine
    ), _main(mine)
    yours = mine.get_by_role("region", name=_in("fr", "Your interview"), exact=True)
    assert in_morocco in _words(yours.inner_text())
    assert yours.get_by_role("link", name=VIDEO_LINK).is_visible()
    person.check("selection-interview-set-fr")
    application.refresh_from_db()
    assert application.status == Application.Stage.INTERVIEW_SCHEDULED

    # The e-mail the candidate got carries the invitation, at the chosen time (in UTC).
    (invitation,) = [
        m
        for m in mail.outbox
        if m.to == [candidate.user.email] and any(a[0] == "interview.ics" for a in m.attachments)
    ]
    ics = next(a for a in invitation.attachments if a[0] == "interview.ics")
    assert ics[2].startswith("text/calendar")
    (event,) = Calendar.from_ical(ics[1]).walk("VEVENT")
    starts = event.decoded("dtstart")
    assert starts == second and starts.utcoffset() == datetime.timedelta(0)
    assert str(event.get("location")) == VIDEO_LINK
    # The page's own link gives the same event.
    link = yours.get_by_role("link", name=_in("fr", "Add to my calendar (.ics)"))
    download = mine.request.get(person.base_url + link.get_attribute("href"))
    assert download.ok and download.headers["content-type"].startswith("text/calendar")
    (linked,) = Calendar.from_ical(download.body()).walk("VEVENT")
    assert linked.decoded("dtstart") == second and str(linked["uid"]) == str(event["uid"])

    # The company's page has the time she chose, in Italian time.
    company.goto(application.get_absolute_url())
    interview_part = page.get_by_role("region", name="Interview", exact=True)
    told = _words(interview_part.inner_text())
    assert "Scheduled" in told and "Times in Italian time." in told
    assert f"{_short(second, ITALY, 'en')} · 45 minutes" in told
    assert interview_part.get_by_role("link", name=VIDEO_LINK).is_visible()

    # --- 3. The interview takes place. (The portal records an interview as held only once its
    # time has passed: the test moves the chosen time two hours into the past rather than wait.)
    interview = application.interviews.get()
    assert interview.chosen.starts_at == second
    took_place = (timezone.now() - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    InterviewSlot.objects.filter(pk=interview.chosen_id).update(starts_at=took_place)
    company.goto(application.get_absolute_url())
    interview_part = page.get_by_role("region", name="Interview", exact=True)
    interview_part.get_by_label("How it went (for your records)").fill(
        "Good technical answers; clear Italian."
    )
    _submit(company, "Record that it took place", interview_part)
    assert "The interview is recorded." in _main(page), _main(page)
    # What the company's page says of the interview it held (checked at the end of the journey,
    # so that a problem there does not hide the steps after it).
    held = _words(page.get_by_role("region", name="Interview", exact=True).inner_text())
    application.refresh_from_db()
    assert application.status == Application.Stage.INTERVIEWED

    # The offer's form starts from the vacancy's terms; the company raises the pay.
    offer_part = page.get_by_role("region", name="Offer", exact=True)
    assert "500 places are left in the scheme." in offer_part.inner_text()
    assert offer_part.get_by_label("Job title").input_value() == vacancy.title
    pay = offer_part.get_by_label("Gross monthly pay (EUR)")
    assert pay.input_value() == "1950.00"
    assert offer_part.get_by_label("Hours per week").input_value() == str(vacancy.hours_per_week)
    assert offer_part.get_by_label("Housing").input_value() == vacancy.housing
    start = offer_part.get_by_label("Start date")
    assert start.input_value() == vacancy.start_date.isoformat()
    company.check("selection-offer-form")
    pay.fill("2100.00")
    _submit(company, "Prepare the offer", offer_part)
    assert "The offer is ready to be sent." in _main(page), _main(page)
    offer = Offer.objects.get(application=application)
    assert offer.status == Offer.Status.DRAFT and str(offer.gross_monthly_pay) == "2100.00"

    # The company user has not done the ethical-recruitment training: the page says what is
    # missing and how to clear it, and offers no way to send.
    offer_part = page.get_by_role("region", name="Offer", exact=True)
    gates = offer_part.get_by_role("status").filter(has_text="The offer cannot be sent yet:")
    assert gates.is_visible()
    assert gates.locator("li").all_inner_texts() == [
        "You have not completed the ethical-recruitment training: once you have, IOM records "
        "it on your account."
    ]
    send = page.get_by_role("button", name="Send the offer to the candidate")
    assert send.count() == 0
    company.check("selection-offer-gate-training")

    # IOM records the training (on the user's account); the gate opens.
    User.objects.filter(pk=agreed.company_user.pk).update(
        ethical_training_completed_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    company.goto(application.get_absolute_url())
    assert page.get_by_text("The offer cannot be sent yet:").count() == 0
    _submit(company, "Send the offer to the candidate")
    assert "The offer has been sent; the candidate has been told." in _main(page), _main(page)
    offer_part = page.get_by_role("region", name="Offer", exact=True)
    italian = _terms(offer_part)
    assert italian[_in("it", "Gross monthly pay")] == "2.100,00 €"
    assert italian[_in("it", "Job")] == vacancy.title
    assert (
        page.get_by_role("region", name="Interview", exact=True)
        .get_by_text("Good technical answers; clear Italian.")
        .is_visible()
    )
    company.check("selection-company-application-offer-sent")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SENT

    # --- 4. The candidate reads the offer in French: French labels, French numbers and dates.
    person.goto(f"/matching/me/{application.pk}/")
    the_offer = mine.get_by_role("region", name=_in("fr", "The offer"), exact=True)
    french = _terms(the_offer)
    assert french["Salaire brut mensuel"] == "2 100,00 €"
    assert french[_in("fr", "Employer")] == COMPANY
    assert french[_in("fr", "Job")] == vacancy.title
    assert french[_in("fr", "Hours per week")] == str(vacancy.hours_per_week)
    assert french[_in("fr", "Start date")] == vacancy.start_date.strftime("%d/%m/%Y")
    assert list(french)[:2] == [_in("fr", "Employer"), _in("fr", "Job")]
    accept = the_offer.get_by_role("button", name=_in("fr", "I accept this offer"))
    assert accept.is_visible()
    person.check("selection-offer-fr")

    # The same offer in Arabic on a phone (the candidate's other device): right to left, nothing
    # off the screen, the pay in Arabic's own format.
    phone = visit(width=PHONE, height=800)
    small = phone.page
    sign_in(phone, candidate.user.email)
    _switch_language(phone, "ar")
    phone.goto(f"/matching/me/{application.pk}/")
    assert small.locator("html").get_attribute("dir") == "rtl"
    arabic = small.get_by_role("region", name=_in("ar", "The offer"), exact=True)
    assert arabic.evaluate("(el) => getComputedStyle(el).direction") == "rtl"
    arabic_terms = _terms(arabic)
    assert "2100" in arabic_terms[_in("ar", "Gross monthly pay")]
    _assert_fits(small)
    _assert_within_screen(arabic.get_by_role("button", name=_in("ar", "I accept this offer")))
    _assert_within_screen(arabic.get_by_role("button", name=_in("ar", "I decline this offer")))
    phone.check("selection-offer-ar-375")

    # She accepts on the French page she read.
    accept.click()
    mine.wait_for_load_state("load")
    said = _words(_main(mine))
    assert (
        _words(
            _in(
                "fr",
                "You have accepted the offer. Congratulations! Your journey to Italy starts "
                "now: the next steps will be on this portal.",
            )
        )
        in said
    ), said
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED and offer.accepted_language == "fr"
    accepted_on = _words(
        _in("fr", "You accepted this offer on %(date)s.")
        % {"date": _short(offer.decided_at, ITALY, "fr")}
    )
    the_offer = mine.get_by_role("region", name=_in("fr", "The offer"), exact=True)
    assert accepted_on in _words(the_offer.inner_text())
    assert the_offer.get_by_role("button").count() == 0
    assert _terms(the_offer)["Salaire brut mensuel"] == "2 100,00 €"
    person.check("selection-offer-accepted-fr")
    application.refresh_from_db()
    assert application.status == Application.Stage.ACCEPTED

    # --- 5. IOM (password and authenticator code) sees one more of the 500 places taken, in
    # Lombardia, by this company.
    iom = visit()
    sign_in(iom, IOM_LOGIN, TOTP_SECRET)
    quota = iom.page.get_by_role("region", name="The 500-worker quota", exact=True)
    assert "1 of 500 places taken; 499 left." in quota.inner_text()
    regions = quota.get_by_role("table", name="Places taken by region")
    rows = [
        [_words(c) for c in row.locator("td").all_inner_texts()]
        for row in regions.locator("tbody tr").all()
    ]
    assert rows == [["Lombardia", "1", "—"], ["Emilia-Romagna", "0", "—"], ["Veneto", "0", "—"]]
    by_company = quota.get_by_role("table", name="Places taken by company")
    assert [_words(c) for c in by_company.locator("tbody td").all_inner_texts()] == [COMPANY, "1"]
    iom.check("selection-iom-home")

    # --- What people see, checked last so that a problem here hides no step before it.
    seen = []
    # The company's record of the interview it held says when it was (the page says "Times in
    # Italian time." above it).
    if _short(took_place, ITALY, "en") not in held:
        seen.append(f"the held interview's time is not on the company's page: {held!r}")
    # IOM's home fits a 1280 px screen: its menu, the longest, stays on the screen.
    wide = iom.page.evaluate("() => document.documentElement.scrollWidth")
    if wide > 1280:
        seen.append(f"IOM's home is {wide}px wide on a 1280px screen")
    assert not seen, "\n".join(seen)


def test_a_company_moves_a_set_interview_and_the_candidate_reads_the_new_time(visit, agreed):
    from matching.services import interview_choose, interview_propose

    candidate, application = agreed.candidate, agreed.application
    day = _interview_day()
    first = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=ITALY)
    moved = datetime.datetime.combine(day, datetime.time(16, 0), tzinfo=ITALY)
    interview = interview_propose(
        application=application,
        times=[first],
        mode="video",
        video_link=VIDEO_LINK,
        by=agreed.company_user,
    )
    interview_choose(interview=interview, slot_id=interview.slots.get().pk, by=candidate.user)

    # --- The company moves it with the "Move the interview" form.
    company = visit()
    page = company.page
    sign_in(company, COMPANY_LOGIN)
    company.goto(application.get_absolute_url())
    move = page.locator("form[action$='/reschedule/']")
    move.get_by_label("New time (Italian time)").fill(moved.strftime("%Y-%m-%dT%H:%M"))
    mail.outbox.clear()
    _submit(company, "Move it", move)
    assert "The interview has moved; the candidate has been told." in _main(page), _main(page)
    told = _words(page.get_by_role("region", name="Interview", exact=True).inner_text())
    assert _short(moved, ITALY, "en") in told
    company.check("selection-interview-moved")
    (update,) = [m for m in mail.outbox if m.to == [candidate.user.email]]
    (event,) = Calendar.from_ical(update.attachments[0][1]).walk("VEVENT")
    assert event.decoded("dtstart") == moved and int(event["sequence"]) == 1

    # --- The candidate reads the new time, in Moroccan time.
    person = visit()
    sign_in(person, candidate.user.email)
    person.goto(f"/matching/me/{application.pk}/")
    yours = person.page.get_by_role("region", name=_in("fr", "Your interview"), exact=True)
    assert _short(moved, MOROCCO, "fr") in _words(yours.inner_text())
    person.check("selection-interview-moved-fr")
