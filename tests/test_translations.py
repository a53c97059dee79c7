"""Every user-facing string is translated: Italian, French, Arabic, English (DESIGN.md §10)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ["it", "fr", "ar", "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_left_empty_or_fuzzy(language):
    po = catalogue(language)
    assert len(po) > 100
    empty = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert not empty, f"{language}: untranslated {empty[:10]}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    for entry in catalogue(language):
        expected = set(PLACEHOLDER.findall(entry.msgid))
        strings = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == expected, (language, entry.msgid, text)


def test_arabic_has_its_six_plural_forms():
    po = catalogue("ar")
    assert "nplurals=6" in po.metadata["Plural-Forms"]
    for entry in po:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == 6 and all(entry.msgstr_plural.values())


def test_compiled_catalogue_is_used_by_the_pages(db):
    """The .mo files are built from the .po files (make translations) and the pages use them."""
    with translation.override("fr"):
        assert translation.gettext("Invite a colleague") != "Invite a colleague"
    page = Client(headers={"accept-language": "ar"}).get("/").content.decode()
    with translation.override("ar"):
        sign_in = translation.gettext("Sign in")
    assert sign_in != "Sign in" and sign_in in page
    assert 'dir="rtl"' in page


def test_catalogues_hold_every_string_of_the_code(tmp_path):
    """Re-extract the strings from a copy of the sources: none may be missing in the catalogues."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is needed under CI")
        pytest.skip("GNU gettext (xgettext) is not installed")
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in files:
        if name.endswith((".py", ".html", ".txt")) and not name.startswith("tests/"):
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
    (tmp_path / "locale").mkdir(exist_ok=True)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="thamm.settings.base")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-location", "-l", "it"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/it/LC_MESSAGES/django.po"))}
    for language in LANGUAGES:
        known = {e.msgid for e in catalogue(language) if not e.obsolete}
        missing = sorted(extracted - known)
        assert not missing, f"{language}: run `make messages` and translate: {missing[:10]}"
