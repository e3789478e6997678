"""The administration pages: people, reporting lines and the CSV import. Only
administrators reach them, and nothing here reads one-on-one content."""

import datetime
import math
import smtplib

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from wtforms.validators import ValidationError

from pmweb import access, accounts, formatting, ids, limits
from pmweb.org import csv_import, forms, queries, service
from pmweb.org.service import OrgError
from pmweb.prep.digest import Links, Mailer, MailServerUnavailable, MailSettings

bp = Blueprint("org", __name__, url_prefix="/admin")

PER_PAGE = 100


@bp.before_request
@login_required
def require_administrator():
    access.require_administrator(current_user)


def _timezone():
    return current_app.config["DEFAULT_TIMEZONE"]


# --- people ----------------------------------------------------------------------


def _search():
    return request.args.get("q", "").strip()[:200]


def _find_people(text):
    return queries.people_named(access.people_visible_to_administrator(), text)


def _people_page(form=None, status=200):
    today = access.today()
    search = _search()
    show = request.args.get("show", "everyone")
    if show not in queries.PEOPLE_SHOWN:
        show = "everyone"
    page = ids.page_from_query(PER_PAGE)
    people = queries.people_shown(access.people_visible_to_administrator(), today, search, show)
    people_on_page, total = queries.people_page(people, today, page, PER_PAGE)
    return (
        render_template(
            "org/people.html",
            people=people_on_page,
            search=search,
            show=show,
            shown=queries.PEOPLE_SHOWN,
            page=page,
            pages=_pages(total),
            total=total,
            form=form or forms.PersonForm(_find_people, formdata=None),
            action_form=forms.ActionForm(formdata=None),
        ),
        status,
    )


def _pages(total):
    return max(1, math.ceil(total / PER_PAGE))


@bp.route("/people/choices")
def person_choices():
    """People to suggest as one types a name into a person field: active people whose
    name or email contains what the field named in ``?field=`` holds."""
    text = request.args.get(request.args.get("field", "q"), "").strip()[:200]
    people = access.people_visible_to_administrator()
    suggested = queries.people_suggested(people, text) if text else []
    return render_template("org/_person_choices.html", people=suggested)


@bp.route("/people")
def people():
    return _people_page()


@bp.route("/people", methods=["POST"])
def create_person():
    form = forms.PersonForm(_find_people)
    if not form.validate():
        return _people_page(form, 422)
    try:
        person, token = service.add_person(
            form.email.data,
            form.name.data,
            form.is_admin.data,
            form.manager.person,
            access.today(),
            _timezone(),
            by=current_user,
            welcome_link=access.passwords_in_use(),
        )
    except OrgError as error:
        form.email.errors.append(str(error))
        return _people_page(form, 422)
    service.log_admin_action(current_user, "Added an account", f"{person.name} <{person.email}>")
    if token is None:
        flash(
            f"{person.name} has an account and signs in with "
            f"“{access.single_sign_on().button_label}”.",
            "success",
        )
        return redirect(url_for(".people"), code=303)
    return _link_page(person, token, created=True)


def _mail_links(links, purpose):
    """Mail each (person, token) its one-time link when mail is on. Returns {person id:
    why it could not be mailed} for those whose link must be shown instead; without
    mail, that is everyone, with no reason."""
    if not current_app.config["MAIL_PASSWORD_LINKS"]:
        return {person.id: None for person, _ in links}
    settings = MailSettings.from_config(current_app.config)
    expires_at = access.now() + accounts.LINK_LIFETIME[purpose]
    addresses = _addresses()
    unsent = {}
    try:
        with Mailer(settings) as mailer:
            for person, token in links:
                url = addresses.password_link(token)
                mail = accounts.password_link_mail(
                    person, url, purpose, expires_at, settings.sender
                )
                try:
                    mailer.send(mail)
                except (OSError, smtplib.SMTPException) as error:
                    unsent[person.id] = f"the mail could not be sent ({error})"
    except MailServerUnavailable as unavailable:
        for person, _ in links:
            unsent.setdefault(person.id, str(unavailable))
    return unsent


def _addresses():
    """Links as people will follow them: from BASE_URL, never from the request's Host
    header, which a client chooses (and which is the proxy's own behind one)."""
    return Links(current_app.url_map, current_app.config["BASE_URL"])


def _link_page(person, token, created):
    purpose = "welcome" if created else "reset"
    unsent = _mail_links([(person, token)], purpose)
    response = make_response(
        render_template(
            "org/credentials.html",
            person=person,
            link=_addresses().password_link(token) if person.id in unsent else None,
            why_shown=unsent.get(person.id),
            created=created,
            expires_at=access.now() + accounts.LINK_LIFETIME[purpose],
        )
    )
    # The link is a credential until used: no cache keeps the page.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/people/<int:user_id>/reset-password", methods=["POST"])
def reset_password(user_id):
    access.require_passwords()
    person = access.get_person_for_administrator_or_404(current_user, user_id)
    token = service.reset_password(person, by=current_user)
    service.log_admin_action(current_user, "Reset a password", f"{person.name} <{person.email}>")
    return _link_page(person, token, created=False)


@bp.route("/people/<int:user_id>/deactivate", methods=["POST"])
def deactivate_person(user_id):
    person = access.get_person_for_administrator_or_404(current_user, user_id)
    try:
        service.deactivate(person, by=current_user)
    except OrgError as error:
        flash(str(error), "error")
    else:
        service.log_admin_action(current_user, "Deactivated an account", person.email)
        flash(f"{person.name} can no longer sign in and has been signed out.", "success")
    return redirect(url_for(".people", q=request.args.get("q") or None), code=303)


@bp.route("/people/<int:user_id>/reactivate", methods=["POST"])
def reactivate_person(user_id):
    person = access.get_person_for_administrator_or_404(current_user, user_id)
    service.reactivate(person, by=current_user)
    service.log_admin_action(current_user, "Reactivated an account", person.email)
    flash(f"{person.name} can sign in again.", "success")
    return redirect(url_for(".people", q=request.args.get("q") or None), code=303)


# --- reporting lines -------------------------------------------------------------


def _reporting_lines_page(form=None, status=200):
    today = access.today()
    search = _search()
    ended = request.args.get("show") == "ended"
    page = ids.page_from_query(PER_PAGE)
    every_line = access.reporting_lines_visible_to_administrator()
    lines = queries.reporting_lines(every_line, today, ended, search)
    current_total, ended_total = queries.line_counts(every_line, today, search)
    total = ended_total if ended else current_total
    return (
        render_template(
            "org/reporting_lines.html",
            lines=queries.page_of_lines(every_line, lines, page, PER_PAGE),
            ended=ended,
            total=total,
            current_total=current_total,
            ended_total=ended_total,
            search=search,
            page=page,
            pages=_pages(total),
            form=form or forms.ReportingLineForm(_find_people, formdata=None, starts_on=today),
            end_form=forms.EndReportingLineForm(formdata=None, ends_on=today),
            today=today,
        ),
        status,
    )


@bp.route("/reporting-lines")
def reporting_lines():
    return _reporting_lines_page()


@bp.route("/reporting-lines", methods=["POST"])
def start_reporting_line():
    form = forms.ReportingLineForm(_find_people)
    if not form.validate():
        return _reporting_lines_page(form, 422)
    manager, employee = form.manager.person, form.employee.person
    try:
        service.start_reporting_line(
            manager, employee, form.starts_on.data, _timezone(), by=current_user
        )
    except OrgError as error:
        form.employee.errors.append(str(error))
        return _reporting_lines_page(form, 422)
    service.log_admin_action(
        current_user,
        "Started a reporting line",
        f"{employee.name} reports to {manager.name} from {form.starts_on.data}",
    )
    flash(
        f"{employee.name} reports to {manager.name} from {formatting.dated(form.starts_on.data)}. "
        "Their one-on-one is ready.",
        "success",
    )
    return redirect(url_for(".reporting_lines"), code=303)


@bp.route("/reporting-lines/<int:line_id>/end", methods=["POST"])
def end_reporting_line(line_id):
    line = access.get_reporting_line_for_administrator_or_404(current_user, line_id)
    form = forms.EndReportingLineForm()
    if not form.validate():
        flash(" ".join(form.ends_on.errors), "error")
        return redirect(url_for(".reporting_lines"), code=303)
    try:
        service.end_reporting_line(line, form.ends_on.data, by=current_user)
    except OrgError as error:
        flash(str(error), "error")
    else:
        service.log_admin_action(
            current_user,
            "Ended a reporting line",
            f"{line.employee.name} reports to {line.manager.name} until {form.ends_on.data}",
        )
        flash(
            f"{line.employee.name} reports to {line.manager.name} until "
            f"{formatting.dated(form.ends_on.data)}. "
            "Both keep read-only access to their past meetings.",
            "success",
        )
    return redirect(url_for(".reporting_lines"), code=303)


# --- numbers and the audit trail ---------------------------------------------------


@bp.route("/overview")
def overview():
    """How often each team meets and how its action items stand: numbers only."""
    today = access.today()
    since = datetime.datetime.combine(today - datetime.timedelta(days=90), datetime.time())
    search = _search()
    page = ids.page_from_query(PER_PAGE)
    teams = queries.teams(today, search)
    total = teams.count()
    return render_template(
        "org/overview.html",
        teams=queries.team_counts(teams.paginate(page, PER_PAGE), today, since),
        total=total,
        search=search,
        page=page,
        pages=_pages(total),
        since=since,
        active="overview",
    )


@bp.route("/activity")
def activity():
    """Every change administrators made to accounts and reporting lines."""
    return render_template("org/activity.html", actions=queries.admin_actions(), active="activity")


# --- CSV import ------------------------------------------------------------------


# The import takes a whole file, more than other forms may send: the largest CSV it
# reads, uploaded or pasted (both forms post multipart/form-data, where a character
# takes at most four bytes; URL-encoded it could take twelve).
takes_a_csv_file = limits.takes_up_to(
    csv_import.MAX_BYTES + limits.FORM_ROOM,
    too_much=f"That file is too large for one import: import at most "
    f"{csv_import.MAX_ROWS:,} people ({csv_import.MAX_CHARACTERS:,} characters) at once.",
)


def _import_page(form, plan=None, csv_text="", status=200):
    return (render_template("org/import.html", form=form, plan=plan, csv_text=csv_text), status)


def _read_import(form):
    """(csv text, plan), or (None, None) with the form's errors set."""
    if not form.validate():
        return None, None
    try:
        text = form.csv()
    except ValidationError as error:
        form.csv_file.errors = [str(error)]
        return None, None
    return text, csv_import.plan_import(text, access.today())


@bp.route("/people/import")
def import_people():
    return _import_page(forms.ImportForm(formdata=None))


@bp.route("/people/import/preview", methods=["POST"])
@takes_a_csv_file
def preview_import():
    form = forms.ImportForm()
    text, plan = _read_import(form)
    if plan is None:
        return _import_page(form, status=422)
    return _import_page(forms.ImportForm(formdata=None, csv_text=text), plan, text)


@bp.route("/people/import/confirm", methods=["POST"])
@takes_a_csv_file
def confirm_import():
    form = forms.ImportForm()
    text, plan = _read_import(form)
    if plan is None:
        return _import_page(form, status=422)
    if not plan.is_valid:
        # Something changed since the preview (or it was skipped): show what now.
        return _import_page(forms.ImportForm(formdata=None, csv_text=text), plan, text, 422)
    try:
        created = csv_import.apply_import(
            plan,
            access.today(),
            _timezone(),
            by=current_user,
            welcome_links=access.passwords_in_use(),
        )
    except OrgError as error:
        flash(f"Nothing was imported: {error}", "error")
        return _import_page(forms.ImportForm(formdata=None, csv_text=text), plan, text, 422)
    service.log_admin_action(current_user, "Imported people from CSV", f"{len(created)} accounts")
    unsent = _mail_links(created, "welcome") if access.passwords_in_use() else {}
    addresses = _addresses()
    response = make_response(
        render_template(
            "org/import_done.html",
            plan=plan,
            to_pass_on=[
                (person, addresses.password_link(token))
                for person, token in created
                if person.id in unsent
            ],
            mailed=len(created) - len(unsent),
            why_shown=next((why for why in unsent.values() if why), None),
            link_days=accounts.LINK_LIFETIME["welcome"].days,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
