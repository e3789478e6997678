"""The private calendar feed: a person's one-on-ones as iCalendar, for any calendar
app to subscribe to. It holds times, the other person's name and a link to the
meeting page — never an agenda, a note or a goal, since a calendar is often shared
with assistants or shown on other devices."""

import datetime

from icalendar import Calendar, Event

from pmweb import access
from pmweb.meetings import service as meetings
from pmweb.meetings.schedule import as_utc
from pmweb.models import Meeting, utcnow

# Recent meetings stay in the feed for a while, so a calendar keeps last week's.
KEEP_PAST = datetime.timedelta(weeks=4)


def meetings_for(person, today):
    """The person's meetings from four weeks back on, in their current one-on-ones,
    each with its pair (and the pair's people) loaded."""
    pairs = {pair.id: pair for pair in access.current_one_on_ones_of(person, today)}
    meetings.keep_planned(list(pairs.values()))
    if not pairs:
        return []
    since = datetime.datetime.combine(today, datetime.time()) - KEEP_PAST
    found = list(
        Meeting.select()
        .where(Meeting.one_on_one.in_(list(pairs)) & (Meeting.scheduled_for >= since))
        .order_by(Meeting.scheduled_for)
    )
    for meeting in found:
        meeting.one_on_one = pairs[meeting.one_on_one_id]
    return found


def feed(found, person, meeting_url):
    """The iCalendar text of ``found`` meetings as ``person`` sees them."""
    cal = Calendar()
    cal.add("prodid", "-//pmweb//One-on-ones//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "One-on-ones")
    stamp = utcnow().replace(tzinfo=datetime.UTC)
    for meeting in found:
        pair = meeting.one_on_one
        other = pair.other(person)
        starts = as_utc(meeting.scheduled_for, pair.timezone)
        url = meeting_url(meeting)
        event = Event()
        # One UID per meeting, its SEQUENCE growing with each change: a moved meeting
        # moves in the calendar, a skipped one is cancelled there, instead of leaving a
        # stale copy behind.
        event.add("uid", f"meeting-{meeting.id}@pmweb")
        event.add("dtstamp", stamp)
        event.add("dtstart", starts)
        event.add("dtend", starts + datetime.timedelta(minutes=pair.duration_minutes))
        event.add("summary", f"One-on-one: {other.name}")
        event.add("url", url)
        event.add("description", f"Meeting page: {url}")
        event.add("sequence", meeting.schedule_version)
        event.add("status", "CANCELLED" if meeting.is_skipped else "CONFIRMED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
