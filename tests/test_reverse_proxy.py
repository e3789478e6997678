"""deploy/nginx.conf in front of a real gunicorn: a real nginx started from that very
file (its ports, upstream and certificate swapped for the test's, a self-signed one
made here), serving pmweb over TLS.

It must hold what the file promises: HTTPS headers and Secure cookies behind TLS
termination; the client's address reaching the sign-in throttle, however a client
forges X-Forwarded-For; live updates passing through unbuffered, as fast as directly;
and slow clients waiting in nginx while gunicorn goes on serving."""

import http.client
import re
import resource
import shutil
import socket
import ssl
import subprocess
import time
import types
from pathlib import Path

import pytest

from tests.conftest import unavailable
from tests.servers import ROOT, Gunicorn, Visitor, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UNVERIFIED = ssl._create_unverified_context()


class Nginx:
    def __init__(self, folder, upstream_port):
        if not Path(NGINX).exists():
            unavailable("nginx is not installed (apt-get install nginx)")
        self.folder = folder
        self.http_port, self.https_port = free_port(), free_port()
        certificate, key = folder / "pmweb.pem", folder / "pmweb.key"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(certificate)],
            check=True, capture_output=True,
        )  # fmt: skip
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        for ours, theirs in (
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen [::]:80;", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;", ""),
            ("/etc/ssl/certs/pmweb.example.com.pem", str(certificate)),
            ("/etc/ssl/private/pmweb.example.com.key", str(key)),
        ):
            assert ours in site, ours
            site = site.replace(ours, theirs)
        (folder / "site.conf").write_text(site)
        temp = folder / "temp"
        temp.mkdir(mode=0o777)
        temp.chmod(0o777)  # nginx's workers run as nobody when it starts as root
        (folder / "nginx.conf").write_text(
            f"""daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
worker_processes 1;
worker_rlimit_nofile 8192;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
"""
        )
        self.process = None

    def start(self):
        with (self.folder / "nginx.out").open("w") as output:
            self.process = subprocess.Popen(
                [NGINX, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")],
                stdout=output,
                stderr=output,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nginx stopped: {(self.folder / 'nginx.out').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail("nginx did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class OverTls(Visitor):
    """A signed-in person talking HTTPS to nginx, sending the Referer a browser sends
    (over https, the CSRF check compares it with the host)."""

    # Headers a client adds to every request it sends, forged ones for instance.
    extra_headers = {}

    def open(self, method, path, form=None, headers=None, timeout=10):
        headers = (
            {"Referer": f"https://127.0.0.1:{self.port}/"} | self.extra_headers | (headers or {})
        )
        return super().open(method, path, form, headers, timeout)

    def connect(self, timeout):
        return http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=timeout, context=UNVERIFIED
        )


@pytest.fixture
def proxied(app, tmp_path):
    server = Gunicorn(tmp_path, app.config["DATABASE_URL"], app.config["SECRET_KEY"])
    server.env["PMWEB_PROXY_FIX"] = "1"
    server.start()
    try:
        nginx = Nginx(tmp_path, server.port)
        nginx.start()
        try:
            yield types.SimpleNamespace(server=server, nginx=nginx, port=nginx.https_port)
        finally:
            nginx.stop()
    finally:
        server.stop()


def test_behind_tls_pages_say_https_and_cookies_are_secure(proxied, actors):
    connection = http.client.HTTPSConnection("127.0.0.1", proxied.port, context=UNVERIFIED)
    connection.request("GET", "/login", headers={"X-Request-Id": "client-forged-1234"})
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security").startswith("max-age=")
    assert not re.search(r"\d", response.getheader("Server") or "")  # no version said
    # nginx's own id, not the one the client wrote.
    assert re.fullmatch(r"[0-9a-f]{32}", response.getheader("X-Request-Id"))
    cookie = response.getheader("Set-Cookie") or ""
    assert "Secure" in cookie and "HttpOnly" in cookie
    plain = http.client.HTTPConnection("127.0.0.1", proxied.nginx.http_port)
    plain.request("GET", "/login")
    redirect = plain.getresponse()
    plain.close()
    assert redirect.status == 301  # to https


class Forging(OverTls):
    extra_headers = {"X-Forwarded-For": "203.0.113.9"}


def test_the_throttle_sees_the_client_not_what_it_wrote(proxied, actors):
    dana = Forging(proxied, actors.manager.email)  # signs in with the forged header
    _, page = dana.request("GET", "/account")
    assert "127.0.0.1" in page and "203.0.113.9" not in page


def next_event_name(stream, within):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        line = stream.fp.readline().decode().strip()
        if line.startswith("event: ") and line not in ("event: presence", "event: alive"):
            return line.removeprefix("event: ")
    return None


def test_live_updates_pass_through_as_fast_as_directly(proxied, actors):
    meeting = actors.meeting.id
    delays = {}
    for name, visitor_class, port in (
        ("direct", Visitor, proxied.server.port),
        ("through nginx", OverTls, proxied.port),
    ):
        target = types.SimpleNamespace(port=port)
        sam, dana = (
            visitor_class(target, actors.report.email),
            visitor_class(target, actors.manager.email),
        )
        with sam.stream(meeting) as stream:
            assert next_event_name(stream, within=5) == "resync"
            sent = time.monotonic()
            assert dana.post(f"/meetings/{meeting}/talking-points", {"text": name}) == 200
            assert next_event_name(stream, within=5) == "agenda", name
            delays[name] = time.monotonic() - sent
    # Unbuffered: within a second, as directly (a buffering proxy holds it for good).
    assert delays["through nginx"] < 1, delays


def test_slow_clients_wait_in_nginx_and_pages_are_still_served(proxied, actors):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    trickling = []
    try:
        for _ in range(1100):  # the slowloris that starved a bare gunicorn
            raw = socket.create_connection(("127.0.0.1", proxied.port), timeout=10)
            sock = UNVERIFIED.wrap_socket(raw, server_hostname="localhost")
            sock.sendall(b"GET /login HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            trickling.append(sock)
        for sock in trickling[::10]:
            sock.sendall(b"a")
        started = time.monotonic()
        connection = http.client.HTTPSConnection("127.0.0.1", proxied.port, context=UNVERIFIED)
        connection.request("GET", "/login")
        status = connection.getresponse().status
        connection.close()
        assert status == 200 and time.monotonic() - started < 2
        # And gunicorn itself never saw them: its threads are free.
        direct = http.client.HTTPConnection("127.0.0.1", proxied.server.port, timeout=5)
        direct.request("GET", "/healthz")
        status = direct.getresponse().status
        direct.close()
        assert status == 200
    finally:
        for sock in trickling:
            sock.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
