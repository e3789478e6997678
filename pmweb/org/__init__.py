"""The organisation: people and reporting lines, managed by administrators on the
People pages and with ``flask users`` commands."""

from pmweb.org.cli import register_cli
from pmweb.org.views import bp

__all__ = ["bp", "register_cli"]
