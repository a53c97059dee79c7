"""The demo data is in demo/data/*.toml: editing a file changes what `seed_demo` creates, and a file
that names something missing is refused with the file named, leaving nothing half-seeded."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from candidates.models import Candidate
from companies.models import Company, Vacancy
from demo import files

NEW_COMPANY = """
[[company]]
name = "Lariana Ingranaggi S.r.l."
serial = 3012099
office = "016"
ateco = "28.15"
size = "small"
status = "verified"
units = [
    { address = "Via Adda 3", comune = "Lecco", province = "IT-LC" },
]
contact = { name = "Anna Riva", email = "hr@lariana.example.it", phone = "+39 0341 200 300" }
pec = "lariana@pec.example.it"
"""

NEW_VACANCY = """
[[vacancy]]
company = "Lariana Ingranaggi S.r.l."
comune = "Lecco"
title = "Operatore CNC"
status = "published"
positions = 2
ccnl_level = "C1"
pay = 1900
italian = "A2"
housing = "help"
starts_in = 60
languages = ["it"]
"""


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An editable copy of demo/data that the seed reads instead."""
    copy = tmp_path / "data"
    shutil.copytree(files.DATA_DIR, copy)
    monkeypatch.setattr(files, "DATA_DIR", copy)
    files.read.cache_clear()
    yield copy
    files.read.cache_clear()


def _append(path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def test_a_company_and_vacancy_added_to_the_data_files_are_seeded_through_the_services(
    db, data_dir
):
    # The vacancy's table goes before the profiles' so that TOML keeps it in the vacancy list.
    vacancies = (data_dir / "vacancies.toml").read_text(encoding="utf-8")
    first_profile = vacancies.index("[profile.")
    (data_dir / "vacancies.toml").write_text(
        vacancies[:first_profile] + NEW_VACANCY.lstrip() + "\n" + vacancies[first_profile:],
        encoding="utf-8",
    )
    _append(data_dir / "companies.toml", NEW_COMPANY)
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "13 companies (9 verified, 3 pending, 1 suspended), 26 vacancies (17 published)." in (
        out.getvalue()
    )
    company = Company.objects.get(legal_name="Lariana Ingranaggi S.r.l.")
    assert company.status == Company.Status.VERIFIED  # verified by IOM, as the file says
    assert list(company.units.values_list("comune", "region")) == [("Lecco", "IT-25")]
    vacancy = company.vacancies.get()
    assert vacancy.status == Vacancy.Status.PUBLISHED and vacancy.published_at is not None
    assert vacancy.description_it.startswith("Conduzione di centri di lavoro")
    assert vacancy.description_fr == ""


def test_seed_demo_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_a_vacancy_of_a_company_missing_from_the_files_is_refused_naming_the_file(db, data_dir):
    path = data_dir / "vacancies.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Meccanica Orobica S.r.l.", "Meccanica Orobika S.r.l.", 1))
    with pytest.raises(
        CommandError, match=r"demo/data/vacancies\.toml: .*Orobika.*no such company"
    ):
        call_command("seed_demo", "--force", stdout=StringIO())
    assert not User.objects.exists() and not Company.objects.exists()  # nothing half-seeded


def test_the_certified_candidates_the_file_shows_to_companies_are_made_available(db, data_dir):
    path = data_dir / "candidates.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("shown_to_companies = [false, true, true]", "shown_to_companies = [true]")
    )
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    # All the certified, the candidate login's person too (candidates.toml, `login_candidate`);
    # of the four who accepted an offer (applications.toml), three are on their way to Italy
    # since (cases.toml) and one is available again (their case closed: the visa refused).
    assert (
        "(24 registered, 40 in training, 37 available, 2 in pre-departure, 1 arrived in Italy, "
        in out.getvalue()
    )
    assert "; 40 with their own login" in out.getvalue()
    assert not Candidate.objects.filter(status="certified").exists()


def test_a_cohort_that_has_not_started_is_refused_naming_the_file(db, data_dir):
    path = data_dir / "candidates.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("starts_on = 2026-03-02", "starts_on = 2099-03-02"))
    # Its candidates could have no results, nor be certified, before it starts.
    with pytest.raises(CommandError, match=r"demo/data/candidates\.toml: .*2026-B.*2099-03-02"):
        call_command("seed_demo", "--force", stdout=StringIO())
    assert not User.objects.exists() and not Candidate.objects.exists()


def test_a_company_login_for_a_company_missing_from_the_files_is_refused(db, data_dir):
    path = data_dir / "accounts.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('company = "Veneta Robotica S.r.l."', 'company = "Veneta Robotika"')
    )
    with pytest.raises(CommandError, match=r"demo/data/accounts\.toml: .*Veneta Robotika"):
        call_command("seed_demo", "--force", stdout=StringIO())
    assert not User.objects.exists() and not Company.objects.exists()


def test_an_ethical_recruitment_training_recorded_in_the_future_is_refused(db, data_dir):
    path = data_dir / "accounts.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "ethical_training_completed_on = 2026-09-22",
            "ethical_training_completed_on = 2099-09-22",
        )
    )
    with pytest.raises(
        CommandError, match=r"demo/data/accounts\.toml: hr@orobica.*ethical_training_completed_on"
    ):
        call_command("seed_demo", "--force", stdout=StringIO())
    assert not User.objects.exists()


NEW_APPLICATION = """
[[application]]
company = "Meccanica Orobica S.r.l."
vacancy = "Tecnico PLC"
cin = "K100008"
stage = "offered"
interview_note = "Preparato sui PLC, italiano B1."
pay = 2300
"""


def test_an_application_added_to_the_data_file_is_walked_to_its_stage_through_the_services(
    db, data_dir
):
    from matching.models import Application

    _append(data_dir / "applications.toml", NEW_APPLICATION)
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "31 applications at 3 companies (4 asked to meet, " in out.getvalue()
    application = Application.objects.get(candidate__cin="K100008", vacancy__title="Tecnico PLC")
    assert application.status == "offered"
    offer = application.offer
    assert offer.status == "sent" and offer.gross_monthly_pay == 2300
    assert offer.sent_by.email == "hr@orobica.thamm.example"
    assert application.interviews.get().status == "held"


@pytest.mark.parametrize(
    "text,error",
    [
        (NEW_APPLICATION.replace("K100008", "K109999"), r"K109999.*no candidate K109999"),
        (NEW_APPLICATION.replace("Tecnico PLC", "Capoturno di produzione"), r"no such published"),
        (NEW_APPLICATION.replace("K100008", "K100003"), r"K100003.*not available to companies"),
        # K100001 accepts an offer at Automazioni Emiliane: this one would end.
        (NEW_APPLICATION.replace("K100008", "K100001"), r"K100001 accepts an offer and has other"),
        (NEW_APPLICATION.replace("pay = 2300", "pay = 1500"), r"K100008.*gross monthly pay"),
        (
            NEW_APPLICATION.replace('stage = "offered"', 'stage = "rejected"'),
            r"K100008.*writes its reason",
        ),
    ],
    ids=["missing candidate", "draft vacancy", "not available", "accepted", "pay", "no reason"],
)
def test_an_application_the_demo_cannot_make_is_refused_naming_the_file(db, data_dir, text, error):
    _append(data_dir / "applications.toml", text)
    with pytest.raises(CommandError, match=r"demo/data/applications\.toml: .*" + error):
        call_command("seed_demo", "--force", stdout=StringIO())
    assert not User.objects.exists() and not Company.objects.exists()  # nothing half-seeded
