"""Everything a person can see of their own, to take with them: their one-on-ones
(meetings, talking points, shared notes, action items, and their own private notes —
never the other person's), their goals with every version and check-in, their
development plan with its history, their feedback (sent, and their own drafts), their
wins, the grants they gave and every read of their data.

Read through the access policy's scoped queries, like every page."""

import datetime
import io
import json
import zipfile

from flask import render_template

from pmweb import access
from pmweb.growth import queries as growth_queries
from pmweb.growth import service as growth_service
from pmweb.models import (
    AccessRecord,
    ActionItem,
    CheckIn,
    Goal,
    GoalVersion,
    Grant,
    Meeting,
    PrivateNote,
    TalkingPoint,
    User,
)


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _row(model_row, *names):
    return {name: _plain(getattr(model_row, name)) for name in names}


def data_of(user):
    """A JSON-ready dict of everything ``user`` can see of their own."""
    pairs = access.one_on_ones_to_export(user)
    pair_ids = [pair.id for pair in pairs]
    meetings = (
        list(
            Meeting.select().where(Meeting.one_on_one.in_(pair_ids)).order_by(Meeting.scheduled_for)
        )
        if pair_ids
        else []
    )
    meeting_ids = [meeting.id for meeting in meetings]
    points, notes = {}, {}
    if meeting_ids:
        for point in (
            TalkingPoint.select()
            .where(TalkingPoint.meeting.in_(meeting_ids))
            .order_by(TalkingPoint.position)
        ):
            points.setdefault(point.meeting_id, []).append(point)
        # Only the person's own private notes: there is no query for anyone else's.
        for note in PrivateNote.select().where(
            PrivateNote.meeting.in_(meeting_ids) & (PrivateNote.author == user.id)
        ):
            notes[note.meeting_id] = note
    names = {person.id: person.name for person in User.select(User.id, User.name)}
    owner = access.get_growth_owner_or_404(user, user.id, "plan")
    plan = growth_service.plan_of(user.id)
    goals = list(Goal.select().where(Goal.employee == user.id).order_by(Goal.created_at))
    goal_ids = [goal.id for goal in goals] or [0]
    versions = list(GoalVersion.select().where(GoalVersion.goal.in_(goal_ids)))
    check_ins = list(CheckIn.select().where(CheckIn.goal.in_(goal_ids)).order_by(CheckIn.id))
    return {
        "exported_at": _plain(access.now()),
        "person": {"name": user.name, "email": user.email},
        "one_on_ones": [
            {
                "manager": pair.manager.name,
                "employee": pair.employee.name,
                "current": bool(pair.is_current),
                "meetings": [
                    {
                        "scheduled_for": _plain(meeting.scheduled_for),
                        "status": meeting.status,
                        "shared_notes": meeting.shared_notes,
                        "my_private_note": notes[meeting.id].body if meeting.id in notes else "",
                        "talking_points": [
                            {
                                "text": point.text,
                                "by": names.get(point.author_id),
                                "discussed": point.discussed,
                            }
                            for point in points.get(meeting.id, [])
                        ],
                    }
                    for meeting in meetings
                    if meeting.one_on_one_id == pair.id
                ],
                "action_items": [
                    {
                        "text": item.text,
                        "owner": names.get(item.owner_id),
                        "due": _plain(item.due),
                        "done_at": _plain(item.done_at),
                    }
                    for item in ActionItem.select().where(ActionItem.one_on_one == pair.id)
                ],
            }
            for pair in pairs
        ],
        "goals": [
            _row(
                goal,
                "title",
                "why",
                "status",
                "measure",
                "unit",
                "start_value",
                "target_value",
                "due",
                "created_at",
                "closed_at",
            )
            | {
                "versions": [
                    _row(v, "number", "title", "due", "target_value", "milestones", "written_at")
                    | {"by": names.get(v.written_by_id)}
                    for v in versions
                    if v.goal_id == goal.id
                ],
                "check_ins": [
                    _row(c, "value", "confidence", "note", "created_at")
                    | {"by": names.get(c.author_id)}
                    for c in check_ins
                    if c.goal_id == goal.id
                ],
            }
            for goal in goals
        ],
        "development_plan": {
            "aspiration": plan.aspiration,
            "strengths": plan.strengths,
            "growth_areas": plan.growth_areas,
            "steps": [
                _row(step, "kind", "title", "target_date", "status", "notes")
                for step in growth_queries.steps_of(user.id, access.EVERYTHING, access.EVERYTHING)
            ],
            "history": [
                _row(change, "step_title", "what", "before", "after", "changed_at")
                | {"by": change.author.name}
                for change in growth_queries.history_of(
                    plan, access.EVERYTHING, shows_texts=True, shows_goals=True
                )
            ],
        },
        "feedback": [
            _row(item, "kind", "body", "created_at", "sent_at", "edited_at")
            | {"from": item.giver.name, "to": item.receiver.name, "draft": item.is_draft}
            for item in growth_queries.timeline(
                access.feedback_visible_to(owner), access.EVERYTHING, access.EVERYTHING
            )
        ],
        "wins": [
            _row(win, "title", "details", "achieved_on")
            for win in growth_queries.wins_of(user.id, access.EVERYTHING, access.EVERYTHING)
        ],
        "grants_given": [
            _row(grant, "scope", "message", "created_at", "expires_at", "revoked_at")
            | {"to": names.get(grant.grantee_id)}
            for grant in access.grants_given_by(user).order_by(Grant.created_at)
        ],
        "reads_of_my_data": [
            _row(record, "what", "read_at") | {"by": names.get(record.actor_id)}
            for record in access.reads_of(user).order_by(AccessRecord.read_at)
        ],
    }


def archive_of(user):
    """A zip with ``pmweb-data.json`` and a readable ``pmweb-data.html``."""
    data = data_of(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pmweb-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("pmweb-data.html", render_template("sharing/export.html", data=data))
    return buffer.getvalue()
