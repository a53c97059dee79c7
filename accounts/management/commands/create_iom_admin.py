from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import iom_admin_create


class Command(BaseCommand):
    """The first login of a new installation: an IOM coordinator who may use the admin.

    The account gets no password here: its owner sets one through "forgot password" (which proves
    the mailbox), then must add a second factor before reaching anything else.
    """

    help = "Create (or promote) the IOM coordinator who administers this installation."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="", help="Full name")
        parser.add_argument("--organisation", default="IOM", help="Name of the IOM organisation")

    def handle(self, *args, email: str, name: str, organisation: str, **options):
        try:
            with transaction.atomic():
                user = iom_admin_create(email=email, full_name=name, organisation_name=organisation)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{user.email} is an IOM coordinator and administrator of {user.organisation}.\n"
            "Set the password with 'Forgot your password?' on the login page; the portal then "
            "asks for a second factor (TOTP) at the first sign-in."
        )
