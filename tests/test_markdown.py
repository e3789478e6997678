"""Markdown rendering: what people write reads as formatted text, and nothing they write
can run, load, or act on the page (scripts, htmx attributes, images, unsafe links)."""

import datetime
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from pmweb import markdown
from pmweb.goals import service as goals
from pmweb.goals.service import Terms


class Elements(HTMLParser):
    """The start tags of a fragment as (tag, attributes), attribute values decoded the
    way a browser decodes them."""

    def __init__(self, fragment):
        super().__init__()
        self.found = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def elements(text):
    return Elements(str(markdown.render(text))).found


def tags(text):
    return [tag for tag, _ in elements(text)]


def hrefs(text):
    return [attrs.get("href") for tag, attrs in elements(text) if tag == "a"]


def scheme_a_browser_sees(href):
    """None for a link without a target or with a relative one."""
    # Browsers trim spaces and control characters at both ends and drop tabs and
    # newlines anywhere before reading the scheme.
    trimmed = (href or "").strip("".join(map(chr, range(0x21))))
    cleaned = "".join(c for c in trimmed if c not in "\t\n\r")
    scheme, colon, _ = cleaned.partition(":")
    return scheme.lower() if colon and scheme.isalnum() else None


def test_emphasis_lists_and_links_render():
    rendered = str(
        markdown.render(
            "**bold** _it_ ~~gone~~\n\n- one\n- two\n\n1. first\n\n[site](https://example.com)"
        )
    )
    assert "<strong>bold</strong>" in rendered and "<em>it</em>" in rendered
    assert "<s>gone</s>" in rendered or "<del>gone</del>" in rendered
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in rendered and "<ol>" in rendered
    assert hrefs("[site](https://example.com)") == ["https://example.com"]


def test_a_single_line_break_stays_a_line_break():
    assert tags("first line\nsecond line") == ["p", "br"]


def test_tables_quotes_and_code_render():
    assert tags("| a | b |\n|---|---|\n| 1 | 2 |")[:3] == ["table", "thead", "tr"]
    assert tags("> quoted") == ["blockquote", "p"]
    assert tags("```\nx < 1\n```") == ["pre", "code"]


def test_render_returns_markup_so_jinja_does_not_escape_it_again():
    assert isinstance(markdown.render("*x*"), Markup)


@pytest.mark.parametrize("empty", [None, ""])
def test_no_text_renders_as_nothing(empty):
    rendered = markdown.render(empty)
    assert rendered == "" and isinstance(rendered, Markup)


def test_a_script_tag_is_shown_as_text_never_run():
    rendered = str(markdown.render("<script>alert(1)</script>"))
    assert "<script" not in rendered.lower()
    assert tags("<script>alert(1)</script>") == ["p"]


def test_htmx_attributes_do_not_survive():
    text = '<div hx-get="/x" hx-trigger="load">hi</div>'
    assert all(not name.startswith("hx-") for _, attrs in elements(text) for name in attrs)
    assert tags(text) == ["p"]


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](java&#9;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x]( javascript:alert(1) )",
        "[x](<javascript:alert(1)>)",
        "[x](<java script:alert(1)>)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](DATA:text/html,<script>alert(1)</script>)",
        "[x](data:image/png;base64,iVBORw0KGgo=)",
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_no_link_runs_script_or_carries_data(text):
    for href in hrefs(text):
        assert scheme_a_browser_sees(href) in (None, "http", "https", "mailto"), href


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        "![a](http://evil.example/p.png)",
        '![a](http://evil.example/p.png "pixel")',
        "![a][pixel]\n\n[pixel]: http://evil.example/p.png",
        "<svg onload=alert(1)>",
    ],
)
def test_nothing_loads_or_handles_events(text):
    found = elements(text)
    assert all(tag in {"p", "a"} for tag, _ in found), found
    assert all(not name.startswith("on") for _, attrs in found for name in attrs)


def test_links_open_without_the_opener_or_the_referrer():
    [(tag, attrs)] = [e for e in elements("[site](https://example.com)") if e[0] == "a"]
    assert set(attrs["rel"].split()) >= {"noopener", "noreferrer", "nofollow"}


def test_a_link_keeps_only_its_target_and_title():
    [(_, attrs)] = [e for e in elements('[site](https://example.com "Home")') if e[0] == "a"]
    assert attrs == {
        "href": "https://example.com",
        "title": "Home",
        "rel": "noopener noreferrer nofollow",
    }


def test_mailto_links_are_kept():
    assert hrefs("[mail me](mailto:sam@example.com)") == ["mailto:sam@example.com"]


def test_a_long_text_renders():
    paragraph = "Some **bold** words, a [link](https://example.com) and `code`.\n"
    text = (paragraph * (50_000 // len(paragraph) + 1))[:50_000]
    assert len(text) == 50_000
    assert "<strong>bold</strong>" in markdown.render(text)


def test_the_goal_page_renders_the_why_and_check_in_notes(client, actors, login):
    terms = Terms(
        title="Raise NPS",
        why="Happy customers **stay**.\n<script>alert(1)</script>",
        due=datetime.date.today() + datetime.timedelta(days=60),
        measure="number",
        unit="NPS",
        start_value=32.0,
        target_value=45.0,
    )
    goal = goals.propose_goal(actors.report, actors.report, "employee", terms)
    goals.agree(goal, "manager", actors.manager.id, 1, actors.manager.id)
    goals.check_in(goal, actors.report, 35.0, "on_track", "Survey *back*")
    login(actors.manager)
    page = client.get(f"/goals/{goal.id}").get_data(as_text=True)
    assert '<div class="goal-why prose"><p>Happy customers <strong>stay</strong>.<br>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert '<div class="prose"><p>Survey <em>back</em></p>' in page
