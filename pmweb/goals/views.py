"""Views of the goal pages: thin — load through access, validate, call a rule, render
the page or its fragment, or redirect."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from pmweb import access, live
from pmweb.forms import stored_values
from pmweb.goals import forms, progress, queries, service
from pmweb.htmx import render_page
from pmweb.meetings.forms import choices
from pmweb.models import CheckIn, Goal, User

bp = Blueprint("goals", __name__)

GOAL_PAGE = "goals/goal.html"


@bp.before_request
@login_required
def require_login():
    pass


def _people(employee, manager_id):
    """Names for "waiting for …": the employee and their current manager."""
    manager = User.get_or_none(User.id == manager_id) if manager_id else None
    return {"employee": employee, "manager": manager}


def _valid_or_400(form):
    # These forms carry only what the page itself wrote (a version, an outcome).
    if not form.validate():
        abort(400)
    return form


def tell_open_meetings(employee_id):
    """Goals show on the employee's open meetings: those pages fetch them again."""
    for meeting_id in queries.open_meeting_ids_of(employee_id):
        live.publish(meeting_id, "goals")


# --- an employee's goals ---------------------------------------------------------


@bp.route("/goals")
def my_goals():
    return redirect(url_for(".overview", employee_id=current_user.id))


@bp.route("/people/<int:employee_id>/goals")
def overview(employee_id):
    owner = access.get_goal_owner_for_reading_or_404(current_user, employee_id)
    employee = owner.employee
    since = access.seen_since(owner, "goals")
    goals = queries.goals_of(employee.id, since)
    today = access.today()
    for goal in goals:
        goal.behind = progress.is_behind(goal, goal.latest and goal.latest.value, today)
        goal.waiting = service.waiting_on(goal, owner.manager_id)
    return render_template(
        "goals/overview.html",
        employee=employee,
        viewer=owner,
        may_change=access.may_change_growth(owner),
        people=_people(employee, owner.manager_id),
        awaiting=[g for g in goals if g.status == "proposed"],
        agreed=[g for g in goals if g.status == "agreed"],
        earlier_goal_titles=queries.earlier_goal_titles(employee.id, since),
        achieved=[g for g in goals if g.status == "achieved"],
        dropped=[g for g in goals if g.status == "dropped"],
    )


def _goal_form(goal=None, formdata=None, **data):
    return forms.GoalForm(
        queries.objectives_to_choose(goal), access.today(), formdata=formdata, **data
    )


def _edit_page(owner, goal, form, status=200, **extra):
    return render_template(
        "goals/edit.html", employee=owner.employee, viewer=owner, goal=goal, form=form, **extra
    ), status


@bp.route("/people/<int:employee_id>/goals/new")
def new_goal(employee_id):
    owner = access.get_goal_owner_or_404(current_user, employee_id)
    return _edit_page(owner, None, _goal_form())


@bp.route("/people/<int:employee_id>/goals/new", methods=["POST"])
def propose_goal(employee_id):
    owner = access.get_goal_owner_or_404(current_user, employee_id)
    form = forms.GoalForm(queries.objectives_to_choose(), access.today())
    if not form.validate():
        return _edit_page(owner, None, form, 422)
    goal = service.propose_goal(owner.employee, current_user.id, owner.role, form.terms())
    return redirect(url_for(".goal", goal_id=goal.id), code=303)


# --- one goal ------------------------------------------------------------------------


def _goal_context(goal, owner, **overrides):
    employee = owner.employee
    people_of = _people(employee, owner.manager_id)
    check_ins = queries.check_ins_of(goal)
    versions = queries.versions_of(goal)
    today = access.today()
    latest = check_ins[-1] if check_ins else None
    last_change = None
    if goal.status == "proposed" and len(versions) > 1:
        # Measured from the terms both last agreed to, so nothing changed in between
        # goes unseen; the version before, if they never agreed.
        newest = versions[0]
        base_number = goal.last_agreed_version or newest.number - 1
        base = next(v for v in versions if v.number == base_number)
        last_change = {
            "by": newest.written_by,
            "since": (
                f"since version {base_number}, the one you both agreed to"
                if goal.last_agreed_version
                else f"version {newest.number}"
            ),
            "changes": service.changes(
                service.Terms.of_version(base), service.Terms.of_version(newest)
            ),
        }
    oldest_first = list(reversed(versions))
    version_changes = [
        (
            version,
            service.changes(service.Terms.of_version(previous), service.Terms.of_version(version))
            if previous
            else None,
        )
        for previous, version in zip([None, *oldest_first], oldest_first, strict=False)
    ]
    context = {
        "goal": goal,
        "employee": employee,
        "version_changes": list(reversed(version_changes)),
        "people": people_of,
        "role": owner.role,
        "may_change": access.may_change_growth(owner),
        "grant": owner.grant,
        "waiting": service.waiting_on(goal, owner.manager_id),
        "milestones": service.milestones_of(goal),
        "check_ins": check_ins,
        "latest": latest,
        "last_change": last_change,
        "expected": progress.expected_value(goal, today) if goal.status == "agreed" else None,
        "behind": progress.is_behind(goal, latest and latest.value, today),
        "chart_data": progress.chart(goal, check_ins, today),
        # Confidence starts where the last check-in left it, as in the meeting.
        "check_in_form": forms.CheckInForm(
            goal, formdata=None, confidence=latest.confidence if latest else "on_track"
        ),
        "close_form": forms.CloseForm(formdata=None, version=goal.version),
        "stale": False,
        "refusal": None,
        "confidences": CheckIn.CONFIDENCES,
    }
    context.update(overrides)
    return context


@bp.route("/goals/<int:goal_id>")
def goal(goal_id):
    goal, owner = access.get_goal_for_reading_or_404(current_user, goal_id)
    return render_page(GOAL_PAGE, "goal_body", **_goal_context(goal, owner))


@bp.route("/goals/<int:goal_id>/edit")
def edit_goal(goal_id):
    goal, owner = access.get_goal_or_404(current_user, goal_id)
    if goal.is_closed:
        abort(404)
    data = forms.goal_form_data(goal, service.milestones_of(goal))
    return _edit_page(owner, goal, _goal_form(goal, **data))


@bp.route("/goals/<int:goal_id>/edit", methods=["POST"])
def change_goal(goal_id):
    goal, owner = access.get_goal_or_404(current_user, goal_id)
    form = forms.GoalForm(queries.objectives_to_choose(goal), access.today())
    if not form.validate() or form.version.data is None:
        if form.version.data is None:
            form.title.errors.append("Reload the page and try again.")
        return _edit_page(owner, goal, form, 422)
    try:
        service.change_terms(goal, owner.role, current_user.id, form.terms(), form.version.data)
    except service.StaleGoal:
        form.title.errors.append(
            "The goal changed while you were editing. Your version is below; "
            "open the goal in another tab to see theirs, then save again."
        )
        form.version.data = Goal.get_by_id(goal.id).version
        return _edit_page(owner, goal, form, 409, stale=True)
    except service.GoalError as error:
        form.title.errors.append(str(error))
        return _edit_page(owner, goal, form, 409)
    tell_open_meetings(goal.employee_id)
    return redirect(url_for(".goal", goal_id=goal.id), code=303)


def _step(goal, owner, rule):
    """Runs one state-machine step from the goal page and answers with the page; a
    stale or refused step shows the goal as it is now, with the reason."""
    try:
        rule()
    except service.StaleGoal:
        goal, owner = access.get_goal_or_404(current_user, goal.id)
        return render_page(
            GOAL_PAGE, "goal_body", status=409, **_goal_context(goal, owner, stale=True)
        )
    except service.GoalError as error:
        return render_page(
            GOAL_PAGE, "goal_body", status=409, **_goal_context(goal, owner, refusal=str(error))
        )
    tell_open_meetings(goal.employee_id)
    return redirect(url_for(".goal", goal_id=goal.id), code=303)


@bp.route("/goals/<int:goal_id>/agree", methods=["POST"])
def agree(goal_id):
    goal, owner = access.get_goal_or_404(current_user, goal_id)
    form = _valid_or_400(forms.VersionForm())
    return _step(
        goal,
        owner,
        lambda: service.agree(
            goal, owner.role, current_user.id, form.version.data, owner.manager_id
        ),
    )


@bp.route("/goals/<int:goal_id>/close", methods=["POST"])
def propose_closing(goal_id):
    goal, owner = access.get_goal_or_404(current_user, goal_id)
    form = forms.CloseForm()
    if not form.validate():
        return render_page(
            GOAL_PAGE, "goal_body", status=422, **_goal_context(goal, owner, close_form=form)
        )
    return _step(
        goal,
        owner,
        lambda: service.propose_closing(
            goal,
            current_user.id,
            form.outcome.data,
            form.reason.data or "",
            form.version.data,
        ),
    )


@bp.route("/goals/<int:goal_id>/close/agree", methods=["POST"])
def agree_to_close(goal_id):
    goal, owner = access.get_goal_or_404(current_user, goal_id)
    form = _valid_or_400(forms.AgreeToCloseForm())
    return _step(
        goal,
        owner,
        lambda: service.agree_to_close(
            goal, current_user.id, form.outcome.data, form.version.data, owner.manager_id
        ),
    )


@bp.route("/goals/<int:goal_id>/close/withdraw", methods=["POST"])
def withdraw_closing(goal_id):
    goal, owner = access.get_goal_or_404(current_user, goal_id)
    form = _valid_or_400(forms.VersionForm())
    return _step(goal, owner, lambda: service.withdraw_closing(goal, form.version.data))


@bp.route("/goals/<int:goal_id>/check-ins", methods=["POST"])
def check_in(goal_id):
    goal, owner = access.get_goal_or_404(current_user, goal_id)
    form = forms.CheckInForm(goal)
    if not form.validate():
        return render_page(
            GOAL_PAGE, "goal_body", status=422, **_goal_context(goal, owner, check_in_form=form)
        )
    done = forms.ticked_milestones(request.form)
    return _step(
        goal,
        owner,
        lambda: service.check_in(
            goal,
            current_user.id,
            getattr(form, "number", None),
            form.confidence.data,
            form.note.data or "",
            done_milestones=done,
        ),
    )


# --- objectives ----------------------------------------------------------------------


def _owner_choices():
    return choices((person.id, person.name) for person in User.active().order_by(User.name))


def _objectives_page(form=None, status=200):
    form = form or forms.ObjectiveForm(formdata=None, owner=current_user.id)
    form.owner.choices = _owner_choices()
    return render_template(
        "goals/objectives.html",
        objectives=queries.objectives_with_counts(),
        form=form,
        can_maintain=access.can_maintain_objectives(current_user),
    ), status


@bp.route("/objectives")
def objectives():
    return _objectives_page()


@bp.route("/objectives", methods=["POST"])
def create_objective():
    access.require_objective_keeper(current_user)
    form = forms.ObjectiveForm()
    form.owner.choices = _owner_choices()
    if not form.validate():
        return _objectives_page(form, 422)
    service.create_objective(form.title.data, form.period.data, form.owner.data, current_user.id)
    return redirect(url_for(".objectives"), code=303)


@bp.route("/objectives/<int:objective_id>/edit")
def edit_objective(objective_id):
    objective = access.get_objective_to_maintain_or_404(current_user, objective_id)
    form = forms.ObjectiveForm(formdata=None, data=stored_values(objective))
    form.owner.choices = _owner_choices()
    return render_template("goals/objective.html", objective=objective, form=form)


@bp.route("/objectives/<int:objective_id>/edit", methods=["POST"])
def change_objective(objective_id):
    objective = access.get_objective_to_maintain_or_404(current_user, objective_id)
    form = forms.ObjectiveForm()
    form.owner.choices = _owner_choices()
    if not form.validate():
        return render_template("goals/objective.html", objective=objective, form=form), 422
    service.change_objective(objective, form.title.data, form.period.data, form.owner.data)
    return redirect(url_for(".objectives"), code=303)


@bp.route("/objectives/<int:objective_id>/archive", methods=["POST"])
def archive_objective(objective_id):
    objective = access.get_objective_to_maintain_or_404(current_user, objective_id)
    service.archive_objective(objective)
    return redirect(url_for(".objectives"), code=303)
