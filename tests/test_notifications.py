"""thamm.notifications: one `notify` that writes in each recipient's language, lists the message on
their notifications page, counts it in the navigation without a query, and e-mails it once after
the commit; what a user typed reads as data."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.factories import member
from thamm.models import Notification
from thamm.notifications import notifications_email, notify


def tell(world, recipients, *, name="Meccanica Orobica", link="/advisors/"):
    company = world.company_a_profile
    company.legal_name = name
    return notify(
        recipients=recipients,
        kind="company.chamber_named",
        template="companies/email/chamber_named",
        context={"company": company},
        link=link,
    )


def test_each_recipient_reads_it_in_their_language_and_gets_one_email_after_the_commit(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world.chamber.language = "it"
    world.chamber.save()
    world.iom.language = "fr"
    world.iom.save()
    with django_capture_on_commit_callbacks() as callbacks:
        tell(world, [world.chamber, world.iom])
        assert mailoutbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    italian, french = (Notification.objects.get(recipient=u) for u in (world.chamber, world.iom))
    assert "chiede aiuto" in italian.subject and "Meccanica Orobica" in italian.subject
    assert "demande" in french.subject.lower()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.chamber.email, world.iom.email])
    assert all(m.body.rstrip().endswith("/advisors/") for m in mailoutbox)
    assert notifications_email(notification_ids=[italian.pk, french.pk]) == 0  # never twice
    assert len(mailoutbox) == 2


def test_typed_text_reads_as_data_not_as_the_portals_words(world, mailoutbox):
    name = "Verify your account at http://evil.example <b>now</b>"
    (notification,) = tell(world, [world.chamber], name=name)
    quoted = f"\u2068{name}\u2069"  # isolated, between the language's quotation marks
    assert f"“{quoted}”" in notification.subject or f"«{quoted}»" in notification.subject
    client = Client()
    client.force_login(world.chamber)
    page = client.get(reverse("notifications")).content.decode()
    assert "<b>now</b>" not in page and "&lt;b&gt;now&lt;/b&gt;" in page


def test_the_navigation_counts_unread_ones_without_a_query(world):
    tell(world, [world.chamber])
    tell(world, [world.chamber])
    assert User.objects.get(pk=world.chamber.pk).unread_notifications == 2
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.chamber)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("notifications")).content.decode()
    assert '2<span class="visually-hidden"> unread' in page
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "notification" in q["sql"]]
    assert counts == []


def test_opening_one_reads_it_and_goes_to_its_page_and_others_are_404(world):
    (notification,) = tell(world, [world.chamber])
    other = Client()
    other.force_login(world.chamber_b)
    url = reverse("notification_open", args=[notification.pk])
    assert other.get(url).status_code == 404
    assert world.chamber_b.email not in other.get(reverse("notifications")).content.decode()
    client = Client()
    client.force_login(world.chamber)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/advisors/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert User.objects.get(pk=world.chamber.pk).unread_notifications == 0
    client.get(url)  # opening it again counts nothing twice
    assert User.objects.get(pk=world.chamber.pk).unread_notifications == 0


def test_mark_all_as_read(world):
    tell(world, [world.chamber])
    tell(world, [world.chamber, world.chamber_b])
    client = Client()
    client.force_login(world.chamber)
    assert client.post(reverse("notifications_read")).status_code == 302
    assert not Notification.objects.filter(recipient=world.chamber, read_at__isnull=True).exists()
    assert User.objects.get(pk=world.chamber.pk).unread_notifications == 0
    assert User.objects.get(pk=world.chamber_b.pk).unread_notifications == 1  # theirs stay


def test_nobody_inactive_is_told(world, mailoutbox):
    gone = member("chamber", organisation=world.chamber_org, email="gone@example.org")
    gone.is_active = False
    gone.save()
    assert tell(world, [gone]) == []


def test_an_address_the_mail_server_refuses_does_not_stop_the_others(
    world, monkeypatch, mailoutbox
):
    from smtplib import SMTPRecipientsRefused

    from django.core import mail

    notifications = tell(world, [world.chamber, world.iom], link="")
    real_send = mail.EmailMessage.send

    def refuse_the_first(message, *args, **kwargs):
        if message.to == [world.chamber.email]:
            raise SMTPRecipientsRefused({world.chamber.email: (550, b"no such user")})
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", refuse_the_first)
    assert notifications_email(notification_ids=[n.pk for n in notifications]) == 1
    assert [m.to for m in mailoutbox] == [[world.iom.email]]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()  # no retry loop


def test_a_latin_name_in_an_arabic_message_is_isolated(world):
    world.chamber.language = "ar"
    world.chamber.save()
    (notification,) = tell(world, [world.chamber], name="Automazioni Emiliane S.p.A.")
    # First-strong isolate … pop directional isolate: the name keeps its own direction.
    assert "\u2068Automazioni Emiliane S.p.A.\u2069" in notification.subject
    assert "\u2068Automazioni Emiliane S.p.A.\u2069" in notification.body
