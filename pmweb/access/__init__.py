"""The access policy: who may see or change what. Nothing else in pmweb decides it.

- A one-on-one's meetings, talking points, shared notes and action items: its two
  participants. Changing them also needs the pair's reporting line to be current
  and the meeting not completed; after a reporting line ends both keep read-only
  access to the meetings they took part in.
- A private note: its author only — not the other participant, not an administrator.
- Goals and their check-ins, the development plan, feedback and wins: the employee
  and their current manager. Upward feedback (the employee's to their manager) is for
  the manager it was given to; a feedback draft is its giver's alone.
- A new manager sees the employee's goals, plan and feedback from before their
  reporting line began only as the employee carries them over at the handoff; until
  then the titles of the agreed goals and nothing else (``handoffs``). Their reads of
  what was carried over are recorded for the employee.
- Objectives: titles and how many goals align to each, for everyone signed in;
  kept by administrators and managers.
- Administrators manage people and reporting lines and read no one-on-one content.
  They never manage anyone themselves, never hold a password, and every change they
  make to a person's account or lines is shown to that person (``pmweb.accounts``).
- The company's directory, with a SCIM token an administrator made, manages people's
  accounts and managers as an administrator does, and reads no one-on-one content; a
  session opens none of it (``directory``).
- Signing in: by password, through the company's identity provider, or either; an
  identity the provider vouches for opens the account linked to its ``sub``, never
  one linked to another (``sign_in``).
- Anyone else reads only through a grant the employee gave (a scope, a person, an
  expiry), read-only, and every such read is recorded for the employee to see.

Loaders return a small frozen value — the object, and what the policy decided about
it (how the viewer stands to it, the employee's current manager, the grant read
through, whether the reporting line is current) — or abort with 404: someone who may
not see a thing must not learn that it exists. A participant who may read but not
change (a completed meeting, an ended reporting line) gets 409 with the reason instead.

One module per area (``meetings``, ``growth``, ``handoffs``, ``grants``, ``admin``,
``prep``, ``directory``, ``sign_in``, and what they share in ``common``); views import
the policy from here.
"""

from pmweb.access.admin import (
    get_person_for_administrator_or_404,
    get_reporting_line_for_administrator_or_404,
    is_administrator,
    people_visible_to_administrator,
    reporting_lines_visible_to_administrator,
    require_administrator,
)
from pmweb.access.common import (
    EMPLOYEE,
    ReadOnly,
    now,
    require_edit,
    today,
)
from pmweb.access.directory import (
    directory_token_from,
    get_scim_token_for_administrator_or_404,
    people_visible_to_directory,
    person_for_directory,
)
from pmweb.access.grants import (
    forget_reads,
    get_own_grant_or_404,
    grants_given_by,
    grants_received_by,
    reads_of,
    write_down_reads,
)
from pmweb.access.growth import (
    OwnerAccess,
    can_maintain_objectives,
    feedback_receiver,
    feedback_visible_to,
    get_feedback_or_404,
    get_goal_for_reading_or_404,
    get_goal_of_meeting_or_404,
    get_goal_or_404,
    get_goal_owner_for_reading_or_404,
    get_goal_owner_or_404,
    get_growth_owner_or_404,
    get_objective_to_maintain_or_404,
    get_plan_step_of_meeting_or_404,
    get_plan_step_or_404,
    get_win_or_404,
    may_change_feedback,
    may_change_growth,
    may_give_feedback,
    may_read_goals,
    may_remove_win,
    may_see_plan_texts,
    require_feedback_giver,
    require_feedback_sendable,
    require_growth_change,
    require_growth_change_in_meeting,
    require_objective_keeper,
    require_plan_texts,
    require_win_remover,
    seen_since,
)
from pmweb.access.handoffs import (
    EVERYTHING,
    NOTHING,
    current_line_of,
    own_current_handoff,
    sees_plan_texts,
)
from pmweb.access.meetings import (
    can_delete_action_item,
    can_delete_talking_point,
    can_edit_meeting,
    can_edit_one_on_one,
    can_reopen_meeting,
    can_write_private_note,
    current_one_on_ones_of,
    current_reports_of,
    deletable_action_items,
    deletable_talking_points,
    get_action_item_of_meeting_or_404,
    get_editable_meeting_or_404,
    get_followable_meeting_or_404,
    get_meeting_for_reading_or_404,
    get_meeting_or_404,
    get_one_on_one_for_reading_or_404,
    get_one_on_one_or_404,
    get_talking_point_or_404,
    growth_role_in_listed_one_on_one,
    growth_role_in_meeting,
    growth_since_in_meeting,
    growth_sinces_of_listed_one_on_ones,
    is_participant,
    one_on_ones_to_export,
    one_on_ones_to_share,
    one_on_ones_visible_to,
    private_note_of,
    private_notes_of,
    require_action_item_deletable,
    require_meeting_completable,
    require_meeting_editable,
    require_meeting_reopenable,
    require_one_on_one_editable,
    require_private_note_writable,
    stream_may_continue,
)
from pmweb.access.prep import (
    calendar_feed_of,
    get_calendar_owner_or_404,
    get_own_question_or_404,
    week_stream_may_continue,
)
from pmweb.access.sign_in import (
    passwords_in_use,
    require_passwords,
    require_single_sign_on,
    single_sign_on,
)
