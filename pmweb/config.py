"""Default settings. Each can be overridden by a ``PMWEB_<NAME>`` environment
variable (``PMWEB_SECRET_KEY``), and the database by ``DATABASE_URL``."""

# The app refuses to start outside tests and demo mode while this is unchanged.
SECRET_KEY = None

DATABASE_URL = "sqlite:///instance/pmweb.sqlite3"

# Demo mode: a generated secret key kept in the instance folder, and the demo
# company may be seeded. Never for a real deployment.
DEMO = False

# Meetings are scheduled in wall-clock time of this zone unless a pair says otherwise.
DEFAULT_TIMEZONE = "Europe/London"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Secure is also set whenever the request itself came over https (see auth.py).
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "pmweb_session"

# CSRF tokens never expire within a session: meeting pages stay open for hours.
WTF_CSRF_TIME_LIMIT = None
WTF_CSRF_HEADERS = ["X-CSRFToken"]

# How many reverse proxies stand in front of pmweb, each adding to X-Forwarded-For,
# -Proto and -Host: 1 for nginx in front of gunicorn (true also means 1). 0 trusts none
# of these headers, since anyone could send them: with a proxy in front, every request
# then seems to come from the proxy's address, and the sign-in throttle counts everyone
# as one. A number higher than the real one lets a client choose its own address.
PROXY_FIX = 0

MEETINGS_PER_PAGE = 20

# The most bytes one request may send (see pmweb/limits.py): the longest text a form
# takes is 10,000 characters, at most 40 kB in UTF-8. The CSV import takes more.
# Flask's MAX_FORM_MEMORY_SIZE stays at its 500 kB for one field of a multipart form.
MAX_CONTENT_LENGTH = 1024 * 1024

# Live updates of the meeting page: "auto" uses PostgreSQL LISTEN/NOTIFY on PostgreSQL
# (any number of processes) and in-process fan-out on SQLite (one process).
LIVE_BACKEND = "auto"
# A comment line this often keeps proxies from closing a quiet stream.
LIVE_HEARTBEAT_SECONDS = 15
# A stream ends after this long and the browser reconnects by itself.
LIVE_STREAM_SECONDS = 300
# Open streams one process serves before it asks pages to come back later (503), so
# they never take every thread and leave none for ordinary requests. None: no limit
# (the development server makes a thread per request). gunicorn.conf.py sets it from
# its thread count.
LIVE_MAX_STREAMS = None
# Open live pages one signed-in browser, and one person across browsers, may hold in a
# process: a few tabs each. More is asked to come back later (429), so one person
# cannot take the room everyone else's pages need.
LIVE_STREAMS_PER_SESSION = 6
LIVE_STREAMS_PER_PERSON = 12

# The weekly digest mail (`flask --app pmweb digest`). The SMTP server it is handed to:
MAIL_SERVER = "localhost"
MAIL_PORT = 25
# Set both to sign in to the server; left empty, mail is handed over without signing in.
MAIL_USERNAME = None
MAIL_PASSWORD = None
# STARTTLS upgrades a plain connection (usually port 587); SSL is TLS from the first
# byte (usually port 465). At most one of the two.
MAIL_USE_STARTTLS = False
MAIL_USE_SSL = False
MAIL_FROM = "pmweb <pmweb@localhost>"
# Seconds to wait for the server before the mail counts as not sent.
MAIL_TIMEOUT = 10
# Mail each new account's and each reset's one-time link to its person, through the
# server above, instead of showing it to the administrator (who could use it). Without
# mail — or when a mail can't be sent — the link is shown once to pass on.
MAIL_PASSWORD_LINKS = False
# Where people reach pmweb, for the links in mail: a command has no request to take
# the address from.
BASE_URL = "http://localhost:5000"

# Logs as JSON lines on standard error (pmweb/request_log.py): one per request (route
# template, status, duration, user id, never what anyone typed), and the app's errors.
LOG_JSON = True

# A bearer token for Prometheus to scrape /metrics with; unset, /metrics is not there.
METRICS_TOKEN = None

# --- Single sign-on by OpenID Connect (pmweb/sso.py; README, "Single sign-on") -------
# Set the issuer, client id and secret together, or none of them: pmweb refuses to
# start with some but not all. The issuer is the provider's own name for itself, as its
# discovery document (<issuer>/.well-known/openid-configuration) gives it, exactly.
SSO_ISSUER = None
SSO_CLIENT_ID = None
SSO_CLIENT_SECRET = None
SSO_SCOPES = "openid email profile"
SSO_BUTTON_LABEL = "Sign in with your company account"
# Comma-separated domains whose addresses may sign in ("example.com,example.org");
# empty: any address the provider vouches for.
SSO_EMAIL_DOMAINS = ""
# A claim of the ID token, and a value it holds (equal to it, or among its list), that
# make a person an administrator. Both or neither. With both set, the provider decides
# at each sign-in, both ways: the claim gives administration, and its absence takes
# administration away.
SSO_ADMIN_CLAIM = None
SSO_ADMIN_VALUE = None
# Whether someone the provider vouches for but pmweb has no account for gets one at
# their first sign-in. Off: they are refused until an administrator, the import or the
# directory creates their account.
SSO_CREATE_ACCOUNTS = False
# Whether people may also sign in with a password. Off needs single sign-on on: then
# pmweb keeps no passwords at all (no links to choose one, no password form).
PASSWORD_SIGN_IN = True
