"""The administrators' page of SCIM provisioning: the address to give the directory,
and the tokens it signs with."""

from flask import Blueprint, current_app, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from pmweb import access
from pmweb.directory import tokens as scim_tokens
from pmweb.forms import BoundedForm

bp = Blueprint("directory", __name__, url_prefix="/admin/directory")


class TokenForm(BoundedForm):
    name = StringField(
        "Which directory it is for",
        filters=[lambda name: name.strip() if name else name],
        validators=[
            DataRequired(message="Name the token, e.g. after the directory that uses it."),
            Length(max=100),
        ],
    )


@bp.before_request
@login_required
def require_administrator():
    access.require_administrator(current_user)


def _page(form=None, new_token=None, status=200):
    response = make_response(
        render_template(
            "directory/tokens.html",
            tokens=list(scim_tokens.tokens()),
            form=form or TokenForm(formdata=None),
            new_token=new_token,
            # From BASE_URL, as the directory will reach pmweb, not the Host header.
            scim_url=current_app.config["BASE_URL"].rstrip("/") + "/scim/v2",
            revoke_form=BoundedForm(formdata=None),
        ),
        status,
    )
    return response


@bp.route("")
def tokens():
    return _page()


@bp.route("/tokens", methods=["POST"])
def make_token():
    form = TokenForm()
    if not form.validate():
        return _page(form, status=422)
    row, token = scim_tokens.make_token(form.name.data, by=current_user)
    return _page(new_token=(row, token))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id):
    row = access.get_scim_token_for_administrator_or_404(current_user, token_id)
    if BoundedForm().validate():
        scim_tokens.revoke_token(row, by=current_user)
    return redirect(url_for(".tokens"), code=303)
