"""The catalogue's titles, marked for translation (the rows themselves come from a migration)."""

from django.utils.translation import gettext_noop

TITLES = [
    gettext_noop("Automation and PLC programming"),
    gettext_noop("Pneumatics and hydraulics"),
    gettext_noop("Electrical systems"),
    gettext_noop("CNC machining"),
    gettext_noop("Industrial maintenance"),
    gettext_noop("Industrial robotics"),
    gettext_noop("Workplace health and safety"),
    gettext_noop("Italian language"),
    gettext_noop("Civic orientation"),
    gettext_noop("Ethical recruitment (employers)"),
    gettext_noop("Intercultural skills (employers)"),
]
