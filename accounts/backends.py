"""Authentication backends that load a signed-in user in one query with what every request needs.

Every page asks for the user's role (membership → organisation) and the MFA middleware asks IOM
and chamber users whether they have TOTP: both come with the user row instead of three more
queries before each view.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Exists, OuterRef

from .models import User


def signed_in_user(user_id) -> User | None:
    """The user with their membership and organisation, and `has_totp`."""
    return (
        User.objects.select_related("membership_row__organisation")
        .annotate(
            has_totp=Exists(
                Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
            )
        )
        .filter(pk=user_id)
        .first()
    )


class SignedInUserMixin:
    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(SignedInUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(SignedInUserMixin, AllauthAuthenticationBackend):
    """allauth's e-mail login (allauth picks it for its logins as a subclass of its own)."""
