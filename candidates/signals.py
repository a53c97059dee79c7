"""Reactions to other apps' events."""

from django.dispatch import receiver

from accounts.signals import candidate_invitation_accepted


@receiver(candidate_invitation_accepted)
def link_the_login_to_the_record(sender, invitation, user, **kwargs):
    """The login made from a candidate's invitation opens that candidate's record."""
    from .services import candidate_link_login

    candidate_link_login(invitation=invitation, user=user)
