"""Long texts people write (a goal's why, check-in notes) read as Markdown: this module
turns them into HTML safe to put on a page. Whoever may see the text sees it rendered;
nothing here decides who that is."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML is escaped, not passed through: a note is text, never markup. Single line
# breaks stay line breaks, as people type them. Images are not parsed at all: an image
# loads the moment the page opens, which would let a writer track when the other person
# reads; `![a](url)` stays visible as text and a link instead.
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
_parser.enable(["strikethrough", "table"]).disable("image")

# The sanitiser runs on the parser's output all the same: it is the guarantee, should the
# parser ever let something through. Only what Markdown itself produces is allowed, and
# no attribute but a link's target and title: no hx-*, on*, style or class survives.
TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th",
    "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"


def render(text):
    if not text:
        return Markup("")
    return Markup(
        nh3.clean(
            _parser.render(text),
            tags=TAGS,
            attributes=ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel=LINK_REL,
        )
    )
