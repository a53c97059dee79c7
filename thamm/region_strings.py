"""Region names shown to people, marked for translation (pycountry has no Arabic for them).

The names are pycountry's (thamm.scheme strips its annotations such as "(EH-partial)").
"""

from django.utils.translation import gettext_noop

MOROCCO = [
    gettext_noop("Tanger-Tétouan-Al Hoceïma"),
    gettext_noop("L'Oriental"),
    gettext_noop("Fès-Meknès"),
    gettext_noop("Rabat-Salé-Kénitra"),
    gettext_noop("Béni Mellal-Khénifra"),
    gettext_noop("Casablanca-Settat"),
    gettext_noop("Marrakech-Safi"),
    gettext_noop("Drâa-Tafilalet"),
    gettext_noop("Souss-Massa"),
    gettext_noop("Guelmim-Oued Noun"),
    gettext_noop("Laâyoune-Sakia El Hamra"),
    gettext_noop("Dakhla-Oued Ed-Dahab"),
]
ITALY = [gettext_noop("Lombardia"), gettext_noop("Emilia-Romagna"), gettext_noop("Veneto")]
