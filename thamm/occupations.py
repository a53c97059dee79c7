"""The curated list of mechatronics occupations (ISCO-08), shared by candidates and vacancies."""

from django.utils.translation import gettext_lazy as _

# ISCO-08 unit group code → label. Short on purpose: the scheme's sector only.
OCCUPATIONS = {
    "3115": _("Mechanical engineering technician / mechatronics technician"),
    "3113": _("Electrical engineering technician"),
    "3114": _("Electronics engineering technician"),
    "3122": _("Manufacturing supervisor"),
    "7212": _("Welder and flame cutter"),
    "7223": _("Metal working machine tool setter and operator (CNC)"),
    "7233": _("Agricultural and industrial machinery mechanic and repairer"),
    "7412": _("Electrical mechanic and fitter"),
    "7421": _("Electronics mechanic and servicer"),
    "8211": _("Mechanical machinery assembler"),
}


def occupation_label(code: str) -> str:
    return str(OCCUPATIONS.get(code, code))
