"""Command-line tasks: `flask create-user`, `flask seed-demo`, `flask send-mail`."""

import click
from flask import current_app
from flask.cli import with_appcontext

from lpse_web.audit.recorder import acting_as
from lpse_web.auth import services as accounts
from lpse_web.auth.roles import Role
from lpse_web.extensions import db


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]), help="Repeat for several roles.")
@click.option("--password", envvar="LPSE_NEW_PASSWORD", prompt=True, hide_input=True,
              confirmation_prompt=True, help="Or set LPSE_NEW_PASSWORD.")
@with_appcontext
def create_user_command(email, name, roles, password):
    """Create an account (the first administrator, typically)."""
    from lpse_web.office.services import get_office

    with acting_as("cli"):
        try:
            user = accounts.create_user(email=email, name=name, password=password, roles=roles,
                                        office_name=get_office().name)
        except accounts.EmailTakenError:
            raise click.ClickException("e-mail already registered") from None
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from None
        db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(roles))}")


@click.command("seed-demo")
@click.option("--reset", is_flag=True, help="Remove demo accounts first.")
@with_appcontext
def seed_demo_command(reset):
    """Fill the database with a believable demo office and print the demo logins."""
    from lpse_web.demo import DEMO_PASSWORD, seed_demo

    with acting_as("seed-demo"):
        logins = seed_demo(reset=reset)
    click.echo("")
    click.echo("LPSE Web demo is ready. Demo logins (password for all: " + DEMO_PASSWORD + "):")
    for email, roles in logins:
        click.echo(f"  {email:<32} {roles}")
    click.echo("Staff accounts set up two-factor (TOTP) on first login: scan the QR code with an")
    click.echo("authenticator app, or type the secret shown under it.")
    current_app.logger.info("demo data seeded")


@click.command("send-mail")
@with_appcontext
def send_mail_command():
    """Deliver the queued e-mail (run it from a timer, e.g. every minute)."""
    from lpse_web.mail.services import mail_configured, send_pending

    if not mail_configured():
        click.echo("MAIL_SERVER is not set: nothing to send.")
        return
    sent, failed = send_pending()
    click.echo(f"sent {sent}, failed {failed}")


def init_app(app):
    app.cli.add_command(send_mail_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
