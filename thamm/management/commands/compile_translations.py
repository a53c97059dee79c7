from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """Compile every locale/*/LC_MESSAGES/*.po into .mo with polib.

    Unlike `compilemessages` this needs no GNU gettext, so `make run` works on a machine that has
    only Python. Fuzzy and untranslated entries are left out, as msgfmt does.
    """

    help = "Compile the project's .po translation files into .mo files (no gettext needed)."

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                po = polib.pofile(str(po_path))
                po.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"Compiled {count} translation file(s).")
