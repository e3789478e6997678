"""Views of the one-on-one area: thin — load through access, validate, call a rule,
render the fragment (htmx) or redirect (plain form)."""

import datetime
import math

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from pmweb import access, accounts, formatting, ids, live
from pmweb.forms import stored_values
from pmweb.goals import forms as goal_forms
from pmweb.goals import progress as goal_progress
from pmweb.goals import queries as goal_queries
from pmweb.goals import service as goal_service
from pmweb.goals import views as goal_views
from pmweb.growth import forms as growth_forms
from pmweb.growth import queries as growth_queries
from pmweb.growth import service as growth_service
from pmweb.growth import views as growth_views
from pmweb.htmx import done, is_partial_request, render_page
from pmweb.meetings import forms, queries, service
from pmweb.models import CheckIn

bp = Blueprint("meetings", __name__)

MEETING_PAGE = "meetings/meeting.html"


@bp.before_request
@login_required
def require_login():
    pass


# --- home and the pair page ------------------------------------------------------


@bp.route("/")
def home():
    today = access.today()
    rows = queries.home_rows(access.one_on_ones_visible_to(current_user), today)
    overdue = queries.overdue_counts(service.local_dates(rows))
    current = [row for row in rows if row.is_current]
    handoff = access.own_current_handoff(current_user)
    return render_template(
        "meetings/home.html",
        reports=[row for row in current if row.manager_id == current_user.id],
        managers=[row for row in current if row.employee_id == current_user.id],
        past=[row for row in rows if not row.is_current],
        overdue=overdue,
        handoff_to_decide=handoff if handoff and handoff.decided_at is None else None,
        account_events=accounts.events_of(
            current_user, since=access.now() - ACCOUNT_EVENTS_ON_HOME
        ),
    )


# Changes to a person's account and reporting lines stay on Home this long (and on
# their account page for good).
ACCOUNT_EVENTS_ON_HOME = datetime.timedelta(days=30)


PAIR_PAGE = "meetings/one_on_one.html"


def _pair_context(found, **overrides):
    """Everything the pair page and its fragments show."""
    pair = found.pair
    per_page = current_app.config["MEETINGS_PER_PAGE"]
    page = ids.page_from_query(per_page)
    query_text = request.args.get("q", "").strip()[:200]
    today = service.local_today(pair)
    meetings, total = queries.past_meetings(pair, today, page, per_page)
    context = {
        "pair": pair,
        "other": pair.other(current_user),
        "grant": found.grant,
        "line_is_current": found.line_is_current,
        "upcoming": queries.upcoming_meetings(pair, today),
        "today": today,
        "meetings": meetings,
        "page": page,
        "pages": max(1, math.ceil(total / per_page)),
        "query_text": query_text,
        "results": queries.search(pair, query_text) if query_text else None,
        "cadence_form": forms.CadenceForm(formdata=None, data=stored_values(pair)),
        "can_edit": access.can_edit_one_on_one(found),
        "saved": False,
    }
    context.update(overrides)
    return context


@bp.route("/one-on-ones/<int:pair_id>")
def one_on_one(pair_id):
    found = access.get_one_on_one_for_reading_or_404(current_user, pair_id)
    return render_page(PAIR_PAGE, "history", **_pair_context(found))


@bp.route("/one-on-ones/<int:pair_id>/cadence", methods=["POST"])
def set_cadence(pair_id):
    found = access.get_one_on_one_or_404(current_user, pair_id)
    access.require_one_on_one_editable(
        found, "This one-on-one has ended; its schedule can no longer be changed."
    )
    pair = found.pair
    # Given what is stored, so the pair's own time stays on offer, on the grid or not.
    form = forms.CadenceForm(data=stored_values(pair))
    if not form.validate():
        return render_page(
            PAIR_PAGE, "cadence", status=422, **_pair_context(found, cadence_form=form)
        )
    moved = service.set_cadence(
        pair, form.cadence.data, form.weekday.data, form.time_of_day.data, service.local_now(pair)
    )
    for meeting_id in moved:
        live.publish(meeting_id, "meeting")
    return done(
        PAIR_PAGE,
        "cadence",
        url_for(".one_on_one", pair_id=pair.id),
        lambda: _pair_context(found, saved=True),
    )


# --- the meeting page ------------------------------------------------------------
#
# Each block of the page loads only what it shows: a live refresh of the agenda
# reads the agenda, not the goals. The whole page is the union of its blocks.

# Blank forms only carry values and errors to the template, which writes the CSRF
# token itself; leaving CSRF out of them keeps them cheap to make.
BLANK = {"csrf": False}


def _every_block(found):
    """What every block of the meeting page shows: the meeting, its pair, the other
    person, and whether the viewer may change it."""
    pair = found.pair
    return {
        "meeting": found.meeting,
        "pair": pair,
        "other": pair.other(current_user),
        "today": access.today(),
        "can_edit": access.can_edit_meeting(found),
    }


def _header(found):
    previous, following = queries.neighbours(found.meeting)
    meeting = found.meeting
    until = (
        service.reopen_until(meeting, access.now()) if access.can_reopen_meeting(found) else None
    )
    return {
        "previous_meeting": previous,
        "next_meeting": following,
        "grant": found.grant,
        # The local time until which this completed meeting may be reopened.
        "reopenable_until": service.in_zone(until, found.pair.timezone) if until else None,
    }


def _presence(found):
    heartbeat = current_app.config["LIVE_HEARTBEAT_SECONDS"]
    # Only a page that may change the meeting follows it live and is seen there.
    on_live_page = access.can_edit_meeting(found)
    return {
        "others_here": live.others_here(found.meeting.id, found.viewer_id, heartbeat)
        if on_live_page
        else []
    }


def _no_presence(found):
    # Who else is here is only known to a live page, whose stream fetches it at once
    # on connecting; the first render of the page leaves it out.
    return {"others_here": []}


def _talking_points(found):
    points = queries.agenda(found.meeting)
    return {
        "points": points,
        "deletable": access.deletable_talking_points(found, points),
        "point_form": forms.TalkingPointForm(formdata=None, meta=BLANK),
        "conflict": None,
        "edit_errors": {},
    }


def _shared_notes(found):
    meeting = found.meeting
    return {
        "notes_form": forms.SharedNotesForm(
            formdata=None,
            meta=BLANK,
            shared_notes=meeting.shared_notes,
            version=meeting.shared_notes_version,
        ),
        "notes_conflict": None,
    }


def _action_items(found):
    items = queries.action_items(found.meeting)
    return {
        "items": items,
        "deletable_items": access.deletable_action_items(found, items),
        # What may be reopened: only a page that may change the meeting offers it.
        "items_done_before": queries.items_done_before(found.meeting)
        if access.can_edit_meeting(found)
        else [],
        "item_form": forms.ActionItemForm(
            found.pair, access.today(), formdata=None, meta=BLANK, owner=found.pair.employee_id
        ),
        "item_edit": None,
    }


def _goals(found):
    if access.growth_role_in_meeting(found) is None:
        return {
            "goals": None,
            "earlier_goal_titles": [],
            "goal_errors": {},
            "confidences": CheckIn.CONFIDENCES,
        }
    since = access.growth_since_in_meeting(found).goals
    employee_id = found.pair.employee_id
    return {
        "goals": _goals_for_meeting(employee_id, since, access.today()),
        # Cut at a handoff: the earlier agreed goals' titles, all there is of them.
        "earlier_goal_titles": goal_queries.earlier_goal_titles(employee_id, since)
        if since != access.EVERYTHING
        else [],
        "goal_errors": {},
        "confidences": CheckIn.CONFIDENCES,
    }


def _development(found):
    shown = access.growth_role_in_meeting(found) is not None
    since = access.growth_since_in_meeting(found) if shown else None
    return {
        "development": _development_for_meeting(found.pair.employee_id, since) if shown else None,
        "win_form": growth_forms.WinForm((), access.today(), formdata=None, meta=BLANK),
    }


def _private_note(found):
    note = access.private_note_of(found)
    return {
        "can_write_private_note": access.can_write_private_note(found),
        "private_note": note,
        "private_note_form": forms.PrivateNoteForm(
            formdata=None, meta=BLANK, body=note.body if note else ""
        ),
        "private_note_conflict": None,
    }


def _completion(found, confirming=False):
    """The end of the page: completing the meeting (and, when ``confirming``, what
    that will do), moving or skipping it."""
    meeting = found.meeting
    now = service.local_now(found.pair)
    refusal = service.why_not_completable(meeting, now) if not meeting.is_closed else None
    preview = None
    if confirming and refusal is None:
        moving, following, staying_open = service.completion_preview(meeting, now)
        preview = {"moving": moving, "to": following, "staying_open": staying_open}
    return {
        "reschedule_form": forms.RescheduleForm(
            formdata=None, meta=BLANK, at=meeting.scheduled_for
        ),
        "completion_refusal": refusal,
        "completion": preview,
        "reopenable_for_minutes": service.REOPENABLE_MINUTES,
    }


SECTIONS = (
    _talking_points,
    _shared_notes,
    _action_items,
    _goals,
    _development,
    _private_note,
    _completion,
)
LOADERS_OF_BLOCK = {
    "meeting_body": (_header, _presence, *SECTIONS),
    "presence": (_presence,),
    "talking_points": (_talking_points,),
    "shared_notes": (_shared_notes,),
    "action_items": (_action_items,),
    "goals": (_goals,),
    "development": (_development,),
    "private_note": (_private_note,),
    "completion": (_completion,),
}
WHOLE_PAGE = (_header, _no_presence, *SECTIONS)


def _meeting_context(found, loaders, **overrides):
    context = _every_block(found)
    for load in loaders:
        context.update(load(found))
    context.update(overrides)
    return context


def _render(found, block, status=200, **overrides):
    """``block`` of the meeting page for htmx, or the whole page (a form posted
    without JavaScript, a link opened in a tab)."""
    loaders = LOADERS_OF_BLOCK[block] if is_partial_request() else WHOLE_PAGE
    return render_page(
        MEETING_PAGE, block, status=status, **_meeting_context(found, loaders, **overrides)
    )


def _goals_for_meeting(employee_id, since, today):
    """The employee's agreed goals with their latest check-in, those needing attention
    (at risk, or quiet for a month) first."""
    goals = goal_queries.agreed_goals_of(employee_id, since)
    with_milestones = [goal.id for goal in goals if goal.measure == "milestones"]
    milestones = goal_queries.milestones_by_goal(with_milestones)
    for goal in goals:
        goal.milestone_list = milestones.get(goal.id, [])
        goal.attention = goal_progress.needs_attention(goal, goal.latest, today)
        goal.behind = goal_progress.is_behind(goal, goal.latest and goal.latest.value, today)
    return sorted(goals, key=lambda goal: not (goal.attention or goal.behind))


def _development_for_meeting(employee_id, since):
    """The plan's aspiration, its steps and recent wins: the compact view a meeting
    needs, of what the viewer sees (``since``)."""
    return {
        "plan": growth_service.plan_of(employee_id),
        "shows_plan_texts": access.sees_plan_texts(since, employee_id),
        "steps": growth_queries.steps_for_meeting(employee_id, since.plan, since.goals),
        "wins": growth_queries.recent_wins(employee_id, since.plan, since.goals),
    }


def _meeting_url(meeting, anchor=None):
    return url_for(".meeting", meeting_id=meeting.id, _anchor=anchor)


# The block of the meeting page that shows each live part.
BLOCK_OF_PART = {
    "agenda": "talking_points",
    "notes": "shared_notes",
    "actions": "action_items",
    "goals": "goals",
    "plan": "development",
    "meeting": "meeting_body",
    "presence": "presence",
    "completion": "completion",
}


def _updated(found, block, anchor, part):
    """The answer to a successful change; ``part`` tells the other open pages of the
    meeting what changed (None: nobody else is concerned, as for a private note)."""
    if part is not None:
        live.publish(found.meeting.id, part)
    return done(
        MEETING_PAGE,
        block,
        _meeting_url(found.meeting, anchor),
        lambda: _meeting_context(found, LOADERS_OF_BLOCK[block]),
    )


@bp.route("/meetings/<int:meeting_id>")
def meeting(meeting_id):
    """The meeting page, or (htmx, ``?part=``) one live part of it."""
    found = access.get_meeting_for_reading_or_404(current_user, meeting_id)
    block = BLOCK_OF_PART.get(request.args.get("part", ""))
    if block is None:
        return render_template(MEETING_PAGE, **_meeting_context(found, WHOLE_PAGE))
    return _render(found, block)


@bp.route("/meetings/<int:meeting_id>/live")
def live_updates(meeting_id):
    """Server-Sent Events: which parts of this meeting changed. No content travels
    here; the page fetches each part through the route above. No database connection
    is held while the stream is open."""
    meeting = access.get_followable_meeting_or_404(current_user, meeting_id).meeting
    user_id, token = current_user.id, current_user.session_token
    page = live.OpenPage(
        live.broker(),
        meeting.id,
        user_id,
        may_continue=lambda: access.stream_may_continue(token, user_id, meeting.id),
        heartbeat=current_app.config["LIVE_HEARTBEAT_SECONDS"],
    )
    return live.stream_response(
        live.event_stream(page, lifetime=current_app.config["LIVE_STREAM_SECONDS"]),
        user_id,
        token,
    )


@bp.route("/meetings/<int:meeting_id>/talking-points", methods=["POST"])
def add_talking_point(meeting_id):
    found = access.get_editable_meeting_or_404(current_user, meeting_id)
    form = forms.TalkingPointForm()
    if not form.validate():
        return _render(found, "talking_points", 422, point_form=form)
    service.add_talking_point(found.meeting, current_user.id, form.text.data)
    return _updated(found, "talking_points", "talking-points", part="agenda")


@bp.route("/talking-points/<int:point_id>/edit", methods=["POST"])
def edit_talking_point(point_id):
    point, found = access.get_talking_point_or_404(current_user, point_id)
    access.require_meeting_editable(found)
    form = forms.EditTalkingPointForm()
    if not form.validate():
        errors = form.text.errors or ["Reload the page and try again."]
        return _render(found, "talking_points", 422, edit_errors={point.id: errors})
    try:
        service.edit_talking_point(point, form.text.data, form.version.data)
    except service.StaleEdit as stale:
        conflict = {"point_id": point.id, "mine": form.text.data, "theirs": stale.current.text}
        return _render(found, "talking_points", 409, conflict=conflict)
    return _updated(found, "talking_points", f"talking-point-{point.id}", part="agenda")


@bp.route("/talking-points/<int:point_id>/discussed", methods=["POST"])
def mark_discussed(point_id):
    point, found = access.get_talking_point_or_404(current_user, point_id)
    access.require_meeting_editable(found)
    form = forms.DiscussedForm()
    if not form.validate():
        abort(400)
    service.set_discussed(point, form.discussed.data == "1")
    return _updated(found, "talking_points", f"talking-point-{point.id}", part="agenda")


@bp.route("/talking-points/<int:point_id>/move", methods=["POST"])
def move_talking_point(point_id):
    point, found = access.get_talking_point_or_404(current_user, point_id)
    access.require_meeting_editable(found)
    form = forms.MoveForm()
    if not form.validate():
        abort(400)
    service.move_talking_point(point, -1 if form.direction.data == "up" else 1)
    return _updated(found, "talking_points", f"talking-point-{point.id}", part="agenda")


@bp.route("/talking-points/<int:point_id>/delete", methods=["POST"])
def delete_talking_point(point_id):
    point, found = access.get_talking_point_or_404(current_user, point_id)
    access.require_meeting_editable(found)
    access.require_edit(
        access.can_delete_talking_point(found, point),
        "Only the person who added a talking point can delete it.",
    )
    service.delete_talking_point(point)
    return _updated(found, "talking_points", "talking-points", part="agenda")


@bp.route("/meetings/<int:meeting_id>/shared-notes", methods=["POST"])
def save_shared_notes(meeting_id):
    found = access.get_editable_meeting_or_404(current_user, meeting_id)
    form = forms.SharedNotesForm()
    if not form.validate():
        return _render(found, "shared_notes", 422, notes_form=form)
    try:
        service.save_shared_notes(found.meeting, form.shared_notes.data, form.version.data)
    except service.StaleEdit as stale:
        conflict = {"mine": form.shared_notes.data, "theirs": stale.current.shared_notes}
        return _render(found, "shared_notes", 409, notes_conflict=conflict)
    return _updated(found, "shared_notes", "shared-notes", part="notes")


@bp.route("/meetings/<int:meeting_id>/private-note", methods=["POST"])
def save_private_note(meeting_id):
    found = access.get_meeting_or_404(current_user, meeting_id)
    access.require_private_note_writable(found)
    form = forms.PrivateNoteForm()
    if not form.validate():
        return _render(found, "private_note", 422, private_note_form=form)
    try:
        service.save_private_note(found.meeting, current_user.id, form.body.data, form.version.data)
    except service.StaleEdit as stale:
        conflict = {"mine": form.body.data, "theirs": stale.current.body}
        return _render(found, "private_note", 409, private_note_conflict=conflict)
    return _updated(found, "private_note", "private-note", part=None)


def _action_items_changed(found, anchor):
    """The answer to a change of the pair's action items, which every open meeting of
    the pair shows: each of their pages fetches them again."""
    for meeting_id in queries.open_meeting_ids_of_pair(found.pair.id):
        live.publish(meeting_id, "actions")
    return _updated(found, "action_items", anchor, part=None)


@bp.route("/meetings/<int:meeting_id>/action-items", methods=["POST"])
def add_action_item(meeting_id):
    found = access.get_editable_meeting_or_404(current_user, meeting_id)
    form = forms.ActionItemForm(found.pair, access.today())
    if not form.validate():
        return _render(found, "action_items", 422, item_form=form)
    service.add_action_item(
        found.meeting, current_user.id, form.owner.data, form.text.data, form.due.data
    )
    return _action_items_changed(found, "action-items")


@bp.route("/meetings/<int:meeting_id>/action-items/<int:item_id>/edit", methods=["POST"])
def edit_action_item(meeting_id, item_id):
    """An item's text, owner and due date, changed in place by either of the pair."""
    found = access.get_meeting_or_404(current_user, meeting_id)
    item = access.get_action_item_of_meeting_or_404(found, item_id)
    access.require_meeting_editable(found)
    form = forms.EditActionItemForm(found.pair, access.today(), item.due)
    if not form.validate():
        return _render(found, "action_items", 422, item_edit={"item_id": item.id, "form": form})
    try:
        service.edit_action_item(
            item,
            found.meeting,
            form.text.data,
            form.owner.data,
            form.due.data,
            form.version.data,
        )
    except service.StaleEdit as stale:
        edit = {"item_id": item.id, "form": form, "theirs": stale.current}
        return _render(found, "action_items", 409, item_edit=edit)
    return _action_items_changed(found, f"action-item-{item.id}")


@bp.route("/meetings/<int:meeting_id>/action-items/<int:item_id>/delete", methods=["POST"])
def delete_action_item(meeting_id, item_id):
    found = access.get_meeting_or_404(current_user, meeting_id)
    item = access.get_action_item_of_meeting_or_404(found, item_id)
    access.require_action_item_deletable(found, item)
    service.delete_action_item(item, found.meeting)
    return _action_items_changed(found, "action-items")


@bp.route("/meetings/<int:meeting_id>/action-items/<int:item_id>/done", methods=["POST"])
def mark_action_item_done(meeting_id, item_id):
    """Ticks an item off, or reopens it (also one finished in an earlier meeting)."""
    found = access.get_meeting_or_404(current_user, meeting_id)
    item = access.get_action_item_of_meeting_or_404(found, item_id)
    access.require_meeting_editable(found)
    form = forms.DoneForm()
    if not form.validate():
        abort(400)
    service.set_action_item_done(item, form.done.data == "1", found.meeting)
    return _action_items_changed(found, f"action-item-{item.id}")


@bp.route("/meetings/<int:meeting_id>/complete")
def confirm_completion(meeting_id):
    """What completing the meeting will do, with the button that does it: in place of
    the Complete button for htmx, a page of its own otherwise."""
    found = access.get_editable_meeting_or_404(current_user, meeting_id)
    context = _meeting_context(found, (_completion,)) | _completion(found, confirming=True)
    if is_partial_request():
        return render_page(MEETING_PAGE, "completion", **context)
    return render_template("meetings/confirm_completion.html", **context)


@bp.route("/meetings/<int:meeting_id>/complete", methods=["POST"])
def complete_meeting(meeting_id):
    found = access.get_meeting_or_404(current_user, meeting_id)
    access.require_meeting_completable(found)
    meeting = found.meeting
    if not forms.CompleteForm().validate():
        abort(400)
    try:
        next_meeting = service.complete_meeting(meeting, current_user.id)
    except service.CompletionRefused as refusal:
        return _render(found, "completion", 409, completion_refusal=str(refusal))
    live.publish(meeting.id, "meeting")
    # The carried points arrive on the next meeting's agenda, which may be open too.
    live.publish(next_meeting.id, "agenda")
    # A plain form post on purpose: the whole page changes to the next meeting.
    return redirect(_meeting_url(next_meeting), code=303)


@bp.route("/meetings/<int:meeting_id>/reopen", methods=["POST"])
def reopen_meeting(meeting_id):
    """Opens a meeting completed moments ago again, its carry-forward undone."""
    found = access.get_meeting_or_404(current_user, meeting_id)
    access.require_meeting_reopenable(found)
    if not forms.CompleteForm().validate():
        abort(400)
    try:
        left = service.reopen_meeting(found.meeting)
    except service.CompletionRefused as refusal:
        flash(str(refusal), "error")
        return redirect(_meeting_url(found.meeting), code=303)
    live.publish(found.meeting.id, "meeting")
    for meeting_id_left in left:
        live.publish(meeting_id_left, "agenda")
    return redirect(_meeting_url(found.meeting), code=303)


@bp.route("/meetings/<int:meeting_id>/reschedule", methods=["POST"])
def reschedule_meeting(meeting_id):
    """Moves this one meeting; the pair's rhythm stays."""
    found = access.get_editable_meeting_or_404(current_user, meeting_id)
    meeting = found.meeting
    form = forms.RescheduleForm()
    if form.validate():
        try:
            service.reschedule_meeting(meeting, form.at.data, service.local_now(meeting.one_on_one))
        except service.ScheduleError as error:
            form.at.errors.append(str(error))
        else:
            live.publish(meeting.id, "meeting")
            return redirect(_meeting_url(meeting), code=303)
    return _render(found, "meeting_body", 422, reschedule_form=form)


@bp.route("/meetings/<int:meeting_id>/skip", methods=["POST"])
def skip_meeting(meeting_id):
    """Skips this meeting: its agenda moves to the pair's next one."""
    meeting = access.get_editable_meeting_or_404(current_user, meeting_id).meeting
    form = forms.SkipForm()
    if not form.validate():
        abort(400)
    following = service.skip_meeting(
        meeting, current_user.id, service.local_now(meeting.one_on_one)
    )
    live.publish(meeting.id, "meeting")
    for part in ("agenda", "notes"):
        live.publish(following.id, part)
    flash(
        f"Skipped the meeting of {formatting.day(meeting.scheduled_for)}; its agenda moved"
        f" to {formatting.day(following.scheduled_for)}.",
        "success",
    )
    if form.back_to.data == "week":
        return redirect(url_for("prep.this_week"), code=303)
    return redirect(_meeting_url(following), code=303)


@bp.route("/meetings/<int:meeting_id>/goals/<int:goal_id>/check-ins", methods=["POST"])
def check_in_goal(meeting_id, goal_id):
    """A check-in on one of the employee's goals, right inside the meeting."""
    found = access.get_meeting_or_404(current_user, meeting_id)
    goal, _ = access.get_goal_of_meeting_or_404(current_user, found, goal_id)
    access.require_meeting_editable(found)
    form = goal_forms.CheckInForm(goal)
    if not form.validate():
        errors = [error for field in form for error in field.errors]
        return _render(found, "goals", 422, goal_errors={goal.id: errors})
    try:
        goal_service.check_in(
            goal,
            current_user.id,
            getattr(form, "number", None),
            form.confidence.data,
            form.note.data or "",
            meeting=found.meeting.id,
            done_milestones=goal_forms.ticked_milestones(request.form),
        )
    except goal_service.GoalError as error:
        return _render(found, "goals", 422, goal_errors={goal.id: [str(error)]})
    # The goal shows on every open meeting of the employee, this one included.
    goal_views.tell_open_meetings(goal.employee_id)
    return _updated(found, "goals", f"meeting-goal-{goal.id}", part=None)


# --- the development plan and wins, inside the meeting -----------------------------------


@bp.route("/meetings/<int:meeting_id>/plan-steps/<int:step_id>/status", methods=["POST"])
def set_step_status(meeting_id, step_id):
    """Where a step of the employee's plan stands, set right in the meeting."""
    found = access.get_meeting_or_404(current_user, meeting_id)
    access.require_growth_change_in_meeting(found)
    step, _ = access.get_plan_step_of_meeting_or_404(current_user, found, step_id)
    form = growth_forms.StepStatusForm()
    if not form.validate():
        return _render(found, "development", 422)
    growth_service.set_step_status(step, current_user.id, form.status.data)
    growth_views.tell_open_meetings(found.pair.employee_id)
    return _updated(found, "development", f"meeting-step-{step.id}", part=None)


@bp.route("/meetings/<int:meeting_id>/wins", methods=["POST"])
def record_win(meeting_id):
    """A win recorded as it comes up in the meeting."""
    found = access.get_meeting_or_404(current_user, meeting_id)
    access.require_growth_change_in_meeting(found)
    form = growth_forms.WinForm((), access.today())
    if not form.validate():
        return _render(found, "development", 422, win_form=form)
    employee_id = found.pair.employee_id
    growth_service.record_win(employee_id, current_user.id, form.title.data)
    growth_views.tell_open_meetings(employee_id)
    return _updated(found, "development", "development", part=None)
