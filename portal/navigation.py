"""The main navigation: one registry of entries, each with who sees it, read by base.html.

A new page that belongs in the navigation adds one `Entry` here (label, URL name, who sees it);
the layout holds no role literals.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from thamm.rows import address


@dataclass(frozen=True)
class Entry:
    label: str
    shows: Callable
    url_name: str = ""
    # For an entry whose address depends on the person (their organisation's page).
    href: Callable | None = None


def _roles(*roles: str) -> Callable:
    return lambda user: user.role in roles


ENTRIES = (
    Entry(_("Home"), lambda user: True, url_name="home"),
    Entry(
        _("My organisation"),
        lambda user: user.organisation is not None,
        href=lambda user: user.organisation.get_absolute_url(),
    ),
    Entry(_("Candidates"), _roles(Role.CENTRE, Role.IOM), url_name="candidates:list"),
    Entry(_("Cohorts"), _roles(Role.CENTRE, Role.IOM), url_name="training:cohort_list"),
    Entry(_("Invitations"), lambda user: user.is_org_admin, url_name="accounts:invitation_list"),
    Entry(_("My company"), _roles(Role.COMPANY), url_name="companies:list"),
    Entry(_("Companies"), _roles(Role.CHAMBER, Role.IOM), url_name="companies:list"),
    Entry(_("Paperwork"), _roles(Role.CHAMBER, Role.IOM), url_name="companies:paperwork"),
    Entry(
        _("Find candidates"),
        _roles(Role.COMPANY, Role.CHAMBER, Role.IOM),
        url_name="matching:search",
    ),
    Entry(
        _("Applications"),
        _roles(Role.COMPANY, Role.CHAMBER, Role.IOM, Role.CENTRE),
        url_name="matching:applications",
    ),
    Entry(_("Job opportunities"), _roles(Role.CANDIDATE), url_name="matching:my_applications"),
    Entry(
        _("Pre-departure"),
        _roles(Role.COMPANY, Role.CHAMBER, Role.CENTRE, Role.IOM, Role.CANDIDATE),
        url_name="predeparture:cases",
    ),
    Entry(
        _("Chamber advisors"),
        lambda user: user.is_iom or (user.role == Role.CHAMBER and user.is_org_admin),
        url_name="accounts:advisor_assignments",
    ),
)


def navigation_for(user, *, path: str = "") -> list[dict]:
    """The entries `user` sees, in order: label, address, and whether it is the current page."""
    if not user.is_authenticated:
        return []
    items = []
    for entry in ENTRIES:
        if not entry.shows(user):
            continue
        href = entry.href(user) if entry.href else address(entry.url_name)
        items.append({"label": entry.label, "href": href, "current": href == path})
    return items
