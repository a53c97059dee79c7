"""The passport's machine-readable zone (ICAO 9303, the two 44-character lines of a TD3
passport): its check digits are checked by the `mrz` library, and its fields compared with the
worker's record, field by field, so that a mistake shows before papers are filed.

Names are compared as the MRZ writes them: ICAO's transliteration into capital Latin letters,
anything else a space (a name too long for the line is cut, so a record's name may continue where
the line ends)."""

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass

import pycountry
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from mrz.base.errors import FieldError
from mrz.base.functions import transliterate
from mrz.checker.td3 import TD3CodeChecker
from mrz.generator.dictionaries.latin_based import transliteration as LATIN

from thamm.exceptions import DomainError

LINE = 44
# The check digits the library reports, by its names.
DIGITS = {
    "document number hash": _l("passport number"),
    "birth date hash": _l("date of birth"),
    "expiry date hash": _l("expiry date"),
    "optional data hash": _l("personal number"),
    "final hash": _l("whole line"),
}
FIELDS = {
    "passport_number": _l("Passport number"),
    "surname": _l("Surname"),
    "given_names": _l("Given names"),
    "nationality": _l("Nationality"),
    "date_of_birth": _l("Date of birth"),
    "sex": _l("Sex"),
    "passport_expiry": _l("Passport expiry"),
}


@dataclass(frozen=True)
class Row:
    field: str
    on_record: str
    in_mrz: str

    @property
    def label(self) -> str:
        return str(FIELDS[self.field])

    @property
    def shown(self) -> tuple[str, str]:
        """The two values as people read them (dates day first)."""
        if self.field in ("date_of_birth", "passport_expiry"):
            return _day_first(self.on_record), _day_first(self.in_mrz)
        return self.on_record, self.in_mrz

    @property
    def matches(self) -> bool:
        return self.on_record == self.in_mrz or _cut(self.on_record, self.in_mrz)


@dataclass(frozen=True)
class Result:
    lines: str
    rows: list[Row]

    @property
    def mismatches(self) -> list[str]:
        return [row.field for row in self.rows if not row.matches]


def _cut(on_record: str, in_mrz: str) -> bool:
    """A name the line had to cut: the record's goes on where the MRZ's stops."""
    return bool(in_mrz) and len(in_mrz) >= 20 and on_record.startswith(in_mrz)


def normalise_lines(text: str) -> str:
    """The two lines as typed or pasted: capitals, no spaces, one line break."""
    lines = [re.sub(r"\s+", "", line).upper() for line in text.strip().splitlines() if line.strip()]
    if len(lines) != 2 or any(len(line) != LINE for line in lines):
        raise DomainError(
            _(
                "Type the two lines at the bottom of the passport's photo page, each of "
                "%(n)s characters (the < signs included)."
            )
            % {"n": LINE}
        )
    return "\n".join(lines)


def as_mrz_name(name: str) -> str:
    """A name as the MRZ writes it: ICAO 9303's transliteration of Latin letters (the `mrz`
    library's: Ü as UE, É as E), capitals, anything else a space."""
    latin = transliterate(name, LATIN, sep=" ")
    plain = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode().upper()
    return " ".join(re.sub(r"[^A-Z]", " ", plain).split())


def _day_first(yymmdd: str) -> str:
    return f"{yymmdd[4:6]}/{yymmdd[2:4]}/{yymmdd[0:2]}" if len(yymmdd) == 6 else yymmdd


def _yymmdd(day: datetime.date | None) -> str:
    return day.strftime("%y%m%d") if day else ""


def _country(alpha_2: str) -> str:
    found = pycountry.countries.get(alpha_2=alpha_2)
    return found.alpha_3 if found else alpha_2


def check(candidate, text: str) -> Result:
    """Check the lines' digits (a DomainError says which fail) and compare them with the
    worker's record."""
    lines = normalise_lines(text)
    try:
        checker = TD3CodeChecker(lines)
    except (FieldError, ValueError, TypeError) as exc:
        raise DomainError(
            _("These lines are not a passport's machine-readable zone: check them as typed.")
        ) from exc
    if not bool(checker):
        failed = {name for name, ok in checker.report.falses if not ok}
        wrong = [str(label) for name, label in DIGITS.items() if name in failed]
        raise DomainError(
            _("The check digit does not hold for: %(fields)s. Check the lines as typed.")
            % {"fields": ", ".join(wrong) or _("the lines")}
        )
    fields = checker.fields()
    rows = [
        Row("passport_number", candidate.passport_number, fields.document_number.replace("<", "")),
        Row("surname", as_mrz_name(candidate.last_name), as_mrz_name(fields.surname)),
        Row("given_names", as_mrz_name(candidate.first_name), as_mrz_name(fields.name)),
        Row("nationality", _country(candidate.nationality), fields.nationality.replace("<", "")),
        Row("date_of_birth", _yymmdd(candidate.date_of_birth), fields.birth_date),
        Row("sex", candidate.sex, fields.sex.replace("<", "")),
        Row("passport_expiry", _yymmdd(candidate.passport_expiry), fields.expiry_date),
    ]
    return Result(lines=lines, rows=rows)


# Reading the lines from a scan (Tesseract) -------------------------------------------------------

MRZ_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"


def ocr_unavailable() -> str:
    """Why scans cannot be read on this machine ("" when they can): Tesseract is a program the
    Dockerfile and CI install (tesseract-ocr)."""
    import shutil

    if shutil.which("tesseract") is None:
        return "Tesseract is not installed (apt-get install tesseract-ocr)"
    return ""


def read_lines(data: bytes) -> str:
    """The two MRZ lines read from a passport page's scan (JPEG or PNG): the lower part of the
    page read by Tesseract with only the MRZ's characters allowed; "" when no two lines of
    about 44 characters are found. What is read is a suggestion the person checks."""
    import pytesseract
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("L")
    width, height = image.size
    if width < 1000:  # small scans read better enlarged
        ratio = 1000 / width
        image = image.resize((1000, int(height * ratio)))
        width, height = image.size
    lower = image.crop((0, int(height * 0.55), width, height))
    text = pytesseract.image_to_string(
        lower, config=f"--psm 6 -c tessedit_char_whitelist={MRZ_CHARACTERS}", timeout=20
    )
    found = [re.sub(r"\s+", "", line) for line in text.splitlines()]
    found = [line for line in found if len(line) >= 20]
    if len(found) < 2:
        return ""
    first, second = found[-2], found[-1]
    # OCR reads a long run of fillers (<) short: the first line ends in them, the second has
    # them in its optional data, before its last two check digits.
    first = first[:LINE].ljust(LINE, "<")
    if len(second) < LINE:
        second = second[:-2].ljust(LINE - 2, "<") + second[-2:]
    return f"{first}\n{_digits_where_digits(second[:LINE])}"


# Where TD3's second line holds digits (check digits, birth and expiry dates; the optional data's
# check digit at 42 is a digit or a filler, which the table leaves alone), and the letters
# OCR takes digits for there (passporteye does the same).
DIGIT_PLACES = [9, *range(13, 20), *range(21, 28), 42, 43]
AS_DIGIT = str.maketrans(
    {
        "O": "0",
        "Q": "0",
        "D": "0",
        "U": "0",
        "I": "1",
        "L": "1",
        "Z": "2",
        "S": "5",
        "G": "6",
        "B": "8",
    }
)


def _digits_where_digits(line: str) -> str:
    characters = list(line)
    for place in DIGIT_PLACES:
        characters[place] = characters[place].translate(AS_DIGIT)
    return "".join(characters)
