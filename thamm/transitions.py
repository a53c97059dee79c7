"""Lifecycle moves (DESIGN.md §4, §11): the one way a row changes stage, and the one way to ask
which moves a user may make now.

A `Lifecycle` names a model's stage field and its moves; a `Move` says the stages it starts from,
the one it leads to, whether it needs a reason, and its label. `transition()`:

1. locks the row (SELECT … FOR UPDATE, with the caller's joins: their rows are locked too);
2. checks who moves it (the lifecycle's `may`, which raises DomainError), that the move starts
   from the row's current stage, and that a reason is given when the move needs one;
3. runs the caller's own checks and changes on the locked row (`prepare`, which returns the
   names of the fields it changed);
4. saves the stage, when it changed and the reason, where the model keeps them;
5. records the stage change (thamm.stages) and the audit entry (`<prefix>.<move>`);
6. runs the consequences inside the transaction (`then`) and the side effects once it commits
   (`after_commit`: e-mails, tasks).

`Lifecycle.moves_for(obj, user)` lists the moves the user may make on an object their selector
returned: the same stages and roles the transition checks, which pages show instead of deciding
again.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit
from .exceptions import DomainError
from .stages import stage_record


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str = ""
    # The message that asks for the reason when the move needs one ("" when it needs none).
    reason_required: str = ""
    # Offered to people as such (a button, the stage form); other moves follow from a service
    # with rules of its own (a certification, a consent).
    manual: bool = True


@dataclass(frozen=True)
class Lifecycle:
    model: type[models.Model]
    moves: tuple[Move, ...]
    audit_prefix: str
    # The refusal when a move does not start from the current stage; may name the current stage
    # (`%(status)s` or `%(stage)s`) and the move's target (`%(to)s`).
    refusal: str
    # The roles whose users make these moves, on the objects their selectors let them see.
    roles: tuple[str, ...]
    # The full check of who moves an object (roles and tenancy); raises DomainError.
    may: Callable | None = None
    stage_field: str = "status"
    changed_at_field: str = ""
    reason_field: str = ""
    _by_name: dict = dataclass_field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        self._by_name.update({move.name: move for move in self.moves})

    def move(self, name: str) -> Move:
        try:
            return self._by_name[name]
        except KeyError:
            raise DomainError(_("Unknown action.")) from None

    def label_of(self, stage: str) -> str:
        return str(dict(self.model._meta.get_field(self.stage_field).flatchoices).get(stage, stage))

    @property
    def manual_moves(self) -> dict[str, Move]:
        return {m.name: m for m in self.moves if m.manual}

    def moves_for(self, obj, user) -> dict[str, Move]:
        """The manual moves `user` may make now on `obj`, by name."""
        if getattr(user, "role", None) not in self.roles:
            return {}
        stage = getattr(obj, self.stage_field)
        return {m.name: m for m in self.moves if m.manual and stage in m.sources}


@transaction.atomic
def transition(
    lifecycle: Lifecycle,
    obj: models.Model,
    move: str,
    *,
    by,
    note: str = "",
    checked: bool = False,
    queryset: models.QuerySet | None = None,
    prepare: Callable[[models.Model], Iterable[str] | None] | None = None,
    then: Callable[[models.Model], None] | None = None,
    after_commit: Callable[[models.Model], None] | None = None,
):
    """Make `move` on `obj` (see the module's docstring); returns the locked, saved row.
    `checked`: the caller has already decided who `by` may be (a candidate's own consent)."""
    step = lifecycle.move(move)
    if lifecycle.may is not None and not checked:
        lifecycle.may(obj, by)
    rows = queryset if queryset is not None else lifecycle.model.objects
    locked = rows.select_for_update().get(pk=obj.pk)
    current = getattr(locked, lifecycle.stage_field)
    if current not in step.sources:
        raise DomainError(
            str(lifecycle.refusal)
            % {
                "status": lifecycle.label_of(current),
                "stage": lifecycle.label_of(current),
                "to": lifecycle.label_of(step.target),
            }
        )
    note = note.strip()
    if step.reason_required and not note:
        raise DomainError(str(step.reason_required))
    changed = list(prepare(locked) or ()) if prepare else []
    setattr(locked, lifecycle.stage_field, step.target)
    fields = [lifecycle.stage_field, *changed, "updated_at"]
    if lifecycle.changed_at_field:
        setattr(locked, lifecycle.changed_at_field, timezone.now())
        fields.append(lifecycle.changed_at_field)
    if lifecycle.reason_field:
        setattr(locked, lifecycle.reason_field, note)
        fields.append(lifecycle.reason_field)
    locked.save(update_fields=fields)
    stage_record(obj=locked, from_stage=current, to_stage=step.target, by=by, note=note)
    detail = {"from": current, "to": step.target} | ({"reason": note} if note else {})
    audit(actor=by, action=f"{lifecycle.audit_prefix}.{step.name}", target=locked, detail=detail)
    if then is not None:
        then(locked)
    if after_commit is not None:
        transaction.on_commit(lambda: after_commit(locked))
    return locked
