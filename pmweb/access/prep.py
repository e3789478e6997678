"""Preparation: a person's own question bank, their calendar feed, and the "This week"
stream, which follows the open meetings of their current one-on-ones and carries no
content."""

from pmweb.access.common import first_or_404
from pmweb.access.meetings import current_one_on_ones_of
from pmweb.auth import session_is_open
from pmweb.models import CalendarFeed, OneOnOne, Question, User


def get_own_question_or_404(user, question_id):
    """A question of the user's own bank; everyone else's are not found."""
    return first_or_404(
        Question.select().where((Question.id == question_id) & (Question.owner == user.id))
    )


def calendar_feed_of(user):
    return CalendarFeed.get_or_none(CalendarFeed.user == user.id)


def get_calendar_owner_or_404(token):
    """The person whose feed ``token`` opens. The token is the only credential a
    calendar app can send, so a wrong, replaced or turned-off token, or a deactivated
    account, is simply not found."""
    feed = first_or_404(
        CalendarFeed.select(CalendarFeed, User)
        .join(User)
        .where((CalendarFeed.token == token) & User.deactivated_at.is_null())
    )
    return feed.user


def week_stream_may_continue(session_token, user, pair_ids):
    """Asked by an open "This week" stream before everything it sends: the sign-in
    behind it still lasts (not signed out, not deactivated) and the user's current
    one-on-ones are still ``pair_ids`` — none ended, none began. Its signals carry no
    content; each card it refreshes is fetched through the access-checked page."""
    if not session_is_open(session_token):
        return False
    current = current_one_on_ones_of(user).select(OneOnOne.id).tuples()
    return {pair_id for (pair_id,) in current} == set(pair_ids)
