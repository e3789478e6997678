"""Where signing in leads: the page someone was sent from (``next``) when it is a path on
this site, and the home page for anything a browser could read as another site.

Each row is ``next`` as written in a link someone is sent (``/login?next=…``), with the
Location the sign-in answers. Rows are sent as raw query strings, so a literal tab or
backslash reaches pmweb as it would from a hand-made request rather than being cleaned
by the test client."""

from tests.conftest import PASSWORD

HOME = "/"

OFF_SITE = [
    # Two slashes start another host, whatever surrounds or replaces them.
    "//evil.example/phish",
    "///evil.example/phish",
    "/\\evil.example/phish",
    "\\\\evil.example/phish",
    "/%5Cevil.example/phish",
    "%5C%5Cevil.example/phish",
    # Browsers drop tabs and newlines anywhere in a URL: "/<tab>/evil" is "//evil".
    "/%09/evil.example/phish",
    "/%0A/evil.example/phish",
    "/%0D/evil.example/phish",
    "/%0D%0A/evil.example/phish",
    "/\t/evil.example/phish",
    # ...and spaces and control characters before and after it.
    " //evil.example/phish",
    "%20//evil.example/phish",
    "%01//evil.example/phish",
    "%09javascript:alert(1)",
    # The query string is decoded before pmweb reads it: this arrives as "///evil…".
    "/%2F%2Fevil.example/phish",
    # Another scheme, with or without a host.
    "https://evil.example/phish",
    "http:evil.example/phish",
    "javascript:alert(1)",
    "data:text/html,phish",
    # Not a path from the root: pmweb's own links never look like this.
    "evil.example/phish",
    # Full-width solidi are not slashes, and without a leading "/" this is no path.
    "%EF%BC%8F%EF%BC%8Fevil.example/phish",
    # A control character left inside once the rest is cleaned (NUL is refused with
    # 400 before any view, like everywhere).
    "/meetings/%011",
    "/meetings/%7F1",
    "",
]

SAME_SITE = {
    "/meetings/1": "/meetings/1",
    "%2Fpeople%2F2%2Fplan%3Ftab%3Dx": "/people/2/plan?tab=x",
    "/people/2/plan?tab%3Dx%26page%3D2": "/people/2/plan?tab=x&page=2",
    "/": "/",
    # Arrives as "/%2F%2Fevil.example": one path segment holding encoded slashes, which
    # no browser turns back into "//". It stays on this site (and is not found there).
    "/%252F%252Fevil.example": "/%2F%2Fevil.example",
    # A full-width solidus after the leading "/" is a character of the path: the
    # Location carries it percent-encoded, never as a second slash.
    "/%EF%BC%8Fevil.example": "/%EF%BC%8Fevil.example",
    "/%EF%BC%BCevil.example": "/%EF%BC%BCevil.example",
    # Dot segments resolve inside this site's paths: the browser asks pmweb for
    # "//evil.example", which is not found.
    "/..//evil.example": "/..//evil.example",
}


def test_after_sign_in_next_leads_only_to_a_path_on_this_site(app, client, actors):
    # A crash answers 500 in its row instead of ending the table at the first one.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    expected = {next_url: HOME for next_url in OFF_SITE} | SAME_SITE
    landed = {}
    for next_url in expected:
        response = client.post(
            "/login",
            query_string=f"next={next_url}",
            data={"email": actors.manager.email, "password": PASSWORD},
        )
        landed[next_url] = (response.status_code, response.headers.get("Location"))
        client.post("/logout")
    assert landed == {next_url: (303, location) for next_url, location in expected.items()}
