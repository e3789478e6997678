"""``flask users …``: the administration pages' account work from a shell — the first
administrator of a new installation is created here."""

import datetime
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from pmweb import access, accounts
from pmweb.db import with_connection
from pmweb.models import User
from pmweb.org import csv_import, service
from pmweb.org.service import OrgError
from pmweb.prep.digest import Links

users = AppGroup("users", help="Manage accounts and reporting lines.")


def _fail(message):
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@users.command("create")
@click.argument("email")
@click.argument("name")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
@click.option("--manager", "manager_email", help="Email of the person they report to.")
@with_connection
def create(email, name, admin, manager_email):
    """Create an account for EMAIL with the full NAME. Prints the one-time link with
    which its person chooses their password: nobody else ever holds it."""
    if not name.strip():
        _fail("The name is missing.")
    manager = None
    if manager_email:
        manager = User.active().where(User.email == service.normalise_email(manager_email)).first()
        if manager is None:
            _fail(f"No active account has the email {manager_email}.")
    try:
        user, token = service.add_person(
            email,
            name,
            admin,
            manager,
            datetime.date.today(),
            current_app.config["DEFAULT_TIMEZONE"],
            welcome_link=access.passwords_in_use(),
        )
    except OrgError as error:
        _fail(str(error))
    service.log_admin_action(None, "Added an account", f"{user.name} <{user.email}>")
    role = "Administrator" if admin else "Account"
    click.echo(f"{role} created: {user.name} <{user.email}>")
    if manager:
        click.echo(f"Reports to {manager.name} from today.")
    if token is None:
        click.echo(f"{user.first_name} signs in with {_provider_label()}; no password.")
        return
    click.echo(
        f"{user.first_name} chooses a password here (shown once, works once, "
        f"for {accounts.LINK_LIFETIME['welcome'].days} days): {_links().password_link(token)}"
    )


@users.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
@with_connection
def import_people(csv_file, dry_run):
    """Create or update people from CSV_FILE (header: email,name,manager_email)."""
    today = datetime.date.today()
    # One character more than an import takes is enough to refuse a larger file: a
    # file of a million rows is never read into memory.
    plan = csv_import.plan_import(csv_file.read(csv_import.MAX_CHARACTERS + 1), today)
    for problem in plan.problems:
        click.echo(f"Error: {problem}", err=True)
    for row in plan.rows:
        if row.errors:
            for error in row.errors:
                click.echo(f"line {row.line}: {row.email or '?'}: {error}", err=True)
        else:
            click.echo(f"line {row.line}: {row.email}: {'; '.join(row.changes)}")
    if not plan.is_valid:
        _fail("nothing was imported; fix the lines above and run again.")
    summary = f"{plan.new_accounts} new, {plan.changed_accounts} changed"
    if dry_run:
        click.echo(f"Dry run: {summary}; nothing was changed.")
        return
    try:
        created = csv_import.apply_import(
            plan,
            today,
            current_app.config["DEFAULT_TIMEZONE"],
            welcome_links=access.passwords_in_use(),
        )
    except OrgError as error:
        _fail(f"nothing was imported: {error}")
    service.log_admin_action(None, "Imported people from CSV", f"{len(created)} accounts")
    click.echo(f"Imported: {summary}.")
    if created and not access.passwords_in_use():
        click.echo(f"The new accounts sign in with {_provider_label()}; pmweb keeps no passwords.")
    elif created:
        click.echo("Links for the new accounts to choose their passwords (shown once):")
        links = _links()
        for user, token in created:
            click.echo(f"  {user.email}\t{links.password_link(token)}")


@users.command("reset-password")
@click.argument("email")
@with_connection
def reset_password(email):
    """End EMAIL's password and sessions; print the one-time link for a new one."""
    if not access.passwords_in_use():
        _fail(f"pmweb keeps no passwords: people sign in with {_provider_label()}.")
    user = User.get_or_none(User.email == service.normalise_email(email))
    if user is None:
        _fail(f"No account has the email {email}.")
    token = service.reset_password(user)
    service.log_admin_action(None, "Reset a password", f"{user.name} <{user.email}>")
    click.echo(
        f"{user.first_name} chooses a new password here (shown once): "
        f"{_links().password_link(token)}"
    )


def _provider_label():
    return f"“{access.single_sign_on().button_label}”"


def _links():
    return Links(current_app.url_map, current_app.config["BASE_URL"])


def register_cli(app):
    app.cli.add_command(users)
