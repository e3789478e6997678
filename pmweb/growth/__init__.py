"""Growth: the employee's development plan and its steps, feedback in both directions,
and wins. All of it belongs to the employee and outlives a change of manager; the
employee and their current manager see and shape it (``pmweb.access`` decides)."""

from pmweb.growth.views import bp

__all__ = ["bp"]
