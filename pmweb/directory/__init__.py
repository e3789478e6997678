"""The company's directory: SCIM provisioning at ``/scim/v2`` and the administrators'
page of the tokens it signs with."""

from pmweb.directory.scim import init_app
from pmweb.directory.views import bp

__all__ = ["bp", "init_app"]
