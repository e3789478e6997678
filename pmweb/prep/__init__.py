"""Preparing for one-on-ones: "This week" (each of the person's one-on-ones this
week and next, with what carried over, open action items, goals due a check-in and
plan steps due, and a box to add to the agenda ahead of time), the question bank,
the private calendar feed, the weekly digest mail and a manager's overview of their
team in numbers. Each person sees only their own one-on-ones; ``pmweb.access``
decides."""

from pmweb.prep.views import bp, feed_bp

__all__ = ["bp", "feed_bp"]
