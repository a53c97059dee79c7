import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from demo.files import DemoDataError
from demo.seed import DEMO_PASSWORD, seed


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
        try:
            with _quiet_task_log(), _demo_mail_kept_in_memory():
                seeded = seed()
        except DemoDataError as exc:  # a data file names something that is not there
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        self.stdout.write(f"  {seeded.candidates}")
        self.stdout.write(f"  {seeded.companies}")
        self.stdout.write(f"  {seeded.selection}")
        for login in seeded.logins:
            line = f"  {login.role:<22} {login.email:<34} {login.organisation}"
            if login.totp_secret:
                line += f"\n  {'':<22} MFA: TOTP secret {login.totp_secret} (any authenticator app)"
            self.stdout.write(line)


def _demo_mail_kept_in_memory():
    """The demo's people are told of what happens to them as anyone is (notifications, listed
    at /notifications/), but their addresses are made up: the e-mails the seed's notifications
    cause, some two hundred, go to an outbox in memory instead of `make run`'s console, where
    they would bury the logins."""
    return override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


@contextmanager
def _quiet_task_log():
    """Under `make run` the tasks the seed queues run in-process and log a line each, some thirty
    (the candidates' invitations, used before the seed commits so that none is sent, and the
    chambers' notifications): the seed's output is the logins."""
    logger = logging.getLogger("celery.app.trace")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
