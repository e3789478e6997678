"""Views of the growth pages: the development plan (with its history and printable
page), feedback and wins. Thin — load through access, validate, call a rule, render
the page or its fragment, or redirect."""

import io
import math

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from pmweb import access, ids, live
from pmweb.forms import stored_values
from pmweb.goals import progress as goal_progress
from pmweb.goals import queries as goal_queries
from pmweb.growth import forms, pdf, queries, service
from pmweb.htmx import done, render_page
from pmweb.models import User

bp = Blueprint("growth", __name__)

PLAN_PAGE = "growth/plan.html"
FEEDBACK_PAGE = "growth/feedback.html"
PAPER_SIZES = {"a4": "A4", "letter": "Letter"}
# Earlier wordings read one against another; each may be 10,000 characters of Markdown,
# so a page renders a few (a long one in Markdown costs up to 0.15 s).
WORDINGS_PER_PAGE = 5


@bp.before_request
@login_required
def require_login():
    pass


def tell_open_meetings(employee_id):
    """The plan and wins show on the employee's open meetings: they fetch them again."""
    for meeting_id in goal_queries.open_meeting_ids_of(employee_id):
        live.publish(meeting_id, "plan")


def _manager(owner):
    return User.get_or_none(User.id == owner.manager_id) if owner.manager_id else None


def _owner_context(owner):
    """The employee for the templates, and how the viewer stands to them."""
    return {"owner": owner.employee, "viewer": owner}


# --- the development plan -----------------------------------------------------------


def _sinces(owner):
    """From when on the viewer sees the employee's plan and goals."""
    return access.seen_since(owner, "plan"), access.seen_since(owner, "goals")


def _goals_to_link(owner):
    return queries.goals_to_link(owner.employee.id, access.seen_since(owner, "goals"))


def _plan_context(owner, **overrides):
    employee_id = owner.employee.id
    plan = service.plan_of(employee_id)
    goals = _goals_to_link(owner)
    plan_since, goals_since = _sinces(owner)
    context = {
        **_owner_context(owner),
        "own": owner.role == access.EMPLOYEE,
        "manager": _manager(owner),
        "shows_goals": access.may_read_goals(owner),
        "shows_plan_texts": access.may_see_plan_texts(owner),
        "plan": plan,
        "steps": queries.steps_of(employee_id, plan_since, goals_since),
        "wins": queries.wins_of(employee_id, plan_since, goals_since, limit=10),
        "may_change": access.may_change_growth(owner),
        "plan_form": forms.PlanForm(formdata=None, data=stored_values(plan)),
        "step_form": forms.StepForm(goals, formdata=None),
        "win_form": forms.WinForm(goals, access.today(), formdata=None),
        "statuses": forms.PlanStep.STATUSES,
        "kinds": forms.PlanStep.KINDS,
        "theirs": None,
        "saved": None,
    }
    context.update(overrides)
    return context


@bp.route("/plan")
def my_plan():
    return redirect(url_for(".plan", employee_id=current_user.id))


@bp.route("/people/<int:employee_id>/plan")
def plan(employee_id):
    owner = access.get_growth_owner_or_404(current_user, employee_id, "plan")
    return render_template(PLAN_PAGE, **_plan_context(owner))


@bp.route("/people/<int:employee_id>/plan", methods=["POST"])
def save_plan(employee_id):
    owner = access.get_growth_owner_or_404(current_user, employee_id, "plan")
    access.require_growth_change(owner)
    access.require_plan_texts(owner)
    form = forms.PlanForm()
    if not form.validate():
        return render_page(PLAN_PAGE, "plan_texts", 422, **_plan_context(owner, plan_form=form))
    try:
        service.save_plan(owner.employee.id, current_user.id, form.texts(), form.version.data)
    except service.StaleEdit as stale:
        # Both texts on one page: theirs as saved, the writer's still in the form.
        form.version.data = stale.current.version
        return render_page(
            PLAN_PAGE,
            "plan_texts",
            409,
            **_plan_context(owner, plan_form=form, theirs=stale.current),
        )
    tell_open_meetings(owner.employee.id)
    return done(
        PLAN_PAGE,
        "plan_texts",
        url_for(".plan", employee_id=owner.employee.id),
        lambda: _plan_context(owner, saved="plan"),
    )


@bp.route("/people/<int:employee_id>/plan/steps", methods=["POST"])
def add_step(employee_id):
    owner = access.get_growth_owner_or_404(current_user, employee_id, "plan")
    access.require_growth_change(owner)
    form = forms.StepForm(_goals_to_link(owner))
    if not form.validate():
        return render_page(PLAN_PAGE, "steps", 422, **_plan_context(owner, step_form=form))
    service.add_step(owner.employee.id, current_user.id, form.terms())
    tell_open_meetings(owner.employee.id)
    return done(
        PLAN_PAGE,
        "steps",
        url_for(".plan", employee_id=owner.employee.id, _anchor="steps"),
        lambda: _plan_context(owner, saved="step"),
    )


def _step_goals(step, owner):
    goals = _goals_to_link(owner)
    linked = step.goal_id and queries.goal_titles(
        owner.employee.id, access.seen_since(owner, "goals")
    ).get(step.goal_id)
    if linked and step.goal_id not in {goal.id for goal in goals}:
        # A step keeps its link to a goal that has since closed.
        goals.append(step.goal)
    return goals


def _step_page(step, owner, form, status=200, theirs=None):
    return render_template(
        "growth/step.html", step=step, form=form, theirs=theirs, **_owner_context(owner)
    ), status


@bp.route("/plan-steps/<int:step_id>")
def step(step_id):
    shown, owner = access.get_plan_step_or_404(current_user, step_id)
    form = forms.StepForm(
        _step_goals(shown, owner), formdata=None, data=stored_values(shown), goal=shown.goal_id or 0
    )
    return _step_page(shown, owner, form)


@bp.route("/plan-steps/<int:step_id>", methods=["POST"])
def change_step(step_id):
    changed, owner = access.get_plan_step_or_404(current_user, step_id)
    access.require_growth_change(owner)
    form = forms.StepForm(_step_goals(changed, owner))
    if not form.validate():
        return _step_page(changed, owner, form, 422)
    employee_id = owner.employee.id
    try:
        service.change_step(
            changed,
            current_user.id,
            form.terms(),
            form.version.data,
            goal_titles=queries.goal_titles(employee_id, access.seen_since(owner, "goals")),
        )
    except service.StaleEdit as stale:
        form.version.data = stale.current.version
        return _step_page(changed, owner, form, 409, theirs=stale.current)
    tell_open_meetings(employee_id)
    return redirect(url_for(".plan", employee_id=employee_id, _anchor="steps"), code=303)


@bp.route("/plan-steps/<int:step_id>/status", methods=["POST"])
def set_step_status(step_id):
    changed, owner = access.get_plan_step_or_404(current_user, step_id)
    access.require_growth_change(owner)
    form = forms.StepStatusForm()
    if not form.validate():
        return render_page(PLAN_PAGE, "steps", 422, **_plan_context(owner))
    service.set_step_status(changed, current_user.id, form.status.data)
    tell_open_meetings(owner.employee.id)
    return done(
        PLAN_PAGE,
        "steps",
        url_for(".plan", employee_id=owner.employee.id, _anchor="steps"),
        lambda: _plan_context(owner),
    )


@bp.route("/plan-steps/<int:step_id>/delete", methods=["POST"])
def remove_step(step_id):
    changed, owner = access.get_plan_step_or_404(current_user, step_id)
    access.require_growth_change(owner)
    service.remove_step(changed, current_user.id)
    tell_open_meetings(owner.employee.id)
    return done(
        PLAN_PAGE,
        "steps",
        url_for(".plan", employee_id=owner.employee.id, _anchor="steps"),
        lambda: _plan_context(owner),
    )


@bp.route("/people/<int:employee_id>/plan/history")
def plan_history(employee_id):
    owner = access.get_growth_owner_or_404(
        current_user, employee_id, "plan", "development plan history"
    )
    plan = service.plan_of(owner.employee.id)
    plan_since, goals_since = _sinces(owner)
    shows_texts = access.may_see_plan_texts(owner)
    return render_template(
        "growth/history.html",
        **_owner_context(owner),
        # A change of a step's goal names goals: only for a viewer who sees them all.
        changes=queries.history_of(
            plan, plan_since, shows_texts, shows_goals=goals_since == access.EVERYTHING
        ),
        shows_plan_texts=shows_texts,
        labels=service.PLAN_FIELDS | service.STEP_FIELDS,
    )


# --- wins ----------------------------------------------------------------------------


@bp.route("/people/<int:employee_id>/wins", methods=["POST"])
def record_win(employee_id):
    owner = access.get_growth_owner_or_404(current_user, employee_id, "plan")
    access.require_growth_change(owner)
    form = forms.WinForm(_goals_to_link(owner), access.today())
    if not form.validate():
        return render_page(PLAN_PAGE, "wins", 422, **_plan_context(owner, win_form=form))
    service.record_win(
        owner.employee.id,
        current_user.id,
        form.title.data,
        form.details.data or "",
        form.achieved_on.data or access.today(),
        form.goal.data,
    )
    tell_open_meetings(owner.employee.id)
    return done(
        PLAN_PAGE,
        "wins",
        url_for(".plan", employee_id=owner.employee.id, _anchor="wins"),
        lambda: _plan_context(owner, saved="win"),
    )


@bp.route("/wins/<int:win_id>/delete", methods=["POST"])
def remove_win(win_id):
    win, owner = access.get_win_or_404(current_user, win_id)
    access.require_win_remover(win, owner)
    service.remove_win(win)
    tell_open_meetings(owner.employee.id)
    return done(
        PLAN_PAGE,
        "wins",
        url_for(".plan", employee_id=owner.employee.id, _anchor="wins"),
        lambda: _plan_context(owner),
    )


# --- the printable plan ---------------------------------------------------------------


def _printable_context(owner):
    """What the paper shows: the plan, its steps, agreed goals with their latest
    progress and chart, and recent wins — never a private note or a draft."""
    today = access.today()
    employee_id = owner.employee.id
    # A grant of the plan alone doesn't open the goals.
    shows_goals = access.may_read_goals(owner)
    plan_since, goals_since = _sinces(owner)
    goals = goal_queries.agreed_goals_of(employee_id, goals_since) if shows_goals else []
    check_ins = goal_queries.check_ins_by_goal([goal.id for goal in goals])
    for goal in goals:
        goal.chart_data = goal_progress.chart(goal, check_ins.get(goal.id, []), today)
        goal.behind = goal_progress.is_behind(goal, goal.latest and goal.latest.value, today)
    return {
        **_owner_context(owner),
        "manager": _manager(owner),
        "plan": service.plan_of(employee_id),
        "shows_plan_texts": access.may_see_plan_texts(owner),
        "steps": queries.steps_of(employee_id, plan_since, goals_since),
        "goals": goals,
        "earlier_goal_titles": goal_queries.earlier_goal_titles(employee_id, goals_since)
        if shows_goals
        else [],
        "shows_goals": shows_goals,
        "wins": queries.wins_of(employee_id, plan_since, goals_since, limit=10),
        "today": today,
        "statuses": forms.PlanStep.STATUSES,
        "kinds": forms.PlanStep.KINDS,
    }


@bp.route("/people/<int:employee_id>/plan/print")
def printable_plan(employee_id):
    owner = access.get_growth_owner_or_404(
        current_user, employee_id, "plan", "printed development plan"
    )
    return render_template("growth/print.html", for_pdf=False, **_printable_context(owner))


@bp.route("/people/<int:employee_id>/plan.pdf")
def plan_pdf(employee_id):
    owner = access.get_growth_owner_or_404(
        current_user, employee_id, "plan", "development plan PDF"
    )
    paper = PAPER_SIZES.get(request.args.get("paper", "a4"), "A4")
    html = render_template("growth/print.html", for_pdf=True, **_printable_context(owner))
    try:
        document = pdf.render(
            html, paper, current_app.static_folder, url_for("static", filename="")
        )
    except pdf.PdfUnavailable as missing:
        return render_template(
            "growth/pdf_unavailable.html", reason=str(missing), **_owner_context(owner)
        ), 503
    return send_file(
        io.BytesIO(document),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=pdf.file_name(owner.employee.name),
    )


# --- feedback ------------------------------------------------------------------------


def _feedback_form(owner, formdata=None, item=None, **data):
    """The feedback form; correcting feedback keeps what it is linked to on offer even
    when that goal has closed or that meeting was with an earlier manager."""
    employee_id = owner.employee.id
    meetings = queries.meetings_to_link(employee_id, owner.manager_id)
    goals = _goals_to_link(owner)
    plan_since, goals_since = _sinces(owner)
    if item is not None:
        if item.meeting_id and item.meeting_id not in {m.id for m in meetings}:
            meetings.append(item.meeting)
        seen_goals = queries.goal_titles(employee_id, goals_since)
        if item.goal_id in seen_goals and item.goal_id not in {g.id for g in goals}:
            goals.append(item.goal)
    return forms.FeedbackForm(
        meetings,
        goals,
        queries.steps_of(employee_id, plan_since, goals_since),
        formdata=formdata,
        **data,
    )


def _feedback_context(owner, **overrides):
    manager = _manager(owner)
    own = owner.role == access.EMPLOYEE
    context = {
        **_owner_context(owner),
        "manager": manager,
        "own": own,
        "other_name": (manager.first_name if manager else "your manager")
        if own
        else owner.employee.first_name,
        "feedback": queries.timeline(access.feedback_visible_to(owner), *_sinces(owner)),
        "may_give": access.may_give_feedback(owner),
        "form": _feedback_form(owner),
        "saved": None,
    }
    context.update(overrides)
    return context


def _tell_if_won(sent):
    """A win recorded with praise shows on the employee's open meetings."""
    if sent.win is not None:
        tell_open_meetings(sent.win.employee_id)


def _sending(form):
    # Only the Send button sends; Enter in a field, or anything else, keeps a draft.
    return form.get("action") == "send"


@bp.route("/feedback")
def my_feedback():
    return redirect(url_for(".feedback", employee_id=current_user.id))


@bp.route("/people/<int:employee_id>/feedback")
def feedback(employee_id):
    owner = access.get_growth_owner_or_404(current_user, employee_id, "feedback")
    return render_template(FEEDBACK_PAGE, **_feedback_context(owner))


@bp.route("/people/<int:employee_id>/feedback", methods=["POST"])
def give_feedback(employee_id):
    owner = access.get_growth_owner_or_404(current_user, employee_id, "feedback")
    receiver = access.feedback_receiver(owner)
    form = _feedback_form(owner, formdata=request.form)
    if not form.validate():
        return render_page(
            FEEDBACK_PAGE, "feedback_page", 422, **_feedback_context(owner, form=form)
        )
    send = _sending(request.form)
    sent = service.write_feedback(
        owner.employee.id, current_user.id, receiver, form.terms(), send=send
    )
    _tell_if_won(sent)
    return done(
        FEEDBACK_PAGE,
        "feedback_page",
        url_for(".feedback", employee_id=owner.employee.id),
        lambda: _feedback_context(owner, saved="sent" if send else "draft"),
    )


def _feedback_edit(item, owner, form, status=200, theirs=None):
    return render_template(
        "growth/feedback_edit.html", item=item, form=form, theirs=theirs, **_owner_context(owner)
    ), status


@bp.route("/feedback/<int:feedback_id>/wordings")
def feedback_wordings(feedback_id):
    """What corrected feedback said before each correction: whoever may read the
    feedback reads them, a page at a time."""
    item, owner = access.get_feedback_or_404(current_user, feedback_id)
    page = ids.page_from_query(WORDINGS_PER_PAGE)
    wordings, total = queries.earlier_wordings(item, page, WORDINGS_PER_PAGE)
    return render_template(
        "growth/feedback_wordings.html",
        item=item,
        wordings=wordings,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / WORDINGS_PER_PAGE)),
        **_owner_context(owner),
    )


@bp.route("/feedback/<int:feedback_id>/edit")
def edit_feedback(feedback_id):
    item, owner = access.get_feedback_or_404(current_user, feedback_id)
    access.require_feedback_giver(item, owner)
    form = _feedback_form(
        owner,
        item=item,
        data=stored_values(item),
        meeting=item.meeting_id or 0,
        goal=item.goal_id or 0,
        step=item.step_id or 0,
    )
    return _feedback_edit(item, owner, form)


@bp.route("/feedback/<int:feedback_id>", methods=["POST"])
def change_feedback(feedback_id):
    item, owner = access.get_feedback_or_404(current_user, feedback_id)
    send = item.is_draft and _sending(request.form)
    if send:
        access.require_feedback_sendable(item, owner)
    else:
        access.require_feedback_giver(item, owner)
    form = _feedback_form(owner, formdata=request.form, item=item)
    if not form.validate():
        return _feedback_edit(item, owner, form, 422)
    try:
        sent = service.change_feedback(item, form.terms(), form.version.data, send=send)
    except service.StaleEdit as stale:
        form.version.data = stale.current.version
        return _feedback_edit(item, owner, form, 409, theirs=stale.current)
    _tell_if_won(sent)
    return redirect(url_for(".feedback", employee_id=owner.employee.id), code=303)


@bp.route("/feedback/<int:feedback_id>/send", methods=["POST"])
def send_feedback(feedback_id):
    item, owner = access.get_feedback_or_404(current_user, feedback_id)
    access.require_feedback_sendable(item, owner)
    _tell_if_won(service.send_feedback(item))
    return done(
        FEEDBACK_PAGE,
        "feedback_page",
        url_for(".feedback", employee_id=owner.employee.id),
        lambda: _feedback_context(owner, saved="sent"),
    )


@bp.route("/feedback/<int:feedback_id>/delete", methods=["POST"])
def delete_feedback(feedback_id):
    item, owner = access.get_feedback_or_404(current_user, feedback_id)
    access.require_feedback_giver(item, owner)
    try:
        service.delete_draft(item)
    except service.SentFeedbackStays as refusal:
        raise access.ReadOnly(str(refusal)) from None
    return done(
        FEEDBACK_PAGE,
        "feedback_page",
        url_for(".feedback", employee_id=owner.employee.id),
        lambda: _feedback_context(owner),
    )
