"""axe-core in Chromium: scans a page against WCAG 2.x A and AA and axe's best
practices, and describes what it finds so a failing test names the rule, the elements
and the page."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2, levels A and AA, plus axe's own best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def context_options():
    """The options of a browser context whose pages axe can be injected into: pmweb's
    Content-Security-Policy allows scripts by nonce only, and Playwright's
    add_script_tag(path=...) inlines the file as a script without one, which that policy
    refuses. Bypassing the CSP is for the test's own script; the app still sends it."""
    return {"bypass_csp": True}


# Pico's colours change with a transition: after a switch of colour scheme (or a page
# loaded in the previous one), axe would measure a colour half-way. A transition of an
# element that is not rendered (in a closed <details>) does not finish by itself.
SETTLED = """() => new Promise(requestAnimationFrame).then(() => Promise.race([
    Promise.all(document.getAnimations()
        .filter(a => !a.effect || !a.effect.target || a.effect.target.checkVisibility())
        .map(a => a.finished.catch(() => null))),
    new Promise(done => setTimeout(done, 1000))]))"""


def violations(page):
    """axe's violations on the page as it is now, once its colours have settled."""
    page.evaluate(SETTLED)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})
                     .then(result => result.violations.map(v => ({
                         id: v.id, impact: v.impact,
                         nodes: v.nodes.map(n => ({
                             target: n.target.join(" "),
                             why: n.failureSummary.split("\\n").slice(1).join(" ").trim()}))})))""",
        TAGS,
    )
    return found


def describe(found, where):
    return [
        f"{where}: {v['id']} ({v['impact']}) {node['target']}: {node['why']}"
        for v in found
        for node in v["nodes"]
    ]
