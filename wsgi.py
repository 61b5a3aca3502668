"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from lpse_web import create_app

app = create_app()
