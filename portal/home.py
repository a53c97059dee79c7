"""What each role's home page offers: that role's next actions, built from scoped selectors."""

from django.utils.translation import gettext_lazy as _l

from accounts.models import Role, User
from accounts.selectors import advisor_assignment_list, invitation_list
from candidates.models import PROFILES, STAGE_COUNTS, Candidate
from candidates.selectors import (
    candidate_stage_counts,
    candidate_stage_history,
    consent_needs_renewal,
    own_candidate_record,
)
from companies.models import Company
from companies.selectors import chamber_suggestion, company_list, signed_current_statement
from companies.services import publish_blockers
from matching.models import QUOTA, Application
from matching.selectors import application_list, company_next_steps, quota_figures
from predeparture.selectors import fee_flags, open_steps, own_case, passports_not_returned
from thamm.fragments import SHOWN_DATA
from thamm.reference import VERSION as REFERENCE
from thamm.scheme import current_scheme
from training.selectors import certification_check, result_list

# The worker's stages while a case of theirs is open.
CASE_STAGES = (
    Candidate.Status.SELECTED,
    Candidate.Status.PREDEPARTURE,
    Candidate.Status.ARRIVED,
)

# Each role's home page: the template of its body and its title.
HOME_PAGES_BY_ROLE = {
    Role.CANDIDATE: ("home/candidate.html", _l("My path")),
    Role.CENTRE: ("home/centre.html", _l("Training centre")),
    Role.COMPANY: ("home/company.html", _l("Company")),
    Role.CHAMBER: ("home/chamber.html", _l("Chamber of commerce")),
    Role.IOM: ("home/iom.html", _l("IOM coordination")),
}
NO_ROLE_PAGE = ("home/no_role.html", _l("Home"))

# A home page's body is kept rendered (portal.views.home) under these versions: any row saved or
# deleted but for the kinds no page's kept body shows (thamm.fragments.SHOWN_DATA), and those that
# writes without signals change by hand.
HOME_VERSIONS = (SHOWN_DATA, PROFILES, STAGE_COUNTS, QUOTA, REFERENCE)


def home_context(*, user: User) -> dict:
    """The figures of a signed-in user's home page (its body: portal.home.HOME_PAGES_BY_ROLE)."""
    role = user.role
    context: dict = {
        "role": role,
        "organisation": user.organisation,
    }
    if user.is_org_admin:
        context["pending_invitations"] = invitation_list(user=user, pending=True).count()
    if role == Role.CHAMBER:
        context["assisted_companies"] = list(company_list(user=user))
    if role == Role.IOM:
        context["assignment_count"] = advisor_assignment_list(user=user).count()
        context["pending_companies"] = company_list(
            user=user, status=Company.Status.PENDING
        ).count()
        context["quota"] = quota_figures(user=user)
        context["passports_out"] = passports_not_returned(user=user)
        context["fee_flags"] = fee_flags(user=user)
    if role == Role.CANDIDATE:
        record = own_candidate_record(user=user)
        context["record"] = record
        if record is not None:
            context["history"] = candidate_stage_history(user=user, candidate=record)
            context["notice_outdated"] = consent_needs_renewal(user=user, candidate=record)
            results = result_list(user=user, candidate=record)
            context["results"] = results
            context["check"] = certification_check(
                candidate=record, scheme=current_scheme(), results=results
            )
            context["requests"] = (
                application_list(user=user).filter(status=Application.Stage.SHORTLISTED).count()
            )
    if role == Role.COMPANY:
        company = context["company"] = company_list(user=user).first()
        if company is not None:
            context["blockers"] = publish_blockers(company=company)
            context["signed_current"] = signed_current_statement(user=user, company=company)
            context["next_steps"] = company_next_steps(user=user)
            if not company.chamber_id:  # asked to name one: the chamber of its units' provinces
                context["suggested_chamber"] = chamber_suggestion(company=company)
    if role in (Role.CENTRE, Role.IOM):
        context["candidate_stages"] = candidate_stage_counts(user=user)
    if role == Role.CANDIDATE:
        record = context["record"]
        if record is not None and record.status in CASE_STAGES:  # no query for the others
            context["case_view"] = own_case(user=user)
    else:
        context["case_steps"] = open_steps(user=user)
    return context
