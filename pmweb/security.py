"""Headers every response carries: a strict Content-Security-Policy with a nonce per
response, and the usual protections against framing, sniffing and leaking URLs.

pmweb has no inline script, no ``hx-on`` handler and no ``js:`` expression, so htmx
never evaluates code and the policy needs neither ``unsafe-inline`` nor
``unsafe-eval``. Scripts run only with this response's nonce."""

import secrets

from flask import abort, g, request

from pmweb import sso


def csp_nonce():
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce, form_targets=()):
    """``form_targets``: origins besides pmweb's own that a form's answer may redirect
    to (the identity provider's sign-out page, after pmweb's own sign-out)."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'nonce-{nonce}' 'strict-dynamic'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            " ".join(["form-action 'self'", *form_targets]),
            "frame-ancestors 'none'",
        ]
    )


def init_app(app):
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def refuse_nul_characters():
        # Nobody types a NUL character, and PostgreSQL cannot store one in text: a
        # request carrying one is refused whole rather than failing half-way.
        fields = [request.args] + ([request.form] if request.method == "POST" else [])
        if "\x00" in request.path or any(
            "\x00" in value for field in fields for _, values in field.lists() for value in values
        ):
            abort(400)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(
            csp_nonce(), sso.form_action_origins()
        )
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        # A page whose address is a credential (a password link) sets no-referrer.
        headers.setdefault("Referrer-Policy", "same-origin")
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        return response
