"""CLI commands, the generated secret key, and dates shown in the office's zone."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.config import instance_secret_key
from lpse_web.extensions import db


def test_create_user_command(app, runner):
    result = runner.invoke(args=["create-user", "kepala@lpse.example.go.id", "--name", "Kepala LPSE",
                                 "--role", "manager", "--role", "admin"],
                           env={"LPSE_NEW_PASSWORD": "Kelimutu-3warna!"})
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = User.by_email("kepala@lpse.example.go.id")
        assert user.roles == {Role.MANAGER, Role.ADMIN}


def test_create_user_command_refuses_a_weak_password(app, runner):
    result = runner.invoke(args=["create-user", "x@lpse.example.go.id", "--name", "X", "--role", "admin"],
                           env={"LPSE_NEW_PASSWORD": "password"})
    assert result.exit_code != 0 and "minimal 12" in result.output
    with app.app_context():
        assert User.by_email("x@lpse.example.go.id") is None


def test_seed_demo_fills_every_role_and_is_repeatable(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@lpse-demo.test" in result.output and "Kupang#Layanan2026" in result.output
    assert runner.invoke(args=["seed-demo"]).exit_code == 0  # a second run adds nothing
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        assert {r for u in users for r in u.roles} == set(Role)
        assert sum(1 for u in users if u.roles == {Role.VENDOR}) == 30
        assert db.session.scalar(select(func.count(User.id))) == 39  # 9 staff (two officials), 30 vendors


def test_secret_key_is_generated_once_per_instance(tmp_path):
    first = instance_secret_key(str(tmp_path))
    assert len(first) == 64 and (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert instance_secret_key(str(tmp_path)) == first
    assert instance_secret_key(str(tmp_path / "other")) != first


def test_dates_are_shown_in_the_office_zone_and_language(app):
    noon_utc = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)  # 23.30 WITA
    with app.test_request_context("/"):
        render = app.jinja_env.from_string("{{ t|local('d MMMM y HH.mm') }}").render
        assert render(t=noon_utc) == "31 Maret 2026 23.30"
