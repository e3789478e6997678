"""Views of preparation: "This week", the question bank, the calendar feed and its
address, and a manager's overview of their team. Thin: load through access,
validate, call a rule, then redirect to the page (its forms pick their own part of it
with hx-select) or show it again with the messages."""

import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required

from pmweb import access, ids, live
from pmweb.meetings import forms as meeting_forms
from pmweb.meetings import service as meetings
from pmweb.models import OneOnOne
from pmweb.prep import calendar, forms, queries, service
from pmweb.prep.questions import THEMES

bp = Blueprint("prep", __name__)
# Calendar apps carry the feed's secret token and no session: the feed is the one
# route of this area without sign-in.
feed_bp = Blueprint("prep_feed", __name__)

THIS_WEEK = "prep/this_week.html"


@bp.before_request
@login_required
def require_login():
    pass


# --- this week --------------------------------------------------------------------


# Cards shown whole when the page opens, the soonest meetings first; the others fold
# to their name and next meeting and are fetched as they come into view, so a manager
# of dozens gets the page at once.
CARDS_SHOWN_WHOLE = 8


def _cards(only_pair_id=None, keep_open=()):
    pairs = access.current_one_on_ones_of(current_user)
    if only_pair_id is not None:
        pairs = pairs.where(OneOnOne.id == only_pair_id)
    pairs = list(pairs)
    meetings.keep_planned(pairs)
    unfolded = None if only_pair_id is not None else CARDS_SHOWN_WHOLE
    return queries.week_cards(current_user, pairs, unfolded, keep_open)


def _page_context(errors, conflicts=None, only_pair_id=None):
    today = access.today()
    # A card just changed, or with a message to show, is shown whole.
    keep_open = {*errors, ids.id_from_query("open")} - {None}
    cards = _cards(only_pair_id, keep_open)
    for card in cards:
        card.note_conflict = (conflicts or {}).get(card.pair.id)
    return {
        "reports": [card for card in cards if card.is_manager],
        "managers": [card for card in cards if not card.is_manager],
        "monday": queries.week_of(today),
        "sunday": queries.week_of(today) + datetime.timedelta(days=6),
        "bank": queries.question_bank(current_user),
        "errors": errors,
    }


@bp.route("/this-week")
def this_week():
    """The page, or with ``?card=<one-on-one id>`` that one card alone: what a card
    fetches when the live stream says its pair changed (nothing, once the pair has
    ended)."""
    only_pair_id = ids.id_from_query("card")
    context = _page_context({}, only_pair_id=only_pair_id)
    if only_pair_id is not None:
        return render_template(
            "prep/_cards.html", cards=context["reports"] + context["managers"], **context
        )
    return render_template(THIS_WEEK, **context)


@bp.route("/this-week/live")
def live_updates():
    """Server-Sent Events: which cards changed. Follows every open meeting of the
    user's current one-on-ones. No content travels here. Nothing to follow is 204,
    which a page does not ask again."""
    user = current_user._get_current_object()
    pair_ids = {pair.id for pair in access.current_one_on_ones_of(user)}
    if not pair_ids:
        return Response(status=204)

    def open_meetings():
        return queries.open_meetings_of(access.current_one_on_ones_of(user))

    config = current_app.config
    return live.stream_response(
        live.week_event_stream(
            live.broker(),
            open_meetings(),
            open_meetings,
            may_continue=lambda: access.week_stream_may_continue(
                user.session_token, user, pair_ids
            ),
            heartbeat=config["LIVE_HEARTBEAT_SECONDS"],
            lifetime=config["LIVE_STREAM_SECONDS"],
        ),
        user.id,
        user.session_token,
    )


def _card_answer(meeting, errors=None, conflict=None, status=200):
    """After a change to a card: the page at that card, or the page with the card's
    messages when the change was refused. The card's forms pick their own part of
    the page (``hx-select``), so a box being typed in elsewhere on the card keeps its
    text."""
    pair_id = meeting.one_on_one_id
    if status == 200:
        return redirect(
            url_for(".this_week", open=pair_id, _anchor=f"one-on-one-{pair_id}"), code=303
        )
    context = _page_context({pair_id: errors or {}}, {pair_id: conflict})
    return Response(render_template(THIS_WEEK, **context), status)


@bp.route("/this-week/meetings/<int:meeting_id>/talking-points", methods=["POST"])
def add_talking_point(meeting_id):
    """A talking point added ahead of the meeting: written or picked from the bank."""
    meeting = access.get_editable_meeting_or_404(current_user, meeting_id).meeting
    form = meeting_forms.TalkingPointForm()
    if not form.validate():
        return _card_answer(meeting, {"text": form.text.errors}, status=422)
    meetings.add_talking_point(meeting, current_user.id, form.text.data)
    live.publish(meeting.id, "agenda")
    return _card_answer(meeting)


@bp.route("/this-week/meetings/<int:meeting_id>/private-note", methods=["POST"])
def save_private_note(meeting_id):
    """The user's own prep note for the meeting: the same private note the meeting
    page shows them, and nobody else."""
    meeting = access.get_editable_meeting_or_404(current_user, meeting_id).meeting
    form = meeting_forms.PrivateNoteForm()
    if not form.validate():
        return _card_answer(meeting, {"body": form.body.errors}, status=422)
    try:
        meetings.save_private_note(meeting, current_user.id, form.body.data, form.version.data)
    except meetings.StaleEdit as stale:
        conflict = {"mine": form.body.data, "theirs": stale.current.body}
        return _card_answer(meeting, conflict=conflict, status=409)
    return _card_answer(meeting)


# --- the question bank ------------------------------------------------------------


def _questions_page(form, status=200):
    return Response(
        render_template(
            "prep/questions.html",
            form=form,
            questions=queries.own_questions(current_user),
            built_in=queries.built_in_bank(),
            themes=THEMES,
        ),
        status,
    )


@bp.route("/questions")
def questions():
    return _questions_page(forms.QuestionForm(formdata=None))


@bp.route("/questions", methods=["POST"])
def add_question():
    form = forms.QuestionForm()
    if not form.validate():
        return _questions_page(form, 422)
    service.add_question(current_user.id, form.theme.data, form.text.data)
    return redirect(url_for(".questions"), code=303)


@bp.route("/questions/<int:question_id>/delete", methods=["POST"])
def delete_question(question_id):
    question = access.get_own_question_or_404(current_user, question_id)
    if not forms.ConfirmForm().validate():
        abort(400)
    service.remove_question(question)
    return redirect(url_for(".questions"), code=303)


# --- the calendar feed ------------------------------------------------------------


@bp.route("/calendar")
def calendar_settings():
    feed = access.calendar_feed_of(current_user)
    return render_template(
        "prep/calendar.html",
        feed_url=(
            url_for("prep_feed.calendar_feed", token=feed.token, _external=True) if feed else None
        ),
    )


@bp.route("/calendar/address", methods=["POST"])
def new_calendar_address():
    """A new secret address; the one before stops working at once."""
    if not forms.ConfirmForm().validate():
        abort(400)
    service.new_calendar_address(current_user.id)
    return redirect(url_for(".calendar_settings"), code=303)


@bp.route("/calendar/off", methods=["POST"])
def turn_calendar_off():
    if not forms.ConfirmForm().validate():
        abort(400)
    service.turn_calendar_off(current_user.id)
    return redirect(url_for(".calendar_settings"), code=303)


@feed_bp.route("/calendar/<token>.ics")
def calendar_feed(token):
    """The person's one-on-ones as iCalendar: times, the other person, a link. No
    agenda, note or goal ever goes into it."""
    owner = access.get_calendar_owner_or_404(token)
    body = calendar.feed(
        calendar.meetings_for(owner, access.today()),
        owner,
        meeting_url=lambda meeting: url_for(
            "meetings.meeting", meeting_id=meeting.id, _external=True
        ),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="one-on-ones.ics"'
    return response


# --- a manager's team -------------------------------------------------------------


@bp.route("/team")
def team():
    """Each current report of the user in numbers: how long since the last one-on-one,
    meetings skipped or not held, open and overdue action items. No content."""
    today = access.today()
    pairs = list(access.current_reports_of(current_user, today))
    rows = sorted(queries.team_numbers(pairs, today), key=lambda row: row.pair.employee.name)
    return render_template("prep/team.html", rows=rows)
