from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, Organisation, User
from accounts.selectors import companies_assisted_by


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def test_seed_demo_prints_one_working_login_per_role_and_is_idempotent(db):
    output = _seed()
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    assert _seed() == output
    assert counts == (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    )
    roles = {User.objects.get(email=e).role for e in User.objects.values_list("email", flat=True)}
    assert roles == {"candidate", "centre", "company", "chamber", "iom"}
    for user in User.objects.all():
        assert user.email in output
        assert authenticate(email=user.email, password=DEMO_PASSWORD) == user
    assert DEMO_PASSWORD in output and "TOTP secret" in output
    assert "120 demo candidates at the two training centres, 28 certified." in output


def test_seed_demo_has_the_scheme_partners(db):
    _seed()
    kinds = {k: Organisation.objects.filter(kind=k).count() for k in Organisation.Kind.values}
    assert kinds == {"iom": 1, "chamber": 1, "training_centre": 2, "company": 3}
    advisor = User.objects.get(email="advisor@bergamo.thamm.example")
    assert [c.city for c in companies_assisted_by(user=advisor)] == ["Bergamo"]


def test_seed_demo_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_demo_results_agree_with_the_certification_rule(db):
    from candidates.models import Candidate
    from thamm.scheme import current_scheme
    from training.selectors import certification_check

    _seed()
    scheme = current_scheme()
    certified = Candidate.objects.filter(status="certified")
    assert certified.count() == 28
    assert all(certification_check(candidate=c, scheme=scheme).ready for c in certified)
    in_training = Candidate.objects.filter(status="in_training")
    assert in_training.exists()
    assert not any(certification_check(candidate=c, scheme=scheme).ready for c in in_training)
