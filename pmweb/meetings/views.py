"""Views of the one-on-one area: thin — load through access, validate, call a rule,
render the fragment (htmx) or redirect (plain form)."""

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

from pmweb import access, formatting, live
from pmweb.goals import forms as goal_forms
from pmweb.goals import progress as goal_progress
from pmweb.goals import queries as goal_queries
from pmweb.goals import service as goal_service
from pmweb.goals import views as goal_views
from pmweb.growth import forms as growth_forms
from pmweb.growth import queries as growth_queries
from pmweb.growth import service as growth_service
from pmweb.growth import views as growth_views
from pmweb.htmx import done, render_page
from pmweb.meetings import forms, queries, service
from pmweb.models import CheckIn

bp = Blueprint("meetings", __name__)

MEETING_PAGE = "meetings/meeting.html"
BLANK = {"csrf": False}


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
    return render_template(
        "meetings/home.html",
        reports=[row for row in current if row.manager_id == current_user.id],
        managers=[row for row in current if row.employee_id == current_user.id],
        past=[row for row in rows if not row.is_current],
        overdue=overdue,
    )


PAIR_PAGE = "meetings/one_on_one.html"


def _pair_context(pair, **overrides):
    """Everything the pair page and its fragments show."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    per_page = current_app.config["MEETINGS_PER_PAGE"]
    query_text = request.args.get("q", "").strip()[:200]
    meetings, total = queries.past_meetings(pair, page, per_page)
    context = {
        "pair": pair,
        "other": pair.other(current_user),
        "upcoming": queries.upcoming_meetings(pair),
        "today": access.today(),
        "meetings": meetings,
        "page": page,
        "pages": max(1, math.ceil(total / per_page)),
        "query_text": query_text,
        "results": queries.search(pair, query_text) if query_text else None,
        "cadence_form": forms.CadenceForm(formdata=None, obj=pair),
        "can_edit": access.can_edit_one_on_one(current_user, pair),
        "saved": False,
    }
    context.update(overrides)
    return context


@bp.route("/one-on-ones/<int:pair_id>")
def one_on_one(pair_id):
    pair = access.get_one_on_one_for_reading_or_404(current_user, pair_id)
    return render_page(PAIR_PAGE, "history", **_pair_context(pair))


@bp.route("/one-on-ones/<int:pair_id>/cadence", methods=["POST"])
def set_cadence(pair_id):
    pair = access.get_one_on_one_or_404(current_user, pair_id)
    access.require_edit(
        access.can_edit_one_on_one(current_user, pair),
        "This one-on-one has ended; its schedule can no longer be changed.",
    )
    form = forms.CadenceForm()
    if not form.validate():
        return render_page(
            PAIR_PAGE, "cadence", status=422, **_pair_context(pair, cadence_form=form)
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
        **_pair_context(pair, saved=True),
    )


# --- the meeting page ------------------------------------------------------------


def _meeting_context(meeting, with_presence=False, **overrides):
    """Everything the meeting page and each of its fragments show."""
    pair = meeting.one_on_one
    today = access.today()
    previous, following = queries.neighbours(meeting)
    note = access.private_note_of(current_user, meeting)
    points = queries.agenda(meeting)
    can_edit = access.can_edit_meeting(current_user, meeting)
    config = current_app.config
    goal_role = access.goal_role_in_meeting(current_user, meeting)
    context = {
        "meeting": meeting,
        "pair": pair,
        "other": pair.other(current_user),
        "points": points,
        "deletable": access.deletable_talking_points(current_user, meeting, points),
        "items": queries.action_items(meeting),
        "private_note": note,
        "previous_meeting": previous,
        "next_meeting": following,
        "today": today,
        "can_edit": can_edit,
        "can_write_private_note": access.can_write_private_note(current_user, meeting),
        # Blank forms only carry values and errors to the template, which writes the
        # CSRF token itself; leaving CSRF out of them keeps them cheap to make.
        "point_form": forms.TalkingPointForm(formdata=None, meta=BLANK),
        "notes_form": forms.SharedNotesForm(
            formdata=None,
            meta=BLANK,
            shared_notes=meeting.shared_notes,
            version=meeting.shared_notes_version,
        ),
        "private_note_form": forms.PrivateNoteForm(
            formdata=None, meta=BLANK, body=note.body if note else ""
        ),
        "item_form": forms.ActionItemForm(
            pair, today, formdata=None, meta=BLANK, owner=pair.employee_id
        ),
        # Who else is here is only known to a live page, whose stream fetches it at
        # once on connecting; the first render of the page leaves it out.
        "others_here": (
            live.others_here(meeting.id, current_user.id, config["LIVE_HEARTBEAT_SECONDS"])
            if with_presence and can_edit
            else []
        ),
        "goals": _goals_for_meeting(pair.employee_id, today) if goal_role else None,
        "development": _development_for_meeting(pair.employee_id) if goal_role else None,
        "win_form": growth_forms.WinForm((), today, formdata=None, meta=BLANK),
        "reschedule_form": forms.RescheduleForm(
            formdata=None, meta=BLANK, at=meeting.scheduled_for
        ),
        "goal_errors": {},
        "confidences": CheckIn.CONFIDENCES,
        "conflict": None,
        "notes_conflict": None,
        "private_note_conflict": None,
        "edit_errors": {},
    }
    context.update(overrides)
    return context


def _goals_for_meeting(employee_id, today):
    """The employee's agreed goals with their latest check-in, those needing attention
    (at risk, or quiet for a month) first."""
    goals = goal_queries.agreed_goals_of(employee_id)
    with_milestones = [goal.id for goal in goals if goal.measure == "milestones"]
    milestones = goal_queries.milestones_by_goal(with_milestones)
    for goal in goals:
        goal.milestone_list = milestones.get(goal.id, [])
        goal.attention = goal_progress.needs_attention(goal, goal.latest, today)
        goal.behind = goal_progress.is_behind(goal, goal.latest and goal.latest.value, today)
    return sorted(goals, key=lambda goal: not (goal.attention or goal.behind))


def _development_for_meeting(employee_id):
    """The plan's aspiration, its steps and recent wins: the compact view a meeting
    needs."""
    return {
        "plan": growth_service.plan_of(employee_id),
        "steps": growth_queries.steps_for_meeting(employee_id),
        "wins": growth_queries.recent_wins(employee_id),
    }


def _meeting_url(meeting, anchor=None):
    return url_for(".meeting", meeting_id=meeting.id, _anchor=anchor)


def _invalid(meeting, block, **forms_with_errors):
    return render_page(
        MEETING_PAGE, block, status=422, **_meeting_context(meeting, **forms_with_errors)
    )


# The block of the meeting page that shows each live part.
BLOCK_OF_PART = {
    "agenda": "talking_points",
    "notes": "shared_notes",
    "actions": "action_items",
    "goals": "goals",
    "plan": "development",
    "meeting": "meeting_body",
    "presence": "presence",
}


def _updated(meeting, block, anchor, part):
    """The answer to a successful change; ``part`` tells the other open pages of the
    meeting what changed (None: nobody else is concerned, as for a private note)."""
    if part is not None:
        live.publish(meeting.id, part)
    return done(MEETING_PAGE, block, _meeting_url(meeting, anchor), **_meeting_context(meeting))


@bp.route("/meetings/<int:meeting_id>")
def meeting(meeting_id):
    """The meeting page, or (htmx, ``?part=``) one live part of it."""
    meeting = access.get_meeting_for_reading_or_404(current_user, meeting_id)
    block = BLOCK_OF_PART.get(request.args.get("part", ""))
    if block is None:
        return render_template(MEETING_PAGE, **_meeting_context(meeting))
    with_presence = block in ("presence", "meeting_body")
    return render_page(MEETING_PAGE, block, **_meeting_context(meeting, with_presence))


@bp.route("/meetings/<int:meeting_id>/live")
def live_updates(meeting_id):
    """Server-Sent Events: which parts of this meeting changed. No content travels
    here; the page fetches each part through the route above. No database connection
    is held while the stream is open."""
    meeting = access.get_followable_meeting_or_404(current_user, meeting_id)
    user_id, token = current_user.id, current_user.session_token
    busy = live.too_many_streams()
    if busy is not None:
        return busy
    page = live.OpenPage(
        live.broker(),
        meeting.id,
        user_id,
        may_continue=lambda: access.stream_may_continue(token, user_id, meeting.id),
        heartbeat=current_app.config["LIVE_HEARTBEAT_SECONDS"],
    )
    return live.stream_response(
        live.event_stream(page, lifetime=current_app.config["LIVE_STREAM_SECONDS"])
    )


@bp.route("/meetings/<int:meeting_id>/talking-points", methods=["POST"])
def add_talking_point(meeting_id):
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    access.require_meeting_editable(current_user, meeting)
    form = forms.TalkingPointForm()
    if not form.validate():
        return _invalid(meeting, "talking_points", point_form=form)
    service.add_talking_point(meeting, current_user.id, form.text.data)
    return _updated(meeting, "talking_points", "talking-points", part="agenda")


@bp.route("/talking-points/<int:point_id>/edit", methods=["POST"])
def edit_talking_point(point_id):
    point = access.get_talking_point_or_404(current_user, point_id)
    meeting = point.meeting
    access.require_meeting_editable(current_user, meeting)
    form = forms.EditTalkingPointForm()
    if not form.validate():
        errors = form.text.errors or ["Reload the page and try again."]
        return _invalid(meeting, "talking_points", edit_errors={point.id: errors})
    try:
        service.edit_talking_point(point, form.text.data, form.version.data)
    except service.StaleEdit as stale:
        conflict = {"point_id": point.id, "mine": form.text.data, "theirs": stale.current.text}
        return render_page(
            MEETING_PAGE,
            "talking_points",
            status=409,
            **_meeting_context(meeting, conflict=conflict),
        )
    return _updated(meeting, "talking_points", f"talking-point-{point.id}", part="agenda")


@bp.route("/talking-points/<int:point_id>/discussed", methods=["POST"])
def mark_discussed(point_id):
    point = access.get_talking_point_or_404(current_user, point_id)
    access.require_meeting_editable(current_user, point.meeting)
    form = forms.DiscussedForm()
    if not form.validate():
        abort(400)
    service.set_discussed(point, form.discussed.data == "1")
    return _updated(point.meeting, "talking_points", f"talking-point-{point.id}", part="agenda")


@bp.route("/talking-points/<int:point_id>/move", methods=["POST"])
def move_talking_point(point_id):
    point = access.get_talking_point_or_404(current_user, point_id)
    access.require_meeting_editable(current_user, point.meeting)
    form = forms.MoveForm()
    if not form.validate():
        abort(400)
    service.move_talking_point(point, -1 if form.direction.data == "up" else 1)
    return _updated(point.meeting, "talking_points", f"talking-point-{point.id}", part="agenda")


@bp.route("/talking-points/<int:point_id>/delete", methods=["POST"])
def delete_talking_point(point_id):
    point = access.get_talking_point_or_404(current_user, point_id)
    access.require_meeting_editable(current_user, point.meeting)
    access.require_edit(
        access.can_delete_talking_point(current_user, point),
        "Only the person who added a talking point can delete it.",
    )
    service.delete_talking_point(point)
    return _updated(point.meeting, "talking_points", "talking-points", part="agenda")


@bp.route("/meetings/<int:meeting_id>/shared-notes", methods=["POST"])
def save_shared_notes(meeting_id):
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    access.require_meeting_editable(current_user, meeting)
    form = forms.SharedNotesForm()
    if not form.validate():
        return _invalid(meeting, "shared_notes", notes_form=form)
    try:
        service.save_shared_notes(meeting, form.shared_notes.data, form.version.data)
    except service.StaleEdit as stale:
        conflict = {"mine": form.shared_notes.data, "theirs": stale.current.shared_notes}
        return render_page(
            MEETING_PAGE,
            "shared_notes",
            status=409,
            **_meeting_context(meeting, notes_conflict=conflict),
        )
    return _updated(meeting, "shared_notes", "shared-notes", part="notes")


@bp.route("/meetings/<int:meeting_id>/private-note", methods=["POST"])
def save_private_note(meeting_id):
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    access.require_private_note_writable(current_user, meeting)
    form = forms.PrivateNoteForm()
    if not form.validate():
        return _invalid(meeting, "private_note", private_note_form=form)
    try:
        service.save_private_note(meeting, current_user.id, form.body.data, form.version.data)
    except service.StaleEdit as stale:
        conflict = {"mine": form.body.data, "theirs": stale.current.body}
        return render_page(
            MEETING_PAGE,
            "private_note",
            status=409,
            **_meeting_context(meeting, private_note_conflict=conflict),
        )
    return _updated(meeting, "private_note", "private-note", part=None)


@bp.route("/meetings/<int:meeting_id>/action-items", methods=["POST"])
def add_action_item(meeting_id):
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    access.require_meeting_editable(current_user, meeting)
    form = forms.ActionItemForm(meeting.one_on_one, access.today())
    if not form.validate():
        return _invalid(meeting, "action_items", item_form=form)
    service.add_action_item(
        meeting, current_user.id, form.owner.data, form.text.data, form.due.data
    )
    return _updated(meeting, "action_items", "action-items", part="actions")


@bp.route("/meetings/<int:meeting_id>/action-items/<int:item_id>/done", methods=["POST"])
def mark_action_item_done(meeting_id, item_id):
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    item = access.get_action_item_of_meeting_or_404(current_user, meeting, item_id)
    access.require_meeting_editable(current_user, meeting)
    form = forms.DoneForm()
    if not form.validate():
        abort(400)
    service.set_action_item_done(item, form.done.data == "1", meeting)
    return _updated(meeting, "action_items", f"action-item-{item.id}", part="actions")


@bp.route("/meetings/<int:meeting_id>/complete", methods=["POST"])
def complete_meeting(meeting_id):
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    access.require_meeting_completable(current_user, meeting)
    if not forms.CompleteForm().validate():
        abort(400)
    next_meeting = service.complete_meeting(meeting, current_user.id)
    live.publish(meeting.id, "meeting")
    # The carried points arrive on the next meeting's agenda, which may be open too.
    live.publish(next_meeting.id, "agenda")
    # A plain form post on purpose: the whole page changes to the next meeting.
    return redirect(_meeting_url(next_meeting), code=303)


@bp.route("/meetings/<int:meeting_id>/reschedule", methods=["POST"])
def reschedule_meeting(meeting_id):
    """Moves this one meeting; the pair's rhythm stays."""
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    access.require_meeting_editable(current_user, meeting)
    form = forms.RescheduleForm()
    if form.validate():
        try:
            service.reschedule_meeting(meeting, form.at.data, service.local_now(meeting.one_on_one))
        except service.ScheduleError as error:
            form.at.errors.append(str(error))
        else:
            live.publish(meeting.id, "meeting")
            return redirect(_meeting_url(meeting), code=303)
    return _invalid(meeting, "meeting_body", reschedule_form=form)


@bp.route("/meetings/<int:meeting_id>/skip", methods=["POST"])
def skip_meeting(meeting_id):
    """Skips this meeting: its agenda moves to the pair's next one."""
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    access.require_meeting_editable(current_user, meeting)
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
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    goal = access.get_goal_of_meeting_or_404(current_user, meeting, goal_id)
    access.require_meeting_editable(current_user, meeting)
    form = goal_forms.CheckInForm(goal)
    if not form.validate():
        errors = [error for field in form for error in field.errors]
        return _invalid(meeting, "goals", goal_errors={goal.id: errors})
    try:
        goal_service.check_in(
            goal,
            current_user.id,
            getattr(form, "number", None),
            form.confidence.data,
            form.note.data or "",
            meeting=meeting.id,
            done_milestones=goal_forms.ticked_milestones(request.form),
        )
    except goal_service.GoalError as error:
        return _invalid(meeting, "goals", goal_errors={goal.id: [str(error)]})
    # The goal shows on every open meeting of the employee, this one included.
    goal_views.tell_open_meetings(goal.employee_id)
    return _updated(meeting, "goals", f"meeting-goal-{goal.id}", part=None)


# --- the development plan and wins, inside the meeting -----------------------------------


@bp.route("/meetings/<int:meeting_id>/plan-steps/<int:step_id>/status", methods=["POST"])
def set_step_status(meeting_id, step_id):
    """Where a step of the employee's plan stands, set right in the meeting."""
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    access.require_growth_change_in_meeting(current_user, meeting)
    step = access.get_plan_step_of_meeting_or_404(current_user, meeting, step_id)
    form = growth_forms.StepStatusForm()
    if not form.validate():
        return _invalid(meeting, "development")
    growth_service.set_step_status(step, current_user.id, form.status.data)
    growth_views.tell_open_meetings(meeting.one_on_one.employee_id)
    return _updated(meeting, "development", f"meeting-step-{step.id}", part=None)


@bp.route("/meetings/<int:meeting_id>/wins", methods=["POST"])
def record_win(meeting_id):
    """A win recorded as it comes up in the meeting."""
    meeting = access.get_meeting_or_404(current_user, meeting_id)
    access.require_growth_change_in_meeting(current_user, meeting)
    form = growth_forms.WinForm((), access.today())
    if not form.validate():
        return _invalid(meeting, "development", win_form=form)
    employee_id = meeting.one_on_one.employee_id
    growth_service.record_win(employee_id, current_user.id, form.title.data)
    growth_views.tell_open_meetings(employee_id)
    return _updated(meeting, "development", "development", part=None)
