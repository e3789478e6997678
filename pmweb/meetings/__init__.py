"""One-on-ones: the home page, each pair's page with its history, and the meeting
page both people edit. Only the pair's two participants reach any of it."""

from pmweb.meetings.views import bp

__all__ = ["bp"]
