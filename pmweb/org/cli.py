"""``flask users …``: the administration pages' account work from a shell — the first
administrator of a new installation is created here."""

import datetime
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from pmweb.db import with_connection
from pmweb.models import User
from pmweb.org import csv_import, service
from pmweb.org.service import OrgError
from pmweb.passwords import password_problem

users = AppGroup("users", help="Manage accounts and reporting lines.")


def _fail(message):
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@users.command("create")
@click.argument("email")
@click.argument("name")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
@click.option("--manager", "manager_email", help="Email of the person they report to.")
@click.option(
    "--password",
    help="Their password; without it one is generated and printed once.",
)
@with_connection
def create(email, name, admin, manager_email, password):
    """Create an account for EMAIL with the full NAME."""
    if password is not None and (problem := password_problem(password)):
        _fail(problem)
    if not name.strip():
        _fail("The name is missing.")
    manager = None
    if manager_email:
        manager = User.active().where(User.email == service.normalise_email(manager_email)).first()
        if manager is None:
            _fail(f"No active account has the email {manager_email}.")
    try:
        user, password_used = service.add_person(
            email,
            name,
            admin,
            manager,
            datetime.date.today(),
            current_app.config["DEFAULT_TIMEZONE"],
            password=password,
        )
    except OrgError as error:
        _fail(str(error))
    service.log_admin_action(None, "Added an account", f"{user.name} <{user.email}>")
    role = "Administrator" if admin else "Account"
    click.echo(f"{role} created: {user.name} <{user.email}>")
    if manager:
        click.echo(f"Reports to {manager.name} from today.")
    if password is None:
        click.echo(f"Password (shown once): {password_used}")


@users.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change.")
@with_connection
def import_people(csv_file, dry_run):
    """Create or update people from CSV_FILE (header: email,name,manager_email)."""
    today = datetime.date.today()
    plan = csv_import.plan_import(csv_file.read(), today)
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
        created = csv_import.apply_import(plan, today, current_app.config["DEFAULT_TIMEZONE"])
    except OrgError as error:
        _fail(f"nothing was imported: {error}")
    service.log_admin_action(None, "Imported people from CSV", f"{len(created)} accounts")
    click.echo(f"Imported: {summary}.")
    if created:
        click.echo("Passwords of the new accounts (shown once):")
        for user, password in created:
            click.echo(f"  {user.email}\t{password}")


def register_cli(app):
    app.cli.add_command(users)
