"""The ICS feed URLs. Public routes: the secret key in the URL is the credential (a
calendar app cannot sign in); an unknown key is 404."""

from flask import Blueprint, abort, current_app, request
from flask_babel import gettext as _

from lpse_web import clock
from lpse_web.extensions import db
from lpse_web.office.models import Room
from lpse_web.rooms import feeds
from lpse_web.web.access import PUBLIC, allow

bp = Blueprint("room_feeds", __name__, url_prefix="/ruang/kalender")


def _calendar(body: bytes, filename: str):
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _owner_or_404(key: str):
    owner = feeds.owner_of(key)
    if owner is None:
        abort(404)
    return owner


@bp.route("/<key>/saya.ics")
@allow(PUBLIC)
def mine(key):
    owner, now = _owner_or_404(key), clock.now()
    body = feeds.ics(feeds.reservations_of_user(owner, now), owner, name=_("Reservasi ruang saya"),
                     host=request.host, now=now, taken_label=_("Terpakai"))
    return _calendar(body, "reservasi-saya.ics")


@bp.route("/<key>/ruang-<int:room_id>.ics")
@allow(PUBLIC)
def room(key, room_id):
    owner, now = _owner_or_404(key), clock.now()
    room = db.get_or_404(Room, room_id)
    body = feeds.ics(feeds.reservations_of_room(room.id, now), owner, name=room.name, host=request.host,
                     now=now, taken_label=_("Terpakai"))
    return _calendar(body, f"ruang-{room.id}.ics")
