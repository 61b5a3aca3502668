"""LPSE Web: the intranet app of an LPSE office. `create_app()` builds it."""

import os
from pathlib import Path

from flask import Flask, session
from flask_babel import format_date, format_datetime
from flask_wtf.csrf import generate_csrf

from lpse_web import database  # the SQLite engine listeners; the session's teardown
from lpse_web.config import Config, instance_secret_key
from lpse_web.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(Path(__file__).parent.parent / "templates"),
                static_folder=str(Path(__file__).parent.parent / "static"))
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(Config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.update(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'lpse.db'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    # <int:...> in a URL is a database id: a value past a 32-bit integer is no record (404),
    # not a query PostgreSQL refuses (500). Set before any route is added.
    from werkzeug.routing import IntegerConverter

    class DatabaseId(IntegerConverter):
        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = DatabaseId

    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)

    from lpse_web import cli
    from lpse_web.web import errors

    errors.init_app(app)
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from lpse_web.i18n import select_locale, select_timezone

    db.init_app(app)
    database.init_app(app)  # after db: its teardown runs first
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page says why on its own

    from lpse_web.auth.models import User

    @login_manager.user_loader
    def load_user(token: str):
        # get_id() returns the per-user session token, so a rotated token ends the session.
        from sqlalchemy import select

        user = db.session.scalar(select(User).where(User.session_token == token))
        return user if user is not None and user.active else None


def _register_blueprints(app: Flask) -> None:
    from lpse_web.assets.import_views import bp as asset_import_bp
    from lpse_web.assets.register_views import bp as assets_bp
    from lpse_web.audit.views import bp as audit_bp
    from lpse_web.auth.admin_views import bp as users_bp
    from lpse_web.auth.views import bp as auth_bp
    from lpse_web.counter.admin_views import bp as counter_admin_bp
    from lpse_web.counter.queue_views import bp as queue_bp
    from lpse_web.counter.report_views import bp as counter_report_bp
    from lpse_web.counter.vendor_views import bp as booking_bp
    from lpse_web.dashboard.panel_views import bp as dashboard_bp
    from lpse_web.mail import models as _mail_models  # noqa: F401 - the outbox table
    from lpse_web.office.announcement_views import bp as announcements_bp
    from lpse_web.office.catalogue_views import bp as catalogue_bp
    from lpse_web.office.views import bp as office_bp
    from lpse_web.reports.download_views import bp as quarterly_downloads_bp
    from lpse_web.reports.views import bp as quarterly_report_bp
    from lpse_web.risks.heatmap_views import bp as risk_heatmap_bp
    from lpse_web.risks.methodology_views import bp as risk_methodology_bp
    from lpse_web.risks.register_views import bp as risks_bp
    from lpse_web.rooms.admin_views import bp as room_admin_bp
    from lpse_web.rooms.calendar_views import bp as rooms_bp
    from lpse_web.rooms.feed_views import bp as room_feeds_bp
    from lpse_web.rooms.manage_views import bp as room_manage_bp
    from lpse_web.rooms.report_views import bp as room_report_bp
    from lpse_web.rooms.reservation_views import bp as reservations_bp
    from lpse_web.surveys.kiosk_views import bp as survey_kiosk_bp
    from lpse_web.surveys.manage_views import bp as survey_manage_bp
    from lpse_web.surveys.public_views import bp as survey_public_bp
    from lpse_web.surveys.report_views import bp as survey_report_bp
    from lpse_web.surveys.respond_views import bp as survey_bp
    from lpse_web.surveys.suggestion_views import bp as survey_suggestions_bp
    from lpse_web.web.views import bp as web_bp

    for blueprint in (web_bp, auth_bp, users_bp, office_bp, catalogue_bp, announcements_bp,
                      audit_bp, booking_bp, queue_bp, counter_report_bp, counter_admin_bp,
                      rooms_bp, reservations_bp, room_manage_bp, room_report_bp, room_admin_bp,
                      room_feeds_bp, survey_bp, survey_kiosk_bp, survey_manage_bp, survey_report_bp,
                      survey_suggestions_bp, survey_public_bp, assets_bp, asset_import_bp, risks_bp,
                      risk_methodology_bp, risk_heatmap_bp, dashboard_bp, quarterly_report_bp,
                      quarterly_downloads_bp):
        app.register_blueprint(blueprint)
    # Static files are public (the login page needs its stylesheet).
    from lpse_web.web.access import PUBLIC, allow

    allow(PUBLIC)(app.view_functions["static"])


def _register_hooks(app: Flask) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from lpse_web.auth.roles import ROLE_LABELS, Role
    from lpse_web.i18n import cell_text
    from lpse_web.office.models import Office
    from lpse_web.office.services import active_announcements, get_office, zone_label
    from lpse_web.web import charts
    from lpse_web.web.access import enforce_access
    from lpse_web.web.render import htmx_redirects
    from lpse_web.web.security import enforce_password_change, enforce_session_timeouts, set_security_headers

    app.before_request(enforce_session_timeouts)
    app.before_request(enforce_access)
    app.before_request(enforce_password_change)
    app.after_request(htmx_redirects)
    app.after_request(set_security_headers)

    @app.context_processor
    def layout_context():
        # (A static file served renders no template; a missing one renders the 404 page,
        # which needs the layout like any other page.)
        try:
            office, announcements = get_office(), active_announcements()
        except SQLAlchemyError:
            # The database is failing (that may be why an error page is being drawn):
            # draw the layout from defaults rather than fail a second time.
            db.session.rollback()
            office = Office(name="LPSE", timezone=app.config["LPSE_TIMEZONE"])
            announcements = []
        return {
            "office": office,
            "office_zone_label": zone_label(office.timezone),
            "announcements": announcements,
            "csrf_token_value": generate_csrf(),
            "Role": Role,
            "ROLE_LABELS": ROLE_LABELS,
            "current_lang": session.get("lang") or app.config["BABEL_DEFAULT_LOCALE"],
        }

    @app.template_filter("local")
    def local_datetime(value, format="medium"):
        """A UTC instant shown in the office's zone, in the user's language."""
        return format_datetime(value, format) if value else ""

    @app.template_filter("day")
    def local_date(value, format="medium"):
        """A calendar date in the user's language (Senin, 23 November 2026)."""
        return format_date(value, format) if value else ""

    app.add_template_filter(cell_text, "cell")  # a report value by its column kind (reports/tables.py)
    app.add_template_global(charts.geometry, "chart_geometry")  # the report's SVG charts
