"""What the selection does when a candidate moves on below it (candidates.events)."""

from django.dispatch import receiver

from candidates.events import candidate_withdrawn

from .services import applications_end_for_withdrawal


@receiver(candidate_withdrawn, dispatch_uid="matching_candidate_withdrawn")
def end_applications(sender, candidate, by, **kwargs) -> None:
    applications_end_for_withdrawal(candidate=candidate, by=by)
