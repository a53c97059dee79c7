from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from candidates import demo as candidates_demo
from companies import demo as companies_demo
from training import demo as training_demo


class Command(BaseCommand):
    help = (
        "Create the demo organisations and one login per role (idempotent), and print the logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (never on a production database).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates known passwords: run it with DEBUG on, or --force."
            )
        with transaction.atomic():
            logins = accounts_demo.seed()
            candidates = candidates_demo.seed()
            certified = training_demo.seed()
            companies = companies_demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Logins (password for all: {accounts_demo.DEMO_PASSWORD}):"
            )
        )
        self.stdout.write(
            f"  {candidates} demo candidates at the two training centres, {certified} certified."
        )
        self.stdout.write(f"  {companies}")
        for login in logins:
            line = f"  {login.role:<22} {login.email:<34} {login.organisation}"
            if login.totp_secret:
                line += f"\n  {'':<22} MFA: TOTP secret {login.totp_secret} (any authenticator app)"
            self.stdout.write(line)
