"""Command-line tasks: `flask create-user`, `flask seed-demo`, `flask seed-scale`, `flask send-mail`,
`flask release-rooms`, `flask backup`, `flask restore`."""

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


@click.command("seed-scale")
@click.option("--years", type=click.FloatRange(min=0), default=1, show_default=True,
              help="Years of history ending today, for every module (the counter and rooms up to 14 days "
                   "ahead; the survey, stock opnames and risk reviews over the same years).")
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed: same seed, same data.")
@click.option("--vendors", type=click.IntRange(min=1), default=3000, show_default=True,
              help="Vendor accounts vendorNNNN@scale.test.")
@click.option("--counters", type=click.IntRange(min=1), default=None,
              help="Counters offering every service, i.e. places per slot: how busy the office is "
                   "(bookings and survey answers grow with it). Default 8.")
@with_appcontext
def seed_scale_command(years, seed, vendors, counters):
    """Fill the database with a busy office and years of history, in bulk, for benchmarks."""
    import time

    from lpse_web.scale import SCALE_DOMAIN, SCALE_PASSWORD, seed_scale

    started = time.perf_counter()
    with acting_as("seed-scale"):
        size = {} if counters is None else {"counters": counters}
        steps = seed_scale(years=years, seed=seed, vendors=vendors, **size)
    for step in steps:
        written = ", ".join(f"{count:,} {name}" for name, count in step.rows.items())
        notes = "".join(f"; {note}" for note in step.notes)
        click.echo(f"{step.name:<10} {step.seconds:7.1f} s  wrote {written}{notes}")
    click.echo(f"seed-scale done in {time.perf_counter() - started:.1f} s. Logins: "
               f"vendor0001@{SCALE_DOMAIN} .. vendor{vendors:04d}@{SCALE_DOMAIN}, "
               f"verifikator@{SCALE_DOMAIN}; password {SCALE_PASSWORD}")
    current_app.logger.info("scale data seeded: %s", {s.name: s.rows for s in steps})


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


@click.command("release-rooms")
@with_appcontext
def release_rooms_command():
    """Release room reservations not checked in within their grace period, and complete
    those past their end (the app does it on every room write too; a timer may run this)."""
    from lpse_web import clock
    from lpse_web.rooms.services import release_overdue

    count = release_overdue(clock.now())
    db.session.commit()
    click.echo(f"{count} reservations released or completed")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=True, writable=True))
@with_appcontext
def backup_command(path):
    """Write the database and the instance's secret key into one archive at PATH (a file
    name, or a folder such as a USB disk for a dated name), with a checksum manifest."""
    from lpse_web import backup

    try:
        manifest = backup.backup(path, current_app.instance_path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {backup.describe(manifest)}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(archive):
    """Restore a `flask backup` archive into this instance's empty database (do not run
    `flask db upgrade` first) and check every table's rows against the archive."""
    from lpse_web import backup

    try:
        done = backup.restore(archive, current_app.instance_path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {done.tables} tables, {done.rows:,} rows, as backed up at {done.made_at}; "
               "every table's rows match the archive.")


def init_app(app):
    app.cli.add_command(release_rooms_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_scale_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
