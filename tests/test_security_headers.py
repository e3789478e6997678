"""Every response carries the security headers; the CSP nonce is new on each response
and is the one on the page's scripts."""

import re


def test_pages_carry_a_strict_policy_with_a_fresh_nonce(client, actors, login):
    login(actors.report)
    nonces = []
    for _ in range(2):
        response = client.get(f"/meetings/{actors.meeting.id}")
        policy = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        (nonce,) = re.findall(r"'nonce-([^']+)'", policy)
        scripts = re.findall(r"<script[^>]*>", response.get_data(as_text=True))
        assert scripts and all(f'nonce="{nonce}"' in script for script in scripts)
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_usual_protections_are_on_every_response(client):
    for path in ("/login", "/static/css/app.css", "/no-such-page"):
        with client.get(path) as response:
            headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Content-Security-Policy" in headers


def test_https_responses_ask_browsers_to_stay_on_https(client):
    headers = client.get("/login", base_url="https://pmweb.example").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/login").headers
