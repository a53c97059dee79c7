"""The iCalendar (RFC 5545) event an interview's e-mails carry: one event per interview (its
`uid`), replaced by each later update (a higher SEQUENCE) and removed by a cancellation
(METHOD:CANCEL), so the calendar that took the invitation follows the interview."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Interview, InterviewSlot


def interview_event(
    interview: Interview, slot: InterviewSlot, *, cancel: bool = False, attendee: str = ""
) -> str:
    """The .ics text of `interview` at `slot` (an invitation or update; `cancel`: its
    cancellation). Names only in the summary: it is read in any language."""
    application = interview.application
    calendar = Calendar()
    calendar.add("prodid", "-//THAMM portal//interviews//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", interview.uid)
    event.add("sequence", interview.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", slot.starts_at.astimezone(datetime.UTC))
    event.add("dtend", slot.ends_at.astimezone(datetime.UTC))
    event.add("summary", f"THAMM — {application.company.legal_name} — {application.candidate.code}")
    where = interview.video_link if interview.mode == Interview.Mode.VIDEO else interview.place
    event.add("location", where)
    if interview.mode == Interview.Mode.VIDEO:
        event.add("url", interview.video_link)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText("THAMM portal")
    event["organizer"] = organizer
    if attendee:
        event.add("attendee", f"mailto:{attendee}")
    calendar.add_component(event)
    return calendar.to_ical().decode()
