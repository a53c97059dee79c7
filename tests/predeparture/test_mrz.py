"""The passport's machine-readable zone: ICAO 9303's check digits (its own specimen), then the
fields against the worker's record, field by field; lines that do not hold change nothing."""

import datetime
import os

import pytest
from django.urls import reverse
from mrz.generator.td3 import TD3CodeGenerator

from candidates.models import Candidate
from predeparture.models import PassportCheck
from predeparture.mrz import as_mrz_name, check, ocr_unavailable
from predeparture.services import passport_check
from thamm.exceptions import DomainError

pytestmark = pytest.mark.django_db

# ICAO Doc 9303 part 4's specimen passport (Utopia, Anna Maria Eriksson).
SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)


def _record(**fields):
    data = {
        "first_name": "Zineb",
        "last_name": "El Ouazzani",
        "passport_number": "ZQ7000001",
        "nationality": "MA",
        "date_of_birth": datetime.date(1998, 4, 12),
        "sex": "F",
        "passport_expiry": datetime.date(2031, 5, 1),
    }
    return Candidate(**(data | fields))


def _mrz(surname="El Ouazzani", given="Zineb", number="ZQ7000001", born="980412", sex="F"):
    return str(TD3CodeGenerator("P", "MAR", surname, given, number, "MAR", born, sex, "310501"))


def test_icaos_specimen_holds_and_is_read_field_by_field():
    result = check(_record(), SPECIMEN)
    read = {row.field: row.in_mrz for row in result.rows}
    assert read == {
        "passport_number": "L898902C3",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "nationality": "UTO",
        "date_of_birth": "740812",
        "sex": "F",
        "passport_expiry": "120415",
    }
    # Another person altogether (of the same sex).
    assert set(result.mismatches) == set(read) - {"sex"}


def test_a_wrong_check_digit_is_named():
    with pytest.raises(DomainError, match="does not hold for: passport number, whole line"):
        check(_record(), SPECIMEN.replace("L898902C36", "L898902C37"))
    with pytest.raises(DomainError, match="date of birth"):
        check(_record(), SPECIMEN.replace("7408122F", "7408132F"))


@pytest.mark.parametrize(
    "typed",
    [
        "P<UTOERIKSSON<<ANNA",  # one short line
        SPECIMEN + "\nEXTRA",  # three lines
        SPECIMEN.replace("P<UTO", "P<UT"),  # 43 characters
    ],
)
def test_lines_of_the_wrong_shape_are_refused(typed):
    with pytest.raises(DomainError, match="each of 44 characters"):
        check(_record(), typed)


def test_the_workers_own_passport_matches_typed_loosely():
    typed = _mrz().lower().replace("\n", "  \n ")  # pasted in lower case, with spaces
    assert check(_record(), typed).mismatches == []


def test_each_difference_is_shown_field_by_field():
    result = check(_record(), _mrz(number="ZQ7000002", born="980421", sex="M"))
    assert result.mismatches == ["passport_number", "date_of_birth", "sex"]
    born = next(row for row in result.rows if row.field == "date_of_birth")
    assert born.shown == ("12/04/98", "21/04/98")


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("El Ouazzani", "EL OUAZZANI"),
        ("Aït-Benhaddou", "AIT BENHADDOU"),
        ("Müller", "MUELLER"),
        ("d'Ávila", "DAVILA"),
    ],
)
def test_names_are_written_as_icao_transliterates_them(name, written):
    assert as_mrz_name(name) == written


def test_given_names_the_line_cut_still_match():
    given = "Fatima Zahra Khadija Oumaima Salma"
    first, second = _mrz().split("\n")
    names = "EL<OUAZZANI<<FATIMA<ZAHRA<KHADIJA<OUMAI"  # 39 characters: the line is full
    assert len(names) == 39
    lines = first[:5] + names + "\n" + second  # the first line has no check digit
    assert check(_record(first_name=given), lines).mismatches == []
    assert check(_record(first_name="Fatima Zahra Khadija"), lines).mismatches == ["given_names"]


def _check_digit(field: str) -> str:
    """ICAO 9303's check digit: weights 7, 3, 1; digits, A=10 … Z=35, filler 0."""

    def value(char: str) -> int:
        return int(char) if char.isdigit() else 0 if char == "<" else ord(char) - 55

    return str(sum(value(c) * (7, 3, 1)[i % 3] for i, c in enumerate(field)) % 10)


def test_the_check_is_kept_on_the_case_and_shown_on_its_page(client_for, world, case):
    candidate = Candidate.objects.get(pk=case.candidate_id)
    lines = str(
        TD3CodeGenerator(
            "P",
            "MAR",
            candidate.last_name,
            candidate.first_name,
            candidate.passport_number,
            "MAR",
            candidate.date_of_birth.strftime("%y%m%d"),
            candidate.sex,
            candidate.passport_expiry.strftime("%y%m%d"),
        )
    )
    kept, result = passport_check(case=case, by=world.candidate, lines=lines)
    assert kept.matches and kept.checked_by == world.candidate
    url = reverse("predeparture:passport_check", kwargs={"pk": case.pk})
    # Another number whose check digit is not the record's (else the lines would still hold:
    # one random number in ten).
    held_digit = lines.splitlines()[1][9]
    number = next(n for n in ("XX0000000", "XX0000001") if _check_digit(n) != held_digit)
    wrong = lines.replace(candidate.passport_number, number)
    page = client_for("company").post(url, {"lines": wrong})
    text = page.content.decode()
    assert "does not hold" in text
    assert PassportCheck.objects.count() == 1  # nothing kept
    other = str(
        TD3CodeGenerator("P", "MAR", "Someone", "Else", "XX0000000", "MAR", "900101", "M", "300101")
    )
    page = client_for("company").post(url, {"lines": other}).content.decode()
    assert "differ from the record" in page and "XX0000000" in page
    assert PassportCheck.objects.first().mismatches[:2] == ["passport_number", "surname"]
    assert (
        "differs from the record"
        in client_for("candidate")
        .get(reverse("predeparture:case", kwargs={"pk": case.pk}))
        .content.decode()
    )


def test_another_company_cannot_check_the_passport(world, case):
    with pytest.raises(DomainError, match="cannot act on this case"):
        passport_check(case=case, by=world.company_b, lines=SPECIMEN)
    assert not PassportCheck.objects.exists()


def _passport_scan(lines: str) -> bytes:
    """A passport's photo page, scanned: a photo, a heading and the two MRZ lines at the bottom
    in a monospace face (DejaVu Sans Mono, which CI installs with the PDF fonts)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1240, 880), (235, 235, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle([60, 80, 360, 480], fill=(180, 180, 190))
    fonts = "/usr/share/fonts/truetype/dejavu/"
    draw.text(
        (420, 100),
        "ROYAUME DU MAROC  PASSEPORT",
        fill=(20, 20, 60),
        font=ImageFont.truetype(fonts + "DejaVuSans.ttf", 36),
    )
    mono = ImageFont.truetype(fonts + "DejaVuSansMono.ttf", 40)
    for number, line in enumerate(lines.split("\n")):
        draw.text((40, 700 + 60 * number), line, fill=(10, 10, 10), font=mono)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@pytest.mark.skipif(
    bool(ocr_unavailable()) and not os.environ.get("CI"), reason=ocr_unavailable() or "ok"
)
def test_the_lines_are_read_from_the_passport_scan_to_be_checked(client_for, world, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from predeparture.models import DocumentType
    from predeparture.services import document_upload, passport_read

    # Fixed data, so that the scan is the same image each run (Tesseract reads the same image
    # the same way; the synthetic scans of other names read less well).
    Candidate.objects.filter(pk=case.candidate_id).update(
        first_name="Zineb",
        last_name="El Ouazzani",
        sex="F",
        date_of_birth=datetime.date(1998, 4, 12),
    )
    candidate = Candidate.objects.get(pk=case.candidate_id)
    with pytest.raises(DomainError, match="no passport scan on the case yet"):
        passport_read(case=case, by=world.candidate)
    lines = _mrz(
        surname=candidate.last_name,
        given=candidate.first_name,
        number=candidate.passport_number,
        born=candidate.date_of_birth.strftime("%y%m%d"),
        sex=candidate.sex,
    )
    document_upload(
        case=case,
        doc_type=DocumentType.objects.get(code="passport"),
        by=world.candidate,
        upload=SimpleUploadedFile("passport.jpg", _passport_scan(lines), "image/jpeg"),
        expires_on=datetime.date(2031, 5, 1),
    )
    assert passport_read(case=case, by=world.candidate) == lines
    page = client_for("company").post(reverse("predeparture:passport_read", kwargs={"pk": case.pk}))
    from django.utils.html import escape

    assert escape(lines.split("\n")[1]) in page.content.decode()  # filled in, to be checked
    assert not PassportCheck.objects.exists()  # nothing checked or kept until submitted
