"""Goals: what an employee and their manager agree the employee will achieve, how it
is measured, and its progress at each check-in. A goal belongs to the employee and
outlives a change of manager; the employee and their current manager see and work
on it, nobody else."""

from pmweb.goals.views import bp

__all__ = ["bp"]
