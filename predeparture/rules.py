"""The steps of a case and its legal deadlines (DESIGN.md §4; art. 23 D.Lgs. 286/1998 and
art. 22 for the nulla osta, the visa and the contratto di soggiorno).

`STEPS` is the law's order: for each step the party responsible for it, who else may record
it, what it records (a reference number and its label, whether its date may lie in the future),
and the earlier steps the law lets it come before (done out of order only with a reason, kept
with who gave it).

`deadlines()` computes a case's deadlines from its data, with no query: pages and the daily
reminders read the same answer. Months are counted as the civil code counts them (art. 2963:
the term ends on the same day of the month, or on the month's last day when it has no such day),
which is `dateutil.relativedelta`'s rule.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _l

from accounts.models import Role

from .models import Step

K = Step.Kind

# The parties, as the roles whose people act for them (a company's advisor acts for it).
COMPANY, CANDIDATE, CENTRE, IOM = Role.COMPANY, Role.CANDIDATE, Role.CENTRE, Role.IOM

NULLA_OSTA_VALID = relativedelta(months=6)
PASSPORT_BEYOND_VISA = relativedelta(months=3)
CONTRACT_WITHIN = datetime.timedelta(days=8)


@dataclass(frozen=True)
class StepRule:
    kind: str
    responsible: str
    # Roles that may record it besides IOM (who coordinates every case).
    recorded_by: tuple[str, ...]
    reference_label: object = ""  # "" when the step has no reference number
    reference_required: bool = False
    future_date: bool = False  # an appointment may be booked ahead
    may_precede: tuple[str, ...] = ()  # earlier steps the law lets it come before
    manual: bool = True  # recorded by people (the acceptance is the offer's own)


STEPS: tuple[StepRule, ...] = (
    StepRule(K.LISTED, CENTRE, (CENTRE,), _l("SILEN listing number")),
    StepRule(K.ACCEPTED, CANDIDATE, (), manual=False),
    StepRule(
        K.NULLA_OSTA_REQUESTED,
        COMPANY,
        (COMPANY,),
        _l("ALI request number"),
        reference_required=True,
        # The employer may ask for the nulla osta while the listing is being completed.
        may_precede=(K.LISTED,),
    ),
    StepRule(
        K.NULLA_OSTA_ISSUED, COMPANY, (COMPANY,), _l("Nulla osta number"), reference_required=True
    ),
    StepRule(
        K.VISA_APPLIED,
        CANDIDATE,
        (CANDIDATE, COMPANY),
        _l("Appointment reference"),
        future_date=True,
    ),
    StepRule(K.VISA_ISSUED, CANDIDATE, (CANDIDATE, COMPANY), _l("Visa number"), True),
    StepRule(
        K.ORIENTATION,
        CENTRE,
        (CENTRE,),
        # Orientation is held while the papers are on their way.
        may_precede=(K.NULLA_OSTA_REQUESTED, K.NULLA_OSTA_ISSUED, K.VISA_APPLIED, K.VISA_ISSUED),
    ),
    StepRule(K.ARRIVED, CANDIDATE, (CANDIDATE, COMPANY)),
    StepRule(K.CONTRACT_SIGNED, COMPANY, (COMPANY,)),
    StepRule(K.REGISTERED, COMPANY, (COMPANY,), _l("Codice fiscale")),
    StepRule(K.EMPLOYED, COMPANY, (COMPANY,)),
)
RULES = {rule.kind: rule for rule in STEPS}

PARTY_LABELS = {
    COMPANY: _l("The employer"),
    CANDIDATE: _l("The worker"),
    CENTRE: _l("The training centre"),
    IOM: _l("IOM"),
}
# Each step as the worker reads it on their home page and their case, in plain words.
FOR_WORKER = {
    K.LISTED: _l(
        "Your training centre puts you on the Ministry of Labour's list of trained workers."
    ),
    K.ACCEPTED: _l("You accept the offer and its terms."),
    K.NULLA_OSTA_REQUESTED: _l(
        "Your employer asks the Italian authorities for the nulla osta, the permission to hire you."
    ),
    K.NULLA_OSTA_ISSUED: _l(
        "The Italian immigration office (Sportello Unico) issues the nulla osta."
    ),
    K.VISA_APPLIED: _l(
        "You book an appointment at the Italian consulate and apply for your work visa there."
    ),
    K.VISA_ISSUED: _l("The consulate gives you your work visa."),
    K.ORIENTATION: _l("You attend the pre-departure orientation; your journey is booked."),
    K.ARRIVED: _l("You travel to Italy."),
    K.CONTRACT_SIGNED: _l(
        "Within 8 days of arriving, you and your employer sign the contratto di soggiorno and "
        "ask for your permesso di soggiorno."
    ),
    K.REGISTERED: _l(
        "You get your codice fiscale, residence and health card, and collect your permit."
    ),
    K.EMPLOYED: _l("You start work."),
}
POSITION = {rule.kind: number for number, rule in enumerate(STEPS, start=1)}


def acting(role: str) -> str:
    """The party people of `role` act for: a chamber advisor acts for the company."""
    return COMPANY if role == Role.CHAMBER else role


def may_record(rule: StepRule, role: str) -> bool:
    """Whether people of `role` record this step (an advisor records the company's)."""
    if not rule.manual:
        return False
    return acting(role) == IOM or acting(role) in rule.recorded_by


def may_upload(doc_type, user) -> bool:
    """Whether `user` uploads documents of `doc_type` (a DocumentType): its uploading party
    (an advisor for the company), or IOM."""
    return acting(user.role) in (doc_type.uploaded_by, IOM)


def may_verify(doc_type, user) -> bool:
    """Whether `user` verifies documents of `doc_type`: its verifying party, or IOM."""
    return acting(user.role) in (doc_type.verified_by, IOM)


# Deadlines ------------------------------------------------------------------------------------


class Deadline:
    VISA_REQUEST = "visa_request"
    PASSPORT = "passport"
    CONTRACT = "contract"
    START = "start"


DEADLINE_LABELS = {
    Deadline.VISA_REQUEST: _l("Ask for the visa before the nulla osta expires"),
    Deadline.PASSPORT: _l("Passport valid at least 3 months beyond the visa's end"),
    Deadline.CONTRACT: _l("Sign the contratto di soggiorno within 8 days of arrival"),
    Deadline.START: _l("Arrive by the start date in the offer"),
}
# Who is reminded of each: the party whose step meets it.
DEADLINE_PARTY = {
    Deadline.VISA_REQUEST: CANDIDATE,
    Deadline.PASSPORT: CANDIDATE,
    Deadline.CONTRACT: COMPANY,
    Deadline.START: COMPANY,
}


@dataclass(frozen=True)
class DeadlineState:
    kind: str
    due_on: datetime.date
    met: bool  # the step that meets it is done (in time or not)
    late: bool  # met after the date, or not met and the date has passed
    days: int  # from the day asked about to the date (negative once passed)

    @property
    def label(self) -> str:
        return str(DEADLINE_LABELS[self.kind])

    @property
    def party(self) -> str:
        return DEADLINE_PARTY[self.kind]


def deadlines(
    *,
    done: dict[str, datetime.date],
    passport_expiry: datetime.date | None,
    visa_valid_until: datetime.date | None,
    start_date: datetime.date | None,
    today: datetime.date,
    expected_arrival: datetime.date | None = None,
) -> list[DeadlineState]:
    """A case's deadlines from the dates its steps were done (`done`: kind → date), the
    passport's expiry, the visa's end, the offer's start date and the expected arrival;
    soonest first."""
    out = []

    def state(kind, due, met, late):
        return DeadlineState(kind, due, met, late, (due - today).days)

    issued = done.get(K.NULLA_OSTA_ISSUED)
    if issued is not None:
        due = issued + NULLA_OSTA_VALID
        applied = done.get(K.VISA_APPLIED)
        met = applied is not None
        out.append(state(Deadline.VISA_REQUEST, due, met, (applied > due) if met else today > due))
    if visa_valid_until is not None and passport_expiry is not None:
        due = visa_valid_until + PASSPORT_BEYOND_VISA
        ok = passport_expiry >= due
        # Met when the passport lasts long enough; otherwise late at once: it must be renewed.
        out.append(state(Deadline.PASSPORT, due, ok, not ok))
    arrived = done.get(K.ARRIVED)
    if arrived is not None:
        due = arrived + CONTRACT_WITHIN
        signed = done.get(K.CONTRACT_SIGNED)
        met = signed is not None
        out.append(state(Deadline.CONTRACT, due, met, (signed > due) if met else today > due))
    if start_date is not None:
        met = arrived is not None
        if met:
            late = arrived > start_date
        else:  # the date has passed, or the travel planned lands after it
            late = today > start_date or bool(expected_arrival and expected_arrival > start_date)
        out.append(state(Deadline.START, start_date, met, late))
    return sorted(out, key=lambda d: (d.due_on, d.kind))
