"""CSRF protection on every state-changing request, htmx requests included."""

import re

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def csrf_client(app, actors):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": actors.manager.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303
    meeting_page = client.get(f"/meetings/{actors.meeting.id}").get_data(as_text=True)
    client.token = re.search(r'"X-CSRFToken": "([^"]+)"', meeting_page).group(1)
    return client


def test_sign_in_without_a_token_is_refused(app, actors):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post(
        "/login", data={"email": actors.manager.email, "password": PASSWORD}
    )
    assert response.status_code == 400


def test_post_without_token_is_refused(csrf_client, actors):
    url = f"/meetings/{actors.meeting.id}/talking-points"
    assert csrf_client.post(url, data={"text": "x"}).status_code == 400


def test_post_with_token_in_the_form_is_accepted(csrf_client, actors):
    url = f"/meetings/{actors.meeting.id}/talking-points"
    response = csrf_client.post(url, data={"text": "x", "csrf_token": csrf_client.token})
    assert response.status_code == 303


def test_htmx_post_with_token_in_the_header_is_accepted(csrf_client, actors):
    url = f"/meetings/{actors.meeting.id}/talking-points"
    response = csrf_client.post(
        url,
        data={"text": "x"},
        headers={"X-CSRFToken": csrf_client.token, "HX-Request": "true"},
    )
    assert response.status_code == 200


def test_logout_without_token_is_refused(csrf_client):
    assert csrf_client.post("/logout").status_code == 400
