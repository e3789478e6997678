"""Views of sharing: thin — load through access, validate, call a rule, render."""

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from peewee import fn
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from pmweb import access, accounts
from pmweb.forms import BoundedForm
from pmweb.meetings.forms import choices
from pmweb.models import AccessRecord, Grant, Handoff, User
from pmweb.sharing import export as export_data
from pmweb.sharing import handoffs, service

bp = Blueprint("sharing", __name__)

Grantee = User.alias("grantee")
Employee = User.alias("employee")
Actor = User.alias("actor")


@bp.before_request
@login_required
def require_login():
    pass


CARRY_CHOICES = choices([("carry", "Carry over"), ("keep", "Keep to myself")])


class GrantForm(BoundedForm):
    grantee = SelectField("Share with", coerce=int)
    scope = SelectField(
        "What",
        choices=choices([(scope, Grant.SCOPES[scope]) for scope in service.OFFERED_SCOPES]),
    )
    days = IntegerField(
        "For how many days",
        default=service.DEFAULT_DAYS,
        validators=[
            InputRequired(message="Say for how many days."),
            NumberRange(
                min=1,
                max=service.LONGEST_DAYS,
                message=f"A grant lasts from 1 to {service.LONGEST_DAYS} days.",
            ),
        ],
    )
    one_on_one = SelectField("Whose meetings (for meeting records)", coerce=int, default=0)
    message = TextAreaField(
        "Message (optional)",
        validators=[Length(max=1000, message="Keep the message under 1,000 characters.")],
    )

    def __init__(self, people, pairs, *args, manager_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grantee.choices = choices(
            [(0, "Choose a person")]
            + [(person.id, _as_grantee(person, manager_id)) for person in people]
        )
        self.pairs = {pair.id: pair for pair in pairs}
        self.one_on_one.choices = choices(
            [(0, "—")] + [(pair.id, f"With {pair.manager.name}") for pair in pairs]
        )

    def validate_one_on_one(self, field):
        if self.scope.data == "meetings" and not field.data:
            raise ValidationError("Choose which one-on-one's meetings to share.")

    def validate_grantee(self, field):
        if not field.data:
            raise ValidationError("Choose who to share with.")


def _own_one_on_ones():
    return list(access.one_on_ones_to_share(current_user))


def _as_grantee(person, manager_id):
    """A person on offer, with what sharing with them means when it is not plain."""
    if person.id == manager_id:
        return f"{person.name} (your manager)"
    if person.is_admin:
        return f"{person.name} (an administrator)"
    return person.name


def _grant_form(formdata=None):
    line = access.current_line_of(current_user.id)
    return GrantForm(
        _people_to_share_with(),
        _own_one_on_ones(),
        formdata=formdata,
        manager_id=line.manager_id if line else None,
    )


def _people_to_share_with():
    return list(
        User.select(User.id, User.name, User.is_admin)
        .where((User.id != current_user.id) & User.deactivated_at.is_null())
        .order_by(fn.LOWER(User.name))
    )


def _sharing_context(form=None, **overrides):
    now = access.now()
    given = list(
        access.grants_given_by(current_user)
        .select_extend(Grantee)
        .join(Grantee, on=(Grant.grantee == Grantee.id))
        .order_by(Grant.created_at.desc())
    )
    context = {
        "active": [grant for grant in given if grant.is_active(now)],
        "ended": [grant for grant in given if not grant.is_active(now)][:20],
        "received": list(
            access.grants_received_by(current_user)
            .select_extend(Employee)
            .join(Employee, on=(Grant.employee == Employee.id))
            .order_by(Grant.expires_at)
        ),
        "form": form or _grant_form(),
        "scopes": Grant.SCOPES,
        "longest_days": service.LONGEST_DAYS,
        "error": None,
    }
    context.update(overrides)
    return context


@bp.route("/sharing")
def sharing():
    return render_template("sharing/sharing.html", **_sharing_context())


@bp.route("/sharing/grants", methods=["POST"])
def give_grant():
    form = _grant_form(request.form)
    if not form.validate():
        return render_template("sharing/sharing.html", **_sharing_context(form)), 422
    grantee = User.get_by_id(form.grantee.data)
    try:
        service.give_grant(
            current_user,
            grantee,
            form.scope.data,
            form.days.data,
            (form.message.data or "").strip(),
            # The rule keeps the one-on-one only for meeting records.
            one_on_one=form.pairs.get(form.one_on_one.data),
        )
    except service.GrantError as refusal:
        return render_template(
            "sharing/sharing.html", **_sharing_context(form, error=str(refusal))
        ), 422
    return redirect(url_for(".sharing"), code=303)


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
def revoke_grant(grant_id):
    grant = access.get_own_grant_or_404(current_user, grant_id)
    service.revoke_grant(grant)
    return redirect(url_for(".sharing"), code=303)


# --- a change of manager ----------------------------------------------------------------


def _handoff():
    """The person's one-on-one with their current manager and their earlier ones with
    other managers, or None when there was no change of manager."""
    pairs = _own_one_on_ones()
    current = next((pair for pair in pairs if pair.is_current), None)
    earlier = [
        pair
        for pair in pairs
        if not pair.is_current and current and pair.manager_id != current.manager_id
    ]
    if current is None or not earlier:
        return None
    return current, earlier


class CarryOverForm(BoundedForm):
    """One clear choice per scope; none is made for the employee."""

    goals = RadioField("Your goals", choices=CARRY_CHOICES)
    plan = RadioField("Your development plan", choices=CARRY_CHOICES)
    feedback = RadioField("Your feedback", choices=CARRY_CHOICES)

    def carried(self):
        return {scope for scope in Handoff.SCOPES if self[scope].data == "carry"}


def _carry_over_context(form=None):
    own = access.own_current_handoff(current_user)
    if own is None or not handoffs.has_earlier_content(current_user.id, own.content_since):
        return {"carry_over": None}
    if form is None:
        chosen = {
            scope: ("carry" if own.carries(scope) else "keep") if own.decided_at else None
            for scope in Handoff.SCOPES
        }
        form = CarryOverForm(formdata=None, **chosen)
    return {"carry_over": own, "carry_over_form": form, "new_manager": own.line.manager}


@bp.route("/handoff/carry-over", methods=["POST"])
def carry_over():
    form = CarryOverForm()
    context = _carry_over_context(form)
    own = context["carry_over"]
    if own is None:
        return redirect(url_for(".handoff"), code=303)
    for scope in Handoff.SCOPES:
        if form[scope].data not in ("carry", "keep"):
            form[scope].errors = ["Choose whether to carry this over or keep it to yourself."]
    if any(form[scope].errors for scope in Handoff.SCOPES):
        return _handoff_page(status=422, **context)
    try:
        handoffs.carry_over(own.id, current_user.id, form.carried())
    except handoffs.HandoffRefused as refusal:
        flash(str(refusal), "error")
    else:
        flash(f"Saved: {own.line.manager.first_name} sees what you carried over.", "success")
    return redirect(url_for(".handoff"), code=303)


def _handoff_page(status=200, **context):
    found = _handoff()
    shared = set()
    if found:
        current, earlier = found
        shared = {
            grant.one_on_one_id
            for grant in access.grants_given_by(current_user).where(
                (Grant.scope == "meetings")
                & (Grant.grantee == current.manager_id)
                & Grant.revoked_at.is_null()
                & (Grant.expires_at > access.now())
            )
        }
    return render_template(
        "sharing/handoff.html",
        handoff=found,
        shared=shared,
        longest_days=service.LONGEST_DAYS,
        default_days=service.DEFAULT_DAYS,
        **({"carry_over": None} | context),
    ), status


@bp.route("/handoff")
def handoff():
    """What a change of manager means for the employee's data, and their choices: what
    of their goals, plan and feedback the new manager sees, and whether they may read
    an earlier one-on-one's meetings."""
    return _handoff_page(**_carry_over_context())


@bp.route("/handoff", methods=["POST"])
def share_with_new_manager():
    found = _handoff()
    if found is None:
        return redirect(url_for(".handoff"), code=303)
    current, earlier = found
    pair = next((p for p in earlier if p.id == request.form.get("one_on_one", type=int)), None)
    days = request.form.get("days", type=int) or service.DEFAULT_DAYS
    try:
        service.give_grant(
            current_user,
            current.manager,
            "meetings",
            days,
            "Shared when my manager changed",
            one_on_one=pair,
        )
    except service.GrantError as refusal:
        return render_template(
            "sharing/handoff.html",
            handoff=found,
            shared=set(),
            error=str(refusal),
            longest_days=service.LONGEST_DAYS,
            default_days=service.DEFAULT_DAYS,
            **_carry_over_context(),
        ), 422
    return redirect(url_for(".handoff"), code=303)


@bp.route("/account/export")
def export():
    """All of the person's own data, as JSON and a readable HTML file in a zip."""
    return send_file(
        io.BytesIO(export_data.archive_of(current_user)),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"pmweb-data-{access.today():%Y-%m-%d}.zip",
    )


@bp.route("/sharing/reads")
def reads():
    records = list(
        access.reads_of(current_user)
        .select_extend(Actor)
        .join_from(AccessRecord, Actor, on=(AccessRecord.actor == Actor.id))
        .order_by(AccessRecord.read_at.desc(), AccessRecord.id.desc())
        .limit(500)
    )
    grants = {
        grant.id: grant
        for grant in Grant.select().where(Grant.id.in_({r.grant_id for r in records if r.grant_id}))
    }
    return render_template(
        "sharing/reads.html",
        records=records,
        grants=grants,
        scopes=Grant.SCOPES,
        events=accounts.events_of(current_user),
    )
