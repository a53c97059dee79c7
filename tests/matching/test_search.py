"""Companies searching for candidates: who sees what, the filters, the ranking, its cost."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from candidates.models import Candidate, Occupation
from companies.models import Company
from matching.models import SEARCH_PAGES
from thamm.models import AuditEntry

from ..factories import CandidateFactory
from .conftest import make_available, make_vacancy, result

pytestmark = pytest.mark.django_db
URL = reverse("matching:search")


def _available(world, *, plc=80, italian="B1", **fields):
    candidate = CandidateFactory(training_centre=world.centre_org, **fields)
    result(candidate, "MEC-PLC", score=plc)
    result(candidate, "MEC-PNH", score=70)
    result(candidate, "ITA", level=italian)
    return make_available(candidate)


def _codes(response) -> list[str]:
    return [card.code for card in response.context["cards"]]


@pytest.fixture
def company(client_for, vacancy):
    return client_for("company")


def test_a_company_not_verified_yet_is_told_what_verification_brings(world, client_for):
    _available(world)
    response = client_for("company").get(URL)
    assert response.status_code == 200
    assert "Trained candidates are shown to verified companies" in response.content.decode()
    assert "cards" not in response.context


def test_the_company_sees_no_name_number_contact_or_birth_date(world, company, vacancy):
    marked = _available(
        world,
        first_name="MARKERFIRST",
        last_name="MARKERLAST",
        first_name_ar="مرقمأول",
        last_name_ar="مرقمأخير",
        cin="MK999999",
        passport_number="MARK12345",
        passport_expiry=datetime.date(2030, 1, 1),
        phone="+212699999999",
        email="marker@example.org",
        date_of_birth=datetime.date(1991, 7, 23),
    )
    Candidate.objects.filter(pk=marked.pk).update(reference="C-MRKMRK")
    response = company.get(URL, {"vacancy": vacancy.pk})
    html = response.content.decode()
    assert marked.code in html
    card = response.context["cards"][0]
    assert (card.name, card.reference, card.pk) == ("", "", None)
    for secret in (
        "MARKER",
        "مرقم",
        "MK999999",
        "MARK12345",
        "699999999",
        "marker@example.org",
        "C-MRKMRK",
        "1991",
        formats.date_format(marked.date_of_birth, "SHORT_DATE_FORMAT"),
        formats.date_format(marked.passport_expiry, "SHORT_DATE_FORMAT"),
        f"/candidates/{marked.pk}/",
    ):
        assert secret not in html, secret
    assert "30–34" in html or "35–39" in html  # the age band, not the age


def test_only_available_candidates_are_found(world, company, vacancy):
    shown = _available(world)
    hidden = [
        _available(world),  # then withdraws consent
        CandidateFactory(training_centre=world.centre_org, status="certified"),
        CandidateFactory(training_centre=world.centre_org, status="selected"),
    ]
    Candidate.objects.filter(pk=hidden[0].pk).update(status="certified", profile_shared=False)
    assert _codes(company.get(URL, {"vacancy": vacancy.pk})) == [shown.code]


def test_candidates_come_best_first_and_the_page_explains_each_score(world, company, vacancy):
    low = _available(world, plc=65, italian="A2")
    high = _available(world, plc=95, italian="B2")
    response = company.get(URL, {"vacancy": vacancy.pk})
    assert _codes(response) == [high.code, low.code]
    best = response.context["cards"][0].explanation
    assert best.score == sum(line.points for line in best.lines)
    html = response.content.decode()
    assert f"Why {best.score}/100 for {high.code}" in html and "Required modules" in html


def test_the_first_vacancy_is_the_default_ranking(world, company, vacancy):
    candidate = _available(world)
    response = company.get(URL)
    assert response.context["vacancy"] == vacancy
    assert response.context["cards"][0].code == candidate.code
    assert response.context["cards"][0].explanation is not None


def test_not_eligible_candidates_are_shown_only_when_asked_with_what_they_miss(
    world, company, vacancy
):
    eligible = _available(world)
    missing = _available(world, italian="A1")
    assert _codes(company.get(URL, {"vacancy": vacancy.pk})) == [eligible.code]
    response = company.get(URL, {"vacancy": vacancy.pk, "show_not_eligible": "on"})
    assert _codes(response) == [eligible.code, missing.code]
    html = response.content.decode()
    assert "Not eligible:" in html and "Italian A1, below the A2 the vacancy asks for" in html


def test_sorted_by_certification_the_newest_come_first(world, company, vacancy):
    older, newer = _available(world), _available(world)
    Candidate.objects.filter(pk=older.pk).update(
        certified_at=timezone.now() - datetime.timedelta(days=30)
    )
    response = company.get(URL, {"vacancy": vacancy.pk, "sort": "certified"})
    assert _codes(response) == [newer.code, older.code]
    assert response.context["cards"][0].explanation is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"module": "MEC-CNC"}, ["cnc"]),
        ({"module": "MEC-PLC", "min_score": "90"}, ["strong"]),
        ({"italian": "B2"}, ["strong"]),
        ({"occupation": "7412"}, ["electrician"]),
        ({"experience": "5"}, ["senior"]),
        ({"region": "IT-45"}, ["emilia"]),
        ({"available_by": "+10"}, ["plain", "cnc", "strong", "electrician", "senior", "emilia"]),
    ],
)
def test_each_filter_keeps_the_candidates_it_names(world, company, vacancy, params, expected):
    from training.models import Course

    late = timezone.localdate() + datetime.timedelta(days=90)
    people = {
        "plain": _available(world, earliest_start=None),
        "cnc": _available(world),
        "strong": _available(world, plc=95, italian="B2"),
        "electrician": _available(world),
        "senior": _available(world, years_experience=7),
        "emilia": _available(world, preferred_regions=["IT-45"]),
        "late": _available(world, earliest_start=late),
    }
    result(people["cnc"], "MEC-CNC", score=75)
    people["electrician"].previous_occupations.set([Occupation.objects.get(isco_code="7412")])
    params = dict(params, vacancy=vacancy.pk, show_not_eligible="on")
    if "module" in params:
        params["module"] = Course.objects.get(code=params["module"]).pk
    if "occupation" in params:
        params["occupation"] = Occupation.objects.get(isco_code=params["occupation"]).pk
    if params.get("available_by") == "+10":
        params["available_by"] = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    found = set(_codes(company.get(URL, params)))
    assert found == {people[name].code for name in expected}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"min_score": "150", "module": "x"}, "min_score", "Enter a score from 0 to 100."),
        ({"min_score": "70"}, "module", "Choose the module the minimum score is for."),
        ({"experience": "-1"}, "experience", "Enter a number of years from 0 to 50."),
        ({"available_by": "31/02/2027"}, "available_by", "Enter a valid date."),
    ],
)
def test_impossible_filters_are_refused_next_to_the_field(
    world, company, vacancy, params, field, message
):
    from training.models import Course

    _available(world)
    if params.get("module") == "x":
        params["module"] = Course.objects.get(code="MEC-PLC").pk
    response = company.get(URL, params)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert response.context["cards"] == []
    assert message in response.content.decode()


def test_a_company_ranks_only_for_its_own_vacancies(world, company, vacancy):
    _available(world)
    Company.objects.filter(pk=world.company_b_profile.pk).update(status="verified")
    other = make_vacancy(world.company_b_profile)
    response = company.get(URL, {"vacancy": other.pk})
    assert "vacancy" in response.context["form"].errors
    assert list(response.context["form"].fields["vacancy"].queryset) == [vacancy]


def test_an_advisor_ranks_for_the_companies_assigned_to_them(world, client_for, vacancy):
    Company.objects.filter(pk=world.company_b_profile.pk).update(status="verified")
    make_vacancy(world.company_b_profile)
    candidate = _available(world)
    response = client_for("chamber").get(URL)
    assert list(response.context["form"].fields["vacancy"].queryset) == [vacancy]
    assert _codes(response) == [candidate.code]


def test_iom_sees_names_and_each_list_it_opens_is_audited(world, client_for, vacancy):
    candidate = _available(world)
    response = client_for("iom").get(URL, {"vacancy": vacancy.pk, "sort": "score"})
    html = response.content.decode()
    assert candidate.last_name in html and f"/candidates/{candidate.pk}/" in html
    entry = AuditEntry.objects.get(action="candidate.search_view", actor=world.iom)
    assert entry.detail == {"candidates": [candidate.pk]}


def test_a_change_of_results_or_consent_shows_at_once(world, company, vacancy):
    first, second = _available(world, plc=95), _available(world, plc=65)
    assert _codes(company.get(URL, {"vacancy": vacancy.pk})) == [first.code, second.code]
    result(second, "MEC-PLC", score=100)  # a result corrected by hand
    assert _codes(company.get(URL, {"vacancy": vacancy.pk})) == [second.code, first.code]
    Candidate.objects.get(pk=second.pk).save()  # the record saved again (unchanged)
    second.status, second.profile_shared = "certified", False
    second.save()  # consent withdrawn
    assert _codes(company.get(URL, {"vacancy": vacancy.pk})) == [first.code]


@pytest.mark.parametrize("per_page", [10, 100])
def test_the_search_runs_the_same_few_queries_whatever_the_number_of_candidates(
    world, company, vacancy, per_page, django_assert_max_num_queries
):
    for count in (3, 120):
        while Candidate.objects.filter(status="available").count() < count:
            _available(world, plc=60 + Candidate.objects.count() % 40)
        params = {"vacancy": vacancy.pk, "per_page": per_page}
        company.get(URL, params)  # the reference data, the ranking's first computation
        SEARCH_PAGES.changed()  # the page's body made again, from the kept ranking
        with django_assert_max_num_queries(12):
            response = company.get(URL, params)
        assert len(response.context["cards"]) == min(count, per_page)
        with django_assert_max_num_queries(12):
            company.get(URL, dict(params, page=2))
        with django_assert_max_num_queries(1):  # the body as kept: only the signed-in user read
            again = company.get(URL, params)
        shown = re.compile(r'<h2 class="h5 mb-1"><bdi>([^<]+)</bdi></h2>')
        assert shown.findall(again.content.decode()) == _codes(response)
    html = response.content.decode()
    assert len(re.findall(r"Why \d+/100 for W-", html)) == min(120, per_page)


# The page's body kept rendered (thamm.fragments) ------------------------------------------------


def test_a_kept_page_shows_a_shortlisting_at_once_and_its_forms_carry_each_readers_token(
    world, company, vacancy
):
    from django.test import Client

    candidate = _available(world)
    params = {"vacancy": vacancy.pk}
    company.get(URL, params)  # kept
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    browser.force_login(world.company)  # the same person in another browser: another token
    page = browser.get(URL, params).content.decode()
    assert "csrf-token-of-the-reader" not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    asked = browser.post(
        reverse("matching:shortlist"),
        {"csrfmiddlewaretoken": token, "vacancy": vacancy.pk, "code": candidate.code},
    )
    assert asked.status_code == 302
    assert "On your list for this vacancy" in company.get(URL, params).content.decode()


def test_a_kept_page_is_never_shown_to_another_company_or_after_verification_ends(
    world, company, vacancy, client_for
):
    _available(world)
    Company.objects.filter(pk=world.company_b_profile.pk).update(status="verified")
    make_vacancy(world.company_b_profile, title="Saldatore di B")
    params = {"sort": "score"}
    assert "Tecnico manutentore" in company.get(URL, params).content.decode()
    other = client_for("company_b").get(URL, params).content.decode()
    assert "Saldatore di B" in other and "Tecnico manutentore" not in other
    profile = Company.objects.get(pk=world.company_a_profile.pk)
    profile.status = "suspended"
    profile.save()  # as the service does
    page = company.get(URL, params).content.decode()
    assert "Trained candidates are shown to verified companies" in page


def test_an_advisor_no_longer_assigned_no_longer_sees_the_kept_page(world, vacancy, client_for):
    from accounts.selectors import assist_grants
    from accounts.services import advisor_unassign

    _available(world)
    advisor = client_for("chamber")
    assert "Tecnico manutentore" in advisor.get(URL).content.decode()
    advisor_unassign(grant=assist_grants().get(user=world.chamber), by=world.iom)
    assert "Trained candidates are shown to verified companies" in advisor.get(URL).content.decode()
