"""The organisation: people and reporting lines, managed by administrators."""
from flask import Blueprint

bp = Blueprint("org", __name__, url_prefix="/admin")


@bp.route("/people")
def people():
    return ""


def register_cli(app):
    pass
