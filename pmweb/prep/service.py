"""The rules of preparation that write: each person's own question bank and their
calendar feed's secret address. Permission is checked before they are called."""

import secrets

from pmweb.db import write_transaction
from pmweb.models import CalendarFeed, Question


def add_question(owner_id, theme, text):
    return Question.create(owner=owner_id, theme=theme, text=text)


def remove_question(question):
    Question.delete().where(Question.id == question.id).execute()


def new_calendar_address(user_id):
    """A fresh secret token for the user's feed; the one before stops working at once."""
    with write_transaction():
        CalendarFeed.delete().where(CalendarFeed.user == user_id).execute()
        return CalendarFeed.create(user=user_id, token=secrets.token_urlsafe(32))


def turn_calendar_off(user_id):
    CalendarFeed.delete().where(CalendarFeed.user == user_id).execute()
