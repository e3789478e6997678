"""A real OpenID Connect provider for tests: oidc-provider-mock served over HTTP from a
thread, with clients registered as at a real provider (their redirect URIs must match
exactly) and a nonce required in every authorization request.

Its authorization page lets whoever signs in type a ``sub``; the claims it then issues
are the ones a test set for that ``sub`` beforehand. ``issue_tokens_as`` makes its
token endpoint sign ID tokens (with its own keys) under another issuer's name, as a
provider that is not the configured one would; ``describe_itself_as`` does the same to
its discovery document."""

import threading
from datetime import timedelta
from urllib.parse import urlsplit

import oidc_provider_mock
import requests
import werkzeug.serving

from tests.servers import free_port


class Provider:
    def __init__(self, token_lifetime=timedelta(hours=1)):
        self.app = oidc_provider_mock.app(
            require_client_registration=True,
            require_nonce=True,
            access_token_max_age=token_lifetime,
        )
        self.port = free_port()
        # The issuer is the address the provider is asked at: "localhost", as in
        # its discovery document.
        self.url = f"http://localhost:{self.port}"
        # Paths answered as if the provider were asked at another host: {path: host}.
        self.disguises = {}
        self._server = None
        self._thread = None

    def _wsgi(self, environ, start_response):
        if host := self.disguises.get(environ["PATH_INFO"]):
            # The mock names itself by the Host it is asked at.
            environ = dict(environ, HTTP_HOST=host)
        return self.app(environ, start_response)

    def start(self):
        self._server = werkzeug.serving.make_server(
            "localhost", self.port, self._wsgi, threaded=True
        )
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(5)
        self._server.server_close()

    def register_client(self, redirect_uri):
        """A client whose only redirect URI is ``redirect_uri``: (id, secret)."""
        response = requests.post(
            f"{self.url}/oauth2/clients", json={"redirect_uris": [redirect_uri]}, timeout=5
        )
        response.raise_for_status()
        body = response.json()
        return body["client_id"], body["client_secret"]

    def set_person(self, sub, **claims):
        """What the provider says about ``sub`` from now on."""
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def issue_tokens_as(self, host):
        """Sign ID tokens as ``http://<host>`` (None: as itself again)."""
        self._disguise("/oauth2/token", host)

    def describe_itself_as(self, host):
        """Serve a discovery document naming ``http://<host>`` as the issuer, with its
        endpoints there (None: as itself again)."""
        self._disguise("/.well-known/openid-configuration", host)

    def _disguise(self, path, host):
        if host:
            self.disguises[path] = host
        else:
            self.disguises.pop(path, None)

    def authorize(self, authorization_url, sub):
        """Signs in as ``sub`` on the provider's own authorization page: the callback
        URL it sends the browser back to."""
        page = requests.get(authorization_url, timeout=5)
        assert page.status_code == 200, page.text
        assert 'name="sub"' in page.text
        answer = requests.post(
            authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5
        )
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]


def path_of(url):
    """The path and query of ``url``, as a test client asks for it."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
