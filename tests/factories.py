import secrets
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.models import Invitation, Membership, Organisation, User

TEST_PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.COMPANY
    city = "Bergamo"
    country = "IT"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.ADMIN


def member(kind: str, *, organisation: Organisation | None = None, role: str = "admin", **user_kw):
    """A user who belongs to an organisation of `kind` (a new one unless given)."""
    organisation = organisation or OrganisationFactory(kind=kind)
    user = UserFactory(**user_kw)
    MembershipFactory(user=user, organisation=organisation, role=role)
    if kind in ("iom", "chamber"):
        TOTP.activate(user, TOTP_SECRET)
    return user


def candidate_user(**user_kw) -> User:
    return UserFactory(is_candidate=True, **user_kw)


def grant_assist(advisor: User, company: Organisation) -> None:
    assign_perm("accounts.assist_company", advisor, company)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Invitation.Role.STAFF
    token_hash = factory.LazyFunction(lambda: Invitation.hash_token(secrets.token_urlsafe(16)))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


def invitation_with_token(**kwargs) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    invitation = InvitationFactory(token_hash=Invitation.hash_token(token), **kwargs)
    return invitation, token


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "candidates.Candidate"

    training_centre = factory.SubFactory(OrganisationFactory, kind="training_centre")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=20, maximum_age=40)
    sex = "M"
    cin = factory.Sequence(lambda n: f"BE{100000 + n}")
    phone = factory.Sequence(lambda n: f"+2126{10000000 + n}")
    residence_region = "MA-06"
    education = "technician"
    preferred_regions = factory.LazyFunction(lambda: ["IT-25"])


def candidate_form_data(**overrides) -> dict:
    """What a centre types into the candidate form (valid unless overridden)."""
    data = {
        "first_name": "Youssef",
        "last_name": "Alaoui",
        "first_name_ar": "يوسف",
        "last_name_ar": "العلوي",
        "date_of_birth": "1998-04-12",
        "sex": "M",
        "cin": "bk123456",
        "passport_number": "",
        "passport_expiry": "",
        "phone": "0612345678",
        "email": "youssef@example.org",
        "residence_region": "MA-06",
        "education": "technician",
        "years_experience": "3",
        "previous_occupations": [],
        "preferred_regions": ["IT-25", "IT-34"],
        "earliest_start": "",
    }
    data.update(overrides)
    return data


def pass_everything(candidate, *, attendance=90, italian="A2", skip=(), by=None):
    """Give a candidate passing results in every mandatory course (except the codes in `skip`)."""
    import datetime

    from training.models import Course, Result

    for course in Course.objects.filter(mandatory=True).exclude(kind="employer"):
        if course.code in skip:
            continue
        Result.objects.update_or_create(
            candidate=candidate,
            course=course,
            defaults={
                "score": None if course.kind == "language" else 75,
                "cefr_level": italian if course.kind == "language" else "",
                "attendance": attendance,
                "assessed_on": datetime.date(2026, 6, 1),
                "passed": True,
            },
        )


def company_profile(organisation, serial: int):
    from companies.models import Company, make_partita_iva

    return Company.objects.create(
        organisation=organisation,
        legal_name=organisation.name,
        partita_iva=make_partita_iva(serial),
    )
