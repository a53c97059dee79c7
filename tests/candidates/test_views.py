import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import Invitation
from candidates.models import Candidate
from tests.factories import CandidateFactory, candidate_form_data, candidate_user, member
from thamm.models import AuditEntry

EN = {"accept-language": "en"}


@pytest.fixture
def centre_client(world):
    client = Client(headers=EN)
    client.force_login(world.centre)
    return client


def test_centre_registers_a_candidate_through_the_form(world, centre_client):
    response = centre_client.post(
        reverse("candidates:create"), candidate_form_data(previous_occupations=["3115"])
    )
    candidate = Candidate.objects.get(cin="BK123456")
    assert response.status_code == 302 and response["Location"] == candidate.get_absolute_url()
    assert candidate.training_centre == world.centre_org
    assert candidate.phone == "+212612345678"  # typed 0612345678: stored in E.164
    assert candidate.last_name_ar == "العلوي"
    assert candidate.preferred_regions == ["IT-25", "IT-34"]
    page = centre_client.get(response["Location"]).content.decode()
    assert "Lombardia, Veneto" in page and "Casablanca-Settat" in page
    assert "Mechanical engineering technician" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "12"}, "phone", "Enter a valid phone number."),
        ({"cin": "12AB"}, "cin", "one or two letters followed by up to six digits"),
        ({"date_of_birth": "2099-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"passport_number": "AB1234567"}, "passport_expiry", "expiry date"),
        (
            {"passport_number": "AB1234567", "passport_expiry": "2020-01-01"},
            "passport_expiry",
            "This passport has expired.",
        ),
        ({"preferred_regions": ["IT-62"]}, "preferred_regions", "Select a valid choice"),
        ({"residence_region": "IT-25"}, "residence_region", "Select a valid choice"),
        ({"earliest_start": "2020-01-01"}, "earliest_start", "cannot be in the past"),
        ({"years_experience": "99"}, "years_experience", "less than or equal to 50"),
        ({"first_name": ""}, "first_name", "This field is required."),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(
    world, centre_client, overrides, field, message
):
    response = centre_client.post(reverse("candidates:create"), candidate_form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert any(message in error for error in form.errors[field]), form.errors[field]
    assert not Candidate.objects.filter(cin="BK123456").exists()


def test_duplicate_cin_gets_a_clear_message_in_french(world, centre_client):
    CandidateFactory(training_centre=world.centre_b_org, cin="BK123456")
    response = centre_client.post(
        reverse("candidates:create"), candidate_form_data(), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    with translation.override("fr"):
        expected = translation.gettext("A candidate with this CIN is already registered.")
    assert expected != "A candidate with this CIN is already registered."
    assert response.context["form"].errors["cin"] == [expected]
    assert Candidate.objects.filter(cin="BK123456").count() == 1


def test_centre_edits_its_candidate(world, centre_client):
    url = reverse("candidates:edit", args=[world.candidate_a.pk])
    form = centre_client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["previous_occupations"] = ["7412"]
    data["first_name"] = "Hamza"
    response = centre_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    world.candidate_a.refresh_from_db()
    assert world.candidate_a.first_name == "Hamza"


def test_stage_change_through_the_page_and_a_missing_reason(world, centre_client):
    url = reverse("candidates:stage", args=[world.candidate_a.pk])
    centre_client.post(url, {"action": "start_training"})
    world.candidate_a.refresh_from_db()
    assert world.candidate_a.status == "in_training"
    response = centre_client.post(url, {"action": "withdraw", "note": ""}, follow=True)
    assert "Give the reason for the withdrawal." in response.content.decode()
    world.candidate_a.refresh_from_db()
    assert world.candidate_a.status == "in_training"
    response = centre_client.post(
        url, {"action": "withdraw", "note": "Moved to Rabat"}, follow=True
    )
    page = response.content.decode()
    assert "Moved to Rabat" in page and "Withdrawn" in page


def test_viewing_a_candidates_identity_is_audited(world):
    client = Client(headers=EN)
    client.force_login(world.iom)
    client.get(reverse("candidates:detail", args=[world.candidate_b.pk]))
    entry = AuditEntry.objects.get(action="candidate.view")
    assert entry.actor == world.iom and entry.target_id == str(world.candidate_b.pk)


def test_candidate_list_queries_stay_constant_and_it_paginates(
    world, centre_client, django_assert_max_num_queries
):
    CandidateFactory.create_batch(80, training_centre=world.centre_org)
    with django_assert_max_num_queries(9):
        response = centre_client.get(reverse("candidates:list"))
    assert len(response.context["page"].object_list) == 50
    assert "81 candidates" in response.content.decode()
    second = centre_client.get(reverse("candidates:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 31


def test_iom_list_filters_by_stage_across_centres(world, django_assert_max_num_queries):
    CandidateFactory.create_batch(5, training_centre=world.centre_b_org, status="certified")
    client = Client(headers=EN)
    client.force_login(world.iom)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("candidates:list"), {"status": "certified"})
    assert response.context["page"].paginator.count == 5
    assert world.centre_b_org.name in response.content.decode()


def test_candidate_form_offers_the_schemes_regions_only(world, centre_client):
    form = centre_client.get(reverse("candidates:create")).context["form"]
    assert [code for code, _ in form.fields["preferred_regions"].choices] == [
        "IT-25",
        "IT-45",
        "IT-34",
    ]
    assert len(form.fields["residence_region"].choices) == 13  # 12 Moroccan regions + blank
    assert datetime.date.today()  # the dates above are relative to today


def test_candidate_home_explains_their_stage_in_their_language(world):
    client = Client(headers={"accept-language": "fr"})
    client.force_login(world.candidate)
    page = client.get("/").content.decode()
    with translation.override("fr"):
        explanation = str(world.candidate_a.stage_explanation)
        label = world.candidate_a.get_status_display()
    assert escape(explanation) in page and escape(label) in page
    assert escape(world.centre_org.name) in page


def test_candidate_invited_from_their_record_signs_up_and_sees_their_own_path(
    world, centre_client, django_capture_on_commit_callbacks
):
    staff = member("training_centre", organisation=world.centre_org, role="staff")
    record = CandidateFactory(training_centre=world.centre_org, email="salma@example.org")
    client = Client(headers=EN)
    client.force_login(staff)  # plain staff may invite their centre's candidates
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("candidates:invite", args=[record.pk]), follow=True)
    assert "Invitation sent to salma@example.org." in response.content.decode()
    message = mail.outbox[-1]
    assert message.to == ["salma@example.org"]
    link = next(word for word in message.body.split() if "/invite/" in word)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    visitor = Client(headers={"accept-language": "ar"})
    visitor.get(path)
    visitor.post(
        reverse("account_signup"),
        {
            "full_name": "Salma B",
            "password1": "a-long-enough-pass-42",
            "password2": "a-long-enough-pass-42",
        },
    )
    record.refresh_from_db()
    assert record.user is not None and record.user.email == "salma@example.org"
    assert record.user.role == "candidate"
    home = visitor.get("/").content.decode()
    assert 'dir="rtl"' in home and escape(record.get_status_display()) in home


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"email": ""}, "Add the candidate's e-mail address first."),
        ({"email": "x@example.org", "with_login": True}, "This candidate already has a login."),
    ],
)
def test_candidate_invitation_refusals_are_clear(world, centre_client, setup, message):
    record = CandidateFactory(training_centre=world.centre_org, email=setup["email"])
    if setup.get("with_login"):
        record.user = candidate_user()
        record.save()
    response = centre_client.post(reverse("candidates:invite", args=[record.pk]), follow=True)
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Invitation.objects.filter(email=setup["email"] or "none").exists()


def test_candidate_reads_their_profile_and_path_and_is_asked_to_renew_consent(world):

    from candidates.models import PrivacyNotice
    from candidates.selectors import privacy_notice_current
    from candidates.services import candidate_start_training, consent_give

    candidate_start_training(candidate=world.candidate_a, by=world.centre)
    consent_give(
        candidate=world.candidate_a,
        notice=privacy_notice_current(),
        share_with_companies=True,
        by=world.candidate,
    )
    client = Client(headers=EN)
    client.force_login(world.candidate)
    response = client.get("/")
    page = response.content.decode()
    assert world.candidate_a.reference in page and "My path so far" in page
    assert [c.to_stage for c in response.context["history"]] == ["in_training"]
    assert "The privacy notice has changed" not in page
    PrivacyNotice.objects.create(
        version=2,
        published_on=timezone.localdate(),  # in force from today
        body_it="2",
        body_fr="2",
        body_ar="2",
        body_en="2",
    )
    assert "The privacy notice has changed" in client.get("/").content.decode()


def test_the_stage_form_offers_only_the_moves_the_stage_allows(world, centre_client):
    page = centre_client.get(world.candidate_a.get_absolute_url())
    choices = [value for value, _label in page.context["stage_form"].fields["action"].choices]
    assert choices == ["start_training", "withdraw"]
    world.candidate_a.status = "withdrawn"
    world.candidate_a.save()
    page = centre_client.get(world.candidate_a.get_absolute_url())
    assert page.context["stage_form"].fields["action"].choices == []
    assert "Change stage" not in page.content.decode()


def test_the_candidate_page_lists_their_previous_occupations(world, centre_client):
    from candidates.models import Occupation
    from thamm.occupations import occupation_label

    candidate = world.candidate_a
    page = centre_client.get(candidate.get_absolute_url()).content.decode()
    assert 'Previous occupations</dt><dd class="col-sm-7">—</dd>' in page
    candidate.previous_occupations.set(Occupation.objects.filter(isco_code__in=["7412", "3115"]))
    page = centre_client.get(candidate.get_absolute_url()).content.decode()
    first, second = (f"{occupation_label(code)} ({code})" for code in ("3115", "7412"))
    assert f"<bdi>{first}</bdi>" in page and f"<bdi>{second}</bdi>" in page
    assert page.index(first) < page.index(second)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_candidate_pages_forms_are_the_forms_as_django_renders_them(
    world, centre_client, language
):
    """The page writes its two forms out (cheaper than the widgets' templates): each field must
    be what the form itself renders, label, help text and choices included, in any language."""
    from django.test.html import parse_html
    from django.utils import translation

    page = centre_client.get(world.candidate_a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
    html = parse_html(page.content.decode())
    with translation.override(language):
        for form in (page.context["stage_form"], page.context["document_form"]):
            for field in form:
                assert html.count(parse_html(field.as_field_group())) == 1, field.name


def test_region_names_are_shown_in_the_readers_language(world, centre_client):
    world.candidate_a.preferred_regions = ["IT-25", "IT-45"]
    world.candidate_a.residence_region = "MA-06"
    world.candidate_a.save()
    page = centre_client.get(world.candidate_a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar")
    html = page.content.decode()
    assert "لومبارديا" in html and "جهة الدار البيضاء سطات" in html
    french = centre_client.get(world.candidate_a.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Lombardie, Émilie-Romagne" in french.content.decode()


# --- page cost (issue 9): bounded queries at two sizes, no exact count past the cap, cached
# stage counts that follow every change.


@pytest.mark.parametrize("role", ["centre", "iom"])
def test_candidate_list_runs_the_same_few_queries_at_two_sizes(
    world, client_for, role, django_assert_max_num_queries
):
    for size in (10, 120):
        CandidateFactory.create_batch(
            size - Candidate.objects.filter(training_centre=world.centre_org).count(),
            training_centre=world.centre_org,
        )
        client = client_for(role)
        for params in ({}, {"page": 2}, {"q": "a"}, {"status": "registered", "page": 3}):
            with django_assert_max_num_queries(4):
                response = client.get(reverse("candidates:list"), params)
            assert response.status_code == 200


def test_candidate_list_rows_link_to_each_candidates_page_and_show_their_stage(world, client_for):
    CandidateFactory(training_centre=world.centre_b_org, status="certified", last_name="Aaron")
    html = client_for("iom").get(reverse("candidates:list")).content.decode()
    for candidate in Candidate.objects.all():
        assert f'<a href="{candidate.get_absolute_url()}">' in html
    assert "<td>Certified</td>" in html
    assert f"<td>{world.centre_b_org.name}</td>" in html


def test_candidate_list_keeps_the_chosen_stage_selected(world, client_for):
    html = client_for("centre").get(reverse("candidates:list"), {"status": "certified"})
    html = html.content.decode()
    assert '<select name="status" class="form-select" id="id_status">' in html
    assert '<option value="certified" selected>Certified</option>' in html
    assert '<option value="" selected>' not in html


def test_candidate_list_past_the_cap_asks_for_a_search_instead_of_counting_all(
    world, client_for, monkeypatch
):
    from candidates import views

    monkeypatch.setattr(views, "LIST_CAP", 60)
    CandidateFactory.create_batch(80, training_centre=world.centre_org)
    client = client_for("centre")
    response = client.get(reverse("candidates:list"))
    html = response.content.decode()
    assert "More than 60 candidates: search, or choose a stage, to see the others." in html
    assert "Page 1 of 2" in html
    last = client.get(reverse("candidates:list"), {"page": 9})
    assert len(last.context["page"].object_list) == 10  # rows 51–60: the list stops at the cap
    narrowed = client.get(reverse("candidates:list"), {"q": world.candidate_a.cin})
    assert "1 candidate" in narrowed.content.decode()
    assert "More than" not in narrowed.content.decode()


def test_a_search_matching_more_than_the_cap_lists_that_many_sorted_and_says_so(
    world, client_for, monkeypatch
):
    from candidates import views

    monkeypatch.setattr(views, "SEARCH_CAP", 60)  # more than a page (50)
    for index in range(80):
        CandidateFactory(
            training_centre=world.centre_org, last_name="Benali", first_name=f"Nom{index:02d}"
        )
    CandidateFactory(training_centre=world.centre_org, last_name="Tazi", first_name="Omar")
    client = client_for("centre")
    first = client.get(reverse("candidates:list"), {"q": "benali"})
    html = first.content.decode()
    assert (
        "More than 60 candidates match: the list shows 60 of them. Add a first name, the CIN or "
        "a stage to find the others." in html
    )
    second = client.get(reverse("candidates:list"), {"q": "benali", "page": 2})
    listed = [*first.context["page"], *second.context["page"]]
    assert len(listed) == 60 and len({c["pk"] for c in listed}) == 60
    assert all(c["last_name"] == "Benali" for c in listed)
    names = [c["first_name"] for c in listed]
    assert names == sorted(names)  # the shown matches, in name order across the pages
    # A narrower search lists every match, in order, and says how many.
    narrow = client.get(reverse("candidates:list"), {"q": "Nom4"})
    assert [c["first_name"] for c in narrow.context["page"]] == [f"Nom4{i}" for i in range(10)]
    assert "10 candidates" in narrow.content.decode()
    assert "More than" not in narrow.content.decode()


@pytest.mark.parametrize("role", ["centre", "iom"])
def test_every_page_of_the_list_holds_the_rows_the_whole_sorted_list_holds(world, client_for, role):
    """Pages past the first read their ids first, then the rows: the same rows, in order."""
    for index in range(120):  # many equal names: the order's tie-break (the id) matters
        CandidateFactory(
            training_centre=world.centre_org, last_name=f"Name{index % 7}", first_name="Same"
        )
    client = client_for(role)
    listed = []
    for number in (1, 2, 3):
        page = client.get(reverse("candidates:list"), {"page": number}).context["page"]
        listed += [c["pk"] for c in page]
    visible = Candidate.objects.all()
    if role == "centre":
        visible = visible.filter(training_centre=world.centre_org)
    expected = visible.order_by("last_name", "first_name", "id").values_list("pk", flat=True)
    assert listed == list(expected)


@pytest.mark.parametrize("query", ["lahl", "LAHLOU", "لحل", "c-zz9999", "zz123456", "Amin"])
def test_candidate_search_finds_by_part_of_a_name_or_the_whole_reference_or_cin(
    world, client_for, query
):
    wanted = CandidateFactory(
        training_centre=world.centre_org,
        first_name="Amine",
        last_name="Lahlou",
        last_name_ar="لحلو",
        cin="ZZ123456",
    )
    Candidate.objects.filter(pk=wanted.pk).update(reference="C-ZZ9999")
    CandidateFactory(training_centre=world.centre_org, first_name="Omar", last_name="Tazi")
    # The world's candidates have made-up names ("Benjamin" holds "amin"): none of the queries'.
    Candidate.objects.exclude(pk=wanted.pk).exclude(last_name="Tazi").update(
        first_name="Said", last_name="Berrada"
    )
    response = client_for("centre").get(reverse("candidates:list"), {"q": query})
    assert [c["pk"] for c in response.context["page"]] == [wanted.pk]


def _stage_counts(client):
    return {value: n for value, _label, n in client.get("/").context["candidate_stages"]}


def test_home_stage_counts_follow_a_change_of_stage(world, client_for):
    from candidates.services import candidate_start_training

    CandidateFactory.create_batch(2, training_centre=world.centre_org)
    iom, centre = client_for("iom"), client_for("centre")
    assert _stage_counts(iom) == {"registered": 4}
    assert _stage_counts(centre) == {"registered": 3}
    candidate_start_training(candidate=world.candidate_a, by=world.centre)
    assert _stage_counts(iom) == {"registered": 3, "in_training": 1}
    assert _stage_counts(centre) == {"registered": 2, "in_training": 1}
    CandidateFactory(training_centre=world.centre_org)
    world.candidate_b.delete()
    assert _stage_counts(iom) == {"registered": 3, "in_training": 1}
    assert _stage_counts(centre) == {"registered": 3, "in_training": 1}


def test_home_stage_counts_are_not_counted_again_on_every_load(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("iom")
    client.get("/")
    with CaptureQueriesContext(connection) as second:
        client.get("/")
    assert not [q for q in second.captured_queries if "GROUP BY" in q["sql"]]


@pytest.mark.parametrize("role", ["centre", "iom"])
def test_candidate_page_runs_at_most_ten_queries_with_or_without_results_and_moves(
    world, client_for, role, django_assert_max_num_queries
):
    from candidates.services import candidate_start_training
    from tests.factories import pass_everything

    candidate = world.candidate_a
    url = reverse("candidates:detail", args=[candidate.pk])
    client = client_for(role)
    # The first page a process serves also reads the reference data (scheme, courses,
    # occupations); later ones read the user, the candidate, their occupations, results,
    # history and documents, and write the audit entry.
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    candidate_start_training(candidate=candidate, by=world.centre)
    pass_everything(candidate)
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["results"]) > 3 and len(response.context["history"]) >= 1


@pytest.mark.parametrize("role", ["centre", "iom"])
def test_the_list_escapes_every_value_it_writes(world, client_for, role):
    marked = CandidateFactory(
        training_centre=world.centre_org,
        last_name="<b>Last</b>",
        first_name='"First"',
        last_name_ar="<i>ع</i>",
        first_name_ar="",
    )
    html = client_for(role).get(reverse("candidates:list")).content.decode()
    assert "<b>Last</b>" not in html and "&lt;b&gt;Last&lt;/b&gt;" in html
    assert "&quot;First&quot;" in html and "&lt;i&gt;ع&lt;/i&gt;" in html
    assert f'href="/candidates/{marked.pk}/"' in html
