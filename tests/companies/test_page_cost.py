"""Page cost (issue 9): a company's page runs a bounded number of queries, whatever it holds."""

import pytest
from django.urls import reverse

from companies.models import Vacancy
from companies.services import unit_add
from tests.companies.test_views import vacancy_data

pytestmark = pytest.mark.django_db

PROVINCES = ["IT-BG", "IT-MI", "IT-BS", "IT-MO", "IT-VI"]


def _grow(world, client_for, units: int, vacancies: int) -> None:
    company = world.company_a_profile
    made = []
    for i in range(units):
        made.append(
            unit_add(
                company=company,
                data={"address": f"Via Roma {i}", "comune": "Bergamo", "province": PROVINCES[i]},
                by=world.company,
            )
        )
    client = client_for("company")
    for i in range(vacancies):
        data = vacancy_data(made[i % len(made)], title=f"Job {i}")
        client.post(reverse("companies:vacancy_create", args=[company.pk]), data)


@pytest.mark.parametrize("role", ["company", "iom", "chamber"])
def test_company_page_runs_at_most_ten_queries_at_two_sizes(
    world, client_for, role, django_assert_max_num_queries
):
    url = reverse("companies:detail", args=[world.company_a_profile.pk])
    client = client_for(role)
    for units, vacancies in ((1, 1), (5, 12)):
        _grow(world, client_for, units, vacancies)
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200
    assert Vacancy.objects.count() == 13
    assert "Job 11" in response.content.decode() or "Job 0" in response.content.decode()
