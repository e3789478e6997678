"""Sharing: the grants an employee gives for someone outside the pair to read part of
their data, the grants a person has received ("Shared with me"), and the record of
every read by someone outside the pair ("Who has seen my data"). Each person sees and
manages only their own; ``pmweb.access`` decides what a grant opens."""

from pmweb.sharing.views import bp

__all__ = ["bp"]
