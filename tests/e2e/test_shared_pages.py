"""Browser journeys for the pages of the shared mechanisms: notifications (in Arabic at 375 px), and
an import whose background job died and is tried again from its page."""

import datetime

import pytest
from django.utils import timezone

from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def switch_language(page, language: str) -> None:
    page.get_by_label("Language").select_option(language)
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state("load")


def test_an_advisor_reads_a_notification_in_arabic_on_a_phone_and_opens_its_page(visit, demo):
    from accounts.models import Membership
    from companies.models import Company
    from companies.services import notify_chamber

    company = Company.objects.filter(chamber__isnull=False).select_related("chamber").first()
    admin = (
        Membership.objects.filter(organisation=company.chamber, role="admin")
        .select_related("user")
        .first()
        .user
    )
    admin.language = "ar"
    admin.save(update_fields=["language"])
    notify_chamber(company)  # the chamber's admins are told, in their language

    tab = visit()
    page = tab.page
    sign_in(tab, admin.email, demo[admin.email].totp_secret)
    # The portal speaks Arabic to someone who chose it.
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.set_viewport_size({"width": 375, "height": 800})  # a phone
    link = page.locator("nav a[href='/notifications/']")
    assert int(link.locator(".badge").inner_text().split()[0]) >= 1  # unread, in the menu
    tab.goto("/notifications/")
    tab.check("notifications-ar-375")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    item = page.locator("main .list-group-item").first
    assert company.legal_name in item.inner_text()  # the typed name, as data
    unread = page.locator("main .badge").count()  # the demo's selection told them of others
    item.get_by_role("link").click()
    page.wait_for_url(tab.base_url + "/advisors/")
    tab.check()
    tab.goto("/notifications/")
    # Read now; the others are left as they were.
    assert page.locator("main .list-group-item").first.locator(".badge").count() == 0
    assert page.locator("main .badge").count() == unread - 1


def test_a_centre_tries_again_an_import_whose_worker_died(visit, demo):
    from django.core.files.base import ContentFile

    from accounts.models import Membership
    from candidates.models import Candidate
    from thamm.jobs import jobs_fail_stale
    from thamm.models import Job
    from thamm.tabular import Table
    from training.imports import _dump_table
    from training.models import FileImport

    staff = Membership.objects.select_related("user", "organisation").get(
        user__email="staff@casablanca.thamm.example"
    )
    candidate = Candidate.objects.filter(training_centre=staff.organisation).first()
    job = Job.objects.create(
        kind="results.check",
        organisation=staff.organisation,
        task="training.tasks.check_results_file",
        language="fr",
        status="running",
        claimed_by="gone",
        deadline=timezone.now() - datetime.timedelta(minutes=1),
    )
    upload = FileImport(
        training_centre=staff.organisation,
        uploaded_by=staff.user,
        original_name="résultats.csv",
        status="checking",
        job=job,
    )
    headers = ["candidate_reference", "module_code", "score", "attendance", "date", "cefr_level"]
    table = Table(headers, [[candidate.reference, "CIV", "70", "90", "", ""]], [2])
    upload.file.save("upload", ContentFile(_dump_table(table)), save=True)
    job.arguments = {"import_id": upload.pk}
    job.save(update_fields=["arguments"])
    assert jobs_fail_stale() == 1  # the sweep finds the job its worker left running

    tab = visit()
    page = tab.page
    sign_in(tab, staff.user.email)
    switch_language(page, "fr")
    tab.goto(f"/training/results/import/{upload.pk}/")
    assert page.get_by_role("alert").filter(has_text="Réessayez").count() == 1
    tab.check("import-worker-died-fr")
    page.get_by_role("button", name="Réessayer").click()  # the check runs again
    page.wait_for_load_state("load")
    tab.goto(f"/training/results/import/{upload.pk}/")
    upload.refresh_from_db()
    assert upload.status in ("previewed", "rejected"), upload.status
    assert page.get_by_role("alert").filter(has_text="Réessayez").count() == 0
