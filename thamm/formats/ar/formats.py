# Django's Arabic formats have no short date-time format (the US default would apply): the same
# day-first formats as English, as in Morocco.
from thamm.formats.en.formats import *  # noqa: F403
