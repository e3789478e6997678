"""SCIM 2.0 provisioning: the compliance checker scim2-tester against pmweb in a real
gunicorn process, and the directory's changes to people and managers following the
organisation's rules."""

import datetime

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from pmweb.directory import tokens
from pmweb.models import (
    AccountEvent,
    AdminAction,
    Meeting,
    OneOnOne,
    ReportingLine,
    ScimToken,
    User,
)
from tests.conftest import make_user
from tests.servers import Gunicorn

SCIM_JSON = "application/scim+json"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def admin(app):
    return make_user("Ada Admin", "ada@example.com", is_admin=True)


@pytest.fixture
def token(admin):
    return tokens.make_token("Okta", admin)[1]


@pytest.fixture
def scim(client, token):
    """The directory: requests to /scim/v2 with its bearer token."""

    class Directory:
        def request(self, method, path, body=None, **headers):
            return client.open(
                f"/scim/v2{path}",
                method=method,
                json=body,
                headers={"Authorization": f"Bearer {token}", **headers},
            )

        def get(self, path):
            return self.request("GET", path)

        def post(self, path, body):
            return self.request("POST", path, body)

        def put(self, path, body):
            return self.request("PUT", path, body)

        def patch(self, path, *operations):
            body = {"schemas": [PATCH_OP], "Operations": list(operations)}
            return self.request("PATCH", path, body)

        def delete(self, path):
            return self.request("DELETE", path)

    return Directory()


def a_user(user_name, name, manager_id=None, **more):
    user = {
        "schemas": [CORE, ENTERPRISE],
        "userName": user_name,
        "displayName": name,
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "active": True,
        **more,
    }
    if manager_id is not None:
        user[ENTERPRISE] = {"manager": {"value": str(manager_id)}}
    return user


def manager_set_to(manager_id):
    """The PATCH operation by which a directory gives someone a manager."""
    return {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": manager_id}}


def manager_of(person, day):
    line = ReportingLine.current_on(day).where(ReportingLine.employee == person.id).first()
    return line.manager if line else None


# --- the compliance checker ---------------------------------------------------------


def test_the_scim_compliance_checker_finds_nothing_wrong(app, tmp_path, token):
    """Every check scim2-tester runs — discovery, create, read, list, filter,
    replace, PATCH add/replace/remove on each attribute, delete, an unknown URL —
    passes against a real server. None is skipped: pmweb announces no capability it
    lacks, so none of the checks is left without a target."""
    server = Gunicorn(tmp_path, app.config["DATABASE_URL"], app.config["SECRET_KEY"])
    server.start()
    try:
        with httpx2.Client(
            base_url=f"{server.url}/scim/v2", headers={"Authorization": f"Bearer {token}"}
        ) as http:
            results = check_server(SyncSCIMClient(http))
    finally:
        server.stop()
    not_passed = [
        f"{result.status.name} {result.title}: {result.reason}"
        for result in results
        if result.status != Status.SUCCESS
    ]
    assert not_passed == []
    assert len(results) >= 40
    titles = {result.title for result in results}
    for expected in ("object_creation", "object_replacement", "object_deletion"):
        assert expected in titles
    assert {"check_add_attribute", "check_remove_attribute", "check_replace_attribute"} <= titles


# --- bearer tokens ------------------------------------------------------------------


def test_without_a_token_scim_answers_401_as_a_scim_error(client, actors):
    response = client.get("/scim/v2/Users")
    assert response.status_code == 401
    assert response.json["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert response.json["status"] == "401"


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Basic YWRhOnNlY3JldA==", "Bearer ", "Bearer " + "x" * 5000, "token"],
)
def test_a_wrong_token_is_refused(client, token, authorization):
    response = client.get("/scim/v2/Users", headers={"Authorization": authorization})
    assert response.status_code == 401


def test_a_session_cookie_opens_nothing_of_scim(client, actors, login):
    """Not even an administrator's: the directory signs with its token, and a cookie
    is not one."""
    for person in (actors.admin, actors.manager):
        login(person)
        for method, path in (
            ("GET", "/Users"),
            ("GET", f"/Users/{actors.report.id}"),
            ("POST", "/Users"),
            ("PATCH", f"/Users/{actors.report.id}"),
            ("DELETE", f"/Users/{actors.report.id}"),
            ("GET", "/Schemas"),
        ):
            response = client.open(f"/scim/v2{path}", method=method, json={})
            assert response.status_code == 401, (person.name, method, path)
    assert User.get_by_id(actors.report.id).deactivated_at is None


def test_a_token_is_kept_only_as_a_hash_and_works_until_revoked(client, admin, scim, token):
    row = ScimToken.get()
    assert token not in (row.token_hash, row.name)
    assert len(token) >= 40
    assert scim.get("/Users").status_code == 200
    assert ScimToken.get_by_id(row.id).last_used_at is not None
    tokens.revoke_token(row, by=admin)
    assert scim.get("/Users").status_code == 401


def test_a_token_stops_when_its_maker_is_no_longer_an_administrator(scim, admin, actors):
    """A former administrator keeps no way in through a token they copied."""
    from pmweb.org import service as org

    assert scim.get("/Users").status_code == 200
    User.update(is_admin=False).where(User.id == admin.id).execute()
    assert scim.get("/Users").status_code == 401
    User.update(is_admin=True).where(User.id == admin.id).execute()
    org.deactivate(admin, by=actors.admin)
    assert scim.get("/Users").status_code == 401


def test_the_administrator_makes_a_token_sees_it_once_and_revokes_it(client, admin, login):
    login(admin)
    page = client.get("/admin/directory")
    assert page.status_code == 200
    assert "http://localhost:5000/scim/v2" in page.get_data(as_text=True)
    made = client.post("/admin/directory/tokens", data={"name": "Entra ID"})
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    row = ScimToken.get(ScimToken.name == "Entra ID")
    shown = html.split('<p class="password-link"><code>')[1].split("</code>")[0]
    signed = {"Authorization": f"Bearer {shown}"}
    assert client.get("/scim/v2/Users", headers=signed).status_code == 200
    # Never again: the list shows its name, not the token.
    assert shown not in client.get("/admin/directory").get_data(as_text=True)
    assert client.post(f"/admin/directory/tokens/{row.id}/revoke").status_code == 303
    assert client.get("/scim/v2/Users", headers=signed).status_code == 401
    actions = [action.action for action in AdminAction.select()]
    assert {"Made a SCIM token", "Revoked a SCIM token"} <= set(actions)


def test_a_token_needs_a_name(client, admin, login):
    login(admin)
    response = client.post("/admin/directory/tokens", data={"name": "  "})
    assert response.status_code == 422
    assert "Name the token" in response.get_data(as_text=True)
    assert ScimToken.select().count() == 0


def test_only_administrators_reach_the_token_page(client, actors, login):
    login(actors.manager)
    assert client.get("/admin/directory").status_code == 404
    assert client.post("/admin/directory/tokens", data={"name": "Mine"}).status_code == 404
    assert ScimToken.select().count() == 0


# --- people -------------------------------------------------------------------------


def test_the_directory_creates_a_person_with_no_password(scim):
    response = scim.post("/Users", a_user("lee@example.com", "Lee Chen", externalId="00u1"))
    assert response.status_code == 201, response.json
    person = User.get(User.email == "lee@example.com")
    assert response.json["id"] == str(person.id)
    assert response.headers["Location"].endswith(f"/scim/v2/Users/{person.id}")
    assert (person.name, person.external_id, person.password_hash) == ("Lee Chen", "00u1", "")
    action = AdminAction.get(AdminAction.action == "Added an account")
    assert action.actor_id is None and action.via == "SCIM token “Okta”"
    event = AccountEvent.get(AccountEvent.person == person.id)
    assert (event.what, event.via) == ("Created your account", "SCIM token “Okta”")


def test_a_name_in_parts_and_attributes_pmweb_does_not_keep_are_accepted(scim):
    """As Entra ID and Okta send them: pmweb keeps the name, and nothing of the title,
    phone numbers or department."""
    response = scim.post(
        "/Users",
        {
            "schemas": [CORE, ENTERPRISE],
            "userName": "MEI@Example.com",
            "name": {"givenName": "Mei", "familyName": "Lin"},
            "emails": [
                {"value": "mei.private@example.org", "type": "home"},
                {"value": "MEI@Example.com", "type": "work", "primary": True},
            ],
            "title": "Engineer",
            "phoneNumbers": [{"value": "+44 20 7946 0000", "type": "work"}],
            ENTERPRISE: {"department": "Search", "employeeNumber": "77"},
        },
    )
    assert response.status_code == 201, response.json
    person = User.get_by_id(int(response.json["id"]))
    assert (person.name, person.email, person.is_active) == ("Mei Lin", "mei@example.com", True)
    assert response.json["userName"] == "MEI@Example.com"
    assert "title" not in response.json and "phoneNumbers" not in response.json


def test_filters_find_people_by_user_name_and_external_id(scim, actors):
    scim.post("/Users", a_user("lee@example.com", "Lee Chen", externalId="00u1"))
    by_name = scim.get('/Users?filter=userName eq "LEE@example.com"')
    assert by_name.json["totalResults"] == 1
    assert by_name.json["Resources"][0]["displayName"] == "Lee Chen"
    by_external = scim.get('/Users?filter=externalId eq "00u1"')
    assert [r["userName"] for r in by_external.json["Resources"]] == ["lee@example.com"]
    # People added before the directory was connected are found by their email, so
    # the directory takes them over instead of making second accounts.
    existing = scim.get('/Users?filter=userName eq "sam@example.com"')
    assert existing.json["Resources"][0]["id"] == str(actors.report.id)
    assert scim.get('/Users?filter=userName eq "nobody@example.com"').json["totalResults"] == 0


def test_other_filters_and_pages(scim, actors):
    everyone = scim.get("/Users?startIndex=1&count=2")
    # The cast of six, and the administrator who made the token.
    assert everyone.json["totalResults"] == 7
    assert len(everyone.json["Resources"]) == 2
    rest = scim.get("/Users?startIndex=3&count=10")
    assert len(rest.json["Resources"]) == 5
    ids = {r["id"] for r in everyone.json["Resources"] + rest.json["Resources"]}
    assert len(ids) == 7
    found = scim.get('/Users?filter=displayName sw "Dana"')
    assert [r["displayName"] for r in found.json["Resources"]] == ["Dana Reyes"]
    assert scim.get("/Users?filter=userName eq").status_code == 400


def test_a_taken_user_name_or_email_is_a_409(scim, actors):
    scim.post("/Users", a_user("lee@example.com", "Lee Chen"))
    again = scim.post("/Users", a_user("LEE@example.com", "Lee Again"))
    assert again.status_code == 409
    assert again.json["scimType"] == "uniqueness"
    # Sam has an account from before the directory: his address is his user name.
    sam = scim.post("/Users", a_user("sam@example.com", "Sam Again"))
    assert sam.status_code == 409
    assert User.select().where(User.name.contains("Again")).count() == 0


def test_a_user_name_is_taken_whatever_its_case_beyond_ascii_too(scim, actors):
    emails = [{"value": "asa.lind@example.com"}]
    first = scim.post("/Users", a_user("Åsa.Lind", "Åsa Lind", emails=emails))
    assert first.status_code == 201
    assert first.json["userName"] == "Åsa.Lind"
    emails = [{"value": "asa.other@example.com"}]
    again = scim.post("/Users", a_user("åSA.lind", "Åsa Again", emails=emails))
    assert again.status_code == 409
    assert "userName" in again.json["detail"]
    found = scim.get('/Users?filter=userName eq "ÅSA.LIND"')
    assert [r["id"] for r in found.json["Resources"]] == [first.json["id"]]
    # The person's own user name, in another case, is still theirs.
    renamed = scim.put(f"/Users/{first.json['id']}", a_user("asa.lind", "Åsa Lind", emails=emails))
    assert renamed.status_code == 200, renamed.json
    assert renamed.json["userName"] == "asa.lind"


@pytest.mark.parametrize(
    "body",
    [
        {"schemas": [CORE], "userName": "no-address", "displayName": "No Address"},
        {"schemas": [CORE], "userName": "x@example.com", "emails": [{"value": "not an address"}]},
        {"schemas": [CORE], "userName": "x@example.com", "active": "sometimes"},
        {"schemas": [CORE], "displayName": "No user name", "emails": [{"value": "y@example.com"}]},
        {"userName": ["a", "list"]},
        [],
        "plain text",
    ],
)
def test_bad_input_is_a_400_and_stores_nothing(scim, actors, body):
    before = User.select().count()
    response = scim.post("/Users", body)
    assert response.status_code == 400, response.json
    assert response.json["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert User.select().count() == before


def test_a_body_that_is_not_json_is_a_scim_error(client, token):
    response = client.post(
        "/scim/v2/Users",
        data=b"{not json",
        headers={"Authorization": f"Bearer {token}", "Content-Type": SCIM_JSON},
    )
    assert response.status_code == 400
    assert response.json["scimType"] == "invalidSyntax"


def test_unknown_ids_are_404(scim):
    # "²" and "٣" are digits to Python's str.isdigit(), and no number to int().
    for resource_id in ("999999", "abc", str(2**70), "-1", "²", "٣"):
        assert scim.get(f"/Users/{resource_id}").status_code == 404, resource_id
        assert scim.delete(f"/Users/{resource_id}").status_code == 404, resource_id
    assert scim.get('/Users?filter=id eq "²"').json["totalResults"] == 0


def test_patch_active_false_deactivates_and_ends_every_session(client, scim, actors, login):
    login(actors.report)
    response = scim.patch(
        f"/Users/{actors.report.id}", {"op": "replace", "path": "active", "value": False}
    )
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    assert User.get_by_id(actors.report.id).deactivated_at is not None
    assert client.get("/").status_code == 302
    event = AccountEvent.get(AccountEvent.what == "Deactivated your account")
    assert event.via == "SCIM token “Okta”"
    assert scim.get(f"/Users/{actors.report.id}").json["active"] is False
    # And back.
    scim.patch(f"/Users/{actors.report.id}", {"op": "replace", "value": {"active": True}})
    assert User.get_by_id(actors.report.id).deactivated_at is None


def test_delete_deactivates_and_destroys_nothing(scim, actors):
    meetings_before = Meeting.select().count()
    assert scim.delete(f"/Users/{actors.report.id}").status_code == 204
    sam = User.get_by_id(actors.report.id)
    assert sam.deactivated_at is not None and sam.removed_by_directory_at is not None
    assert Meeting.select().count() == meetings_before
    assert OneOnOne.select().where(OneOnOne.employee == sam.id).exists()
    # Gone for the directory (RFC 7644 §3.6), kept for pmweb.
    assert scim.get(f"/Users/{sam.id}").status_code == 404
    assert scim.get('/Users?filter=userName eq "sam@example.com"').json["totalResults"] == 0


def test_replace_changes_name_and_address(scim, actors):
    response = scim.put(
        f"/Users/{actors.report.id}",
        a_user("samuel@example.com", "Samuel Okafor", manager_id=actors.manager.id),
    )
    assert response.status_code == 200, response.json
    sam = User.get_by_id(actors.report.id)
    assert (sam.name, sam.email, sam.is_active) == ("Samuel Okafor", "samuel@example.com", True)


def test_a_replacement_without_active_leaves_a_deactivated_person_deactivated(scim, actors, admin):
    from pmweb.org import service as org

    org.deactivate(actors.report, by=admin)
    body = a_user("sam@example.com", "Sam Okafor", manager_id=actors.manager.id)
    del body["active"]
    assert scim.put(f"/Users/{actors.report.id}", body).status_code == 200
    assert User.get_by_id(actors.report.id).deactivated_at is not None


# --- managers -----------------------------------------------------------------------


def test_a_manager_from_the_directory_starts_the_reporting_line_and_the_one_on_one(
    scim, actors, today
):
    created = scim.post("/Users", a_user("lee@example.com", "Lee Chen", actors.manager.id))
    assert created.status_code == 201, created.json
    lee = User.get(User.email == "lee@example.com")
    assert manager_of(lee, today).id == actors.manager.id
    assert (
        OneOnOne.select()
        .where((OneOnOne.manager == actors.manager.id) & (OneOnOne.employee == lee.id))
        .exists()
    )
    assert created.json[ENTERPRISE]["manager"]["value"] == str(actors.manager.id)


def test_patching_the_manager_moves_sam_from_dana_to_priya(client, scim, actors, login, today):
    """Dana keeps read-only access to her meetings with Sam; Priya gets a fresh
    one-on-one and sees only what Sam carries over (nothing, until he decides)."""
    from pmweb.goals import service as goals
    from tests.test_access import GOAL_TERMS

    sams_goal = goals.propose_goal(actors.report, actors.report, "employee", GOAL_TERMS)
    old_meeting = actors.meeting
    response = scim.patch(
        f"/Users/{actors.report.id}",
        manager_set_to(str(actors.other_manager.id)),
    )
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    assert manager_of(actors.report, today).id == actors.other_manager.id
    old_line = ReportingLine.get(
        (ReportingLine.manager == actors.manager.id) & (ReportingLine.employee == actors.report.id)
    )
    assert old_line.ends_on == today - datetime.timedelta(days=1)

    login(actors.manager)
    assert client.get(f"/meetings/{old_meeting.id}").status_code == 200
    refused = client.post(f"/meetings/{old_meeting.id}/talking-points", data={"text": "late"})
    assert refused.status_code == 409

    login(actors.other_manager)
    new_pair = OneOnOne.get(
        (OneOnOne.manager == actors.other_manager.id) & (OneOnOne.employee == actors.report.id)
    )
    assert client.get(f"/one-on-ones/{new_pair.id}").status_code == 200
    assert client.get(f"/meetings/{old_meeting.id}").status_code == 404
    goals_page = client.get(f"/people/{actors.report.id}/goals")
    assert sams_goal.why not in goals_page.get_data(as_text=True) or not sams_goal.why
    assert client.get(f"/goals/{sams_goal.id}").status_code == 404

    logged = AdminAction.get(AdminAction.action == "Started a reporting line")
    assert logged.via == "SCIM token “Okta”"
    assert logged.subject.startswith("Sam Okafor reports to Priya Natarajan")
    events = [e.what for e in AccountEvent.select().where(AccountEvent.via != "")]
    assert any("reporting line to Priya Natarajan starts" in what for what in events)
    assert any("reporting line to Dana Reyes ended" in what for what in events)


def test_a_manager_corrected_the_same_day_never_takes_effect(scim, actors, today):
    lee = scim.post("/Users", a_user("lee@example.com", "Lee Chen", actors.manager.id)).json
    response = scim.patch(
        f"/Users/{lee['id']}",
        manager_set_to(str(actors.other_manager.id)),
    )
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    person = User.get_by_id(int(lee["id"]))
    assert manager_of(person, today).id == actors.other_manager.id
    withdrawn = ReportingLine.get(
        (ReportingLine.manager == actors.manager.id) & (ReportingLine.employee == person.id)
    )
    assert withdrawn.ends_on < withdrawn.starts_on
    # And removing the manager the same day withdraws that one too.
    scim.patch(f"/Users/{lee['id']}", {"op": "remove", "path": f"{ENTERPRISE}:manager"})
    assert manager_of(person, today) is None


def test_an_empty_manager_as_entra_id_sends_it_removes_the_manager(scim, actors, today):
    response = scim.patch(
        f"/Users/{actors.report.id}",
        {"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": ""},
    )
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    assert manager_of(actors.report, today) is None


def test_a_manager_sent_as_a_bare_id_as_entra_id_sends_it(scim, actors, today):
    response = scim.patch(
        f"/Users/{actors.report.id}",
        {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(actors.other_manager.id)},
    )
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    assert manager_of(actors.report, today).id == actors.other_manager.id


def test_removing_the_manager_ends_the_line_yesterday(scim, actors, today):
    removal = {"op": "remove", "path": f"{ENTERPRISE}:manager"}
    response = scim.patch(f"/Users/{actors.report.id}", removal)
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    assert manager_of(actors.report, today) is None
    line = ReportingLine.get(ReportingLine.employee == actors.report.id)
    assert line.ends_on == today - datetime.timedelta(days=1)
    assert AdminAction.get(AdminAction.action == "Ended a reporting line").via != ""


@pytest.mark.parametrize("manager", ["999999", "abc", str(2**70), "²", "٣"])
def test_an_unknown_manager_is_a_400_and_changes_nothing(scim, actors, today, manager):
    response = scim.patch(
        f"/Users/{actors.report.id}",
        manager_set_to(manager),
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert manager_of(actors.report, today).id == actors.manager.id


def test_a_cycle_or_oneself_as_manager_is_refused_with_the_reason(scim, actors, today):
    cycle = scim.patch(
        f"/Users/{actors.manager.id}",
        manager_set_to(str(actors.report.id)),
    )
    assert cycle.status_code == 400
    assert "already reports" in cycle.json["detail"]
    itself = scim.patch(
        f"/Users/{actors.report.id}",
        manager_set_to(str(actors.report.id)),
    )
    assert itself.status_code == 400
    assert "themselves" in itself.json["detail"]
    assert manager_of(actors.manager, today) is None
    assert manager_of(actors.report, today).id == actors.manager.id


def test_an_administrator_cannot_make_themselves_a_manager_through_their_own_token(
    scim, actors, admin, today
):
    response = scim.patch(f"/Users/{actors.report.id}", manager_set_to(str(admin.id)))
    assert response.status_code == 400
    assert "made this SCIM token" in response.json["detail"]
    assert manager_of(actors.report, today).id == actors.manager.id


def test_the_person_is_told_when_the_directory_changes_their_address(scim, actors):
    body = a_user("samuel@example.com", "Sam Okafor", manager_id=actors.manager.id)
    assert scim.put(f"/Users/{actors.report.id}", body).status_code == 200
    told = AccountEvent.get(AccountEvent.person == actors.report.id)
    assert told.what == "Your email changed to Sam Okafor <samuel@example.com>"
    assert told.via == "SCIM token “Okta”"


def test_a_failed_manager_change_leaves_the_rest_of_the_replacement_undone(scim, actors):
    body = a_user("samuel@example.com", "Samuel Okafor", manager_id=999999)
    assert scim.put(f"/Users/{actors.report.id}", body).status_code == 400
    sam = User.get_by_id(actors.report.id)
    assert (sam.name, sam.email) == ("Sam Okafor", "sam@example.com")


# --- nothing of the one-on-one --------------------------------------------------------


def test_no_scim_response_carries_one_on_one_content(scim, actors):
    from pmweb.meetings import service as meetings

    meetings.add_talking_point(actors.meeting, actors.manager.id, "CANARY-TALKING-POINT")
    meetings.add_action_item(
        actors.meeting, actors.manager.id, actors.report.id, "CANARY-ACTION", None
    )
    bodies = [
        scim.get("/Users").get_data(as_text=True),
        scim.get(f"/Users/{actors.report.id}").get_data(as_text=True),
        scim.get('/Users?filter=displayName co "a"').get_data(as_text=True),
        scim.get("/Schemas").get_data(as_text=True),
        scim.get("/ResourceTypes").get_data(as_text=True),
        scim.get("/ServiceProviderConfig").get_data(as_text=True),
    ]
    for body in bodies:
        assert "CANARY" not in body
        assert "password" not in body.lower() or "changePassword" in body


def test_entra_ids_own_patches_are_understood(scim, actors, today):
    """As Entra ID's provisioning service writes them: capitalised operations, a value
    filter on the work address, booleans as strings, the manager as a bare id."""
    response = scim.patch(
        f"/Users/{actors.report.id}",
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "sam.o@example.com"},
        {"op": "Replace", "path": "displayName", "value": "Sam O."},
        {"op": "Replace", "path": "title", "value": "Engineer"},
        {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(actors.other_manager.id)},
        {"op": "Replace", "path": "active", "value": "False"},
    )
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    sam = User.get_by_id(actors.report.id)
    assert (sam.email, sam.name, sam.is_active) == ("sam.o@example.com", "Sam O.", False)
    assert manager_of(sam, today).id == actors.other_manager.id


def test_a_patch_of_nothing_pmweb_keeps_changes_nothing(scim, actors):
    response = scim.patch(
        f"/Users/{actors.report.id}",
        {"op": "replace", "path": "title", "value": "Engineer"},
        {"op": "add", "path": "phoneNumbers", "value": [{"value": "+44 20 7946 0000"}]},
        {"op": "replace", "path": "name.givenName", "value": "Samuel"},
    )
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    assert User.get_by_id(actors.report.id).name == "Sam Okafor"
    assert AdminAction.select().where(AdminAction.action.startswith("Changed")).count() == 0
