"""Notifications (DESIGN.md §11): the one way the apps tell a person something.

    notify(recipients=admins, kind="company.chamber_named",
           template="companies/email/chamber_named", context={"company": company},
           link=reverse("accounts:advisor_assignments"))

For each recipient, `notify` writes the subject and the text from `<template>_subject.txt` and
`<template>_body.txt` in the language that person reads (`User.reading_language`), keeps them as
a `Notification` (their list at /notifications/; the unread count in the navigation is a counter
on the user, `User.unread_notifications`, kept here), and e-mails
them once the transaction commits (a task, retried on mail-server errors). The templates are plain
text: what a user typed (a company's name) goes in as data, between quotation marks, never as
the portal's own wording, and nothing is HTML-escaped in an e-mail or left unescaped on a page.
"""

import logging
from collections import Counter
from smtplib import SMTPRecipientsRefused, SMTPSenderRefused

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from .mail import render_message
from .models import Notification
from .scoping import get_visible_or_404

LIST_SIZE = 50
logger = logging.getLogger(__name__)


def notify(
    *,
    recipients,
    kind: str,
    template: str,
    context: dict,
    link: str = "",
    email: bool = True,
    calendar: str = "",
) -> list[Notification]:
    """Tell each recipient (active users) something, in their language; e-mail it after the
    commit unless `email` is False (`calendar`: an iCalendar event the e-mail carries)."""
    notifications = []
    for user in recipients:
        if not user.is_active:
            continue
        subject, body = render_message(template, context, language=user.reading_language)
        notifications.append(
            Notification(
                recipient=user,
                kind=kind,
                subject=subject[:200],
                body=body,
                link=link,
                calendar=calendar,
            )
        )
    Notification.objects.bulk_create(notifications)
    per_user = Counter(n.recipient_id for n in notifications)
    for user_id, count in per_user.items():
        _count(user_id).update(unread_notifications=F("unread_notifications") + count)
    if email and notifications:
        from .tasks import send_notification_emails

        ids = [n.pk for n in notifications]
        transaction.on_commit(lambda: send_notification_emails.delay(notification_ids=ids))
    return notifications


def notifications_email(*, notification_ids: list[int]) -> int:
    """E-mail the notifications not e-mailed yet (the task's work; a re-run sends nothing
    twice). Returns how many were sent."""
    from django.core.mail import EmailMessage

    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    for notification in pending.select_related("recipient").order_by("pk"):
        body = notification.body
        if notification.link:
            body += f"\n\n{settings.PORTAL_URL}{notification.link}"
        message = EmailMessage(
            notification.subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email]
        )
        if notification.calendar:
            method = "CANCEL" if "METHOD:CANCEL" in notification.calendar else "REQUEST"
            message.attach(
                "interview.ics", notification.calendar, f"text/calendar; method={method}"
            )
        try:
            message.send()
        except (SMTPRecipientsRefused, SMTPSenderRefused):
            # This address will be refused every time: the others still get theirs (a retry
            # is for the mail server being away, not for one bad address). It stays in-app.
            logger.warning("notification %s: the mail server refused the address", notification.pk)
        else:
            sent += 1
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return sent


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody sees another person's)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def notification_get(*, user, pk: int) -> Notification:
    return get_visible_or_404(notification_list(user=user), pk=pk)


def notification_read(*, notification: Notification) -> None:
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    ):
        _count(notification.recipient_id).filter(unread_notifications__gt=0).update(
            unread_notifications=F("unread_notifications") - 1
        )


def notifications_read_all(*, user) -> int:
    unread = notification_list(user=user).filter(read_at__isnull=True)
    count = unread.update(read_at=timezone.now())
    # Less what was read, not to nought: one made meanwhile stays counted.
    _count(user.pk).update(
        unread_notifications=Greatest(F("unread_notifications") - count, Value(0))
    )
    return count


def _count(user_id: int):
    """The recipient's row, whose `unread_notifications` counter the navigation shows."""
    return get_user_model().objects.filter(pk=user_id)
