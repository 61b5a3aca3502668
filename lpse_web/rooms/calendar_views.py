"""The rooms' calendars: the day view (rooms as columns, time as rows) and the week view
of one room, rendered on the server. A free cell links to the reservation form, filled
in (htmx loads it beside the grid); a taken cell shows who and why to those who may see
it, and only "taken" to the others. Each view costs a fixed number of queries."""

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, request, url_for
from flask_login import current_user

from lpse_web import clock
from lpse_web.extensions import db
from lpse_web.office.forms import ROOM_KIND_LABELS
from lpse_web.office.models import Room
from lpse_web.office.services import load_calendar
from lpse_web.rooms import grid, rules, services
from lpse_web.rooms.labels import PURPOSE_LABELS, STATUS_LABELS
from lpse_web.web.access import STAFF, allow
from lpse_web.web.render import render

bp = Blueprint("rooms", __name__, url_prefix="/ruang")
bp.add_app_template_global(STATUS_LABELS, "ROOM_STATUS_LABELS")
bp.add_app_template_global(PURPOSE_LABELS, "PURPOSE_LABELS")
bp.add_app_template_global(ROOM_KIND_LABELS, "ROOM_KIND_LABELS")
bp.add_app_template_global(services.is_approver, "is_room_approver")  # services.APPROVERS, once
# Procurement officials and LPSE staff reserve rooms (DOMAIN.md): every staff role.
RESERVERS = STAFF


def chosen_day(arg: str, default: date) -> date:
    try:
        day = date.fromisoformat((request.args.get(arg) or "")[:10])
    except ValueError:
        return default
    return day if 2000 <= day.year <= 2100 else default


def _local_hhmm(at: datetime, zone) -> str:
    return at.astimezone(zone).strftime("%H:%M")


def _views_context(calendar, now):
    zone = calendar.zone
    # Built once: a grid has a link in every free cell (url_for per cell was a third of
    # the page's time). The values are digits, dashes and colons: nothing to escape.
    form_url = url_for("reservations.new")

    def new_url(room_id, start, end):
        return (f"{form_url}?ruang={room_id}&hari={start.astimezone(zone).date().isoformat()}"
                f"&mulai={_local_hhmm(start, zone)}&selesai={_local_hhmm(end, zone)}")

    return {
        "now": now,
        "hhmm": lambda at: _local_hhmm(at, zone),
        "sees": lambda reservation: services.may_see_details(current_user, reservation),
        "new_url": new_url,
    }


def _row_span(hours_list, day: date, calendar) -> tuple[datetime, datetime]:
    """The rows to draw: from the earliest opening to the latest closing shown, or the
    office's usual day when everything is closed."""
    opened = [h for h in hours_list if h]
    if opened:
        return min(h[0] for h in opened), max(h[1] for h in opened)
    zone = calendar.zone
    return datetime.combine(day, time(8), zone), datetime.combine(day, time(16), zone)


@bp.route("/")
@allow(RESERVERS)
def day():
    now, calendar = clock.now(), load_calendar()
    the_day = chosen_day("hari", calendar.local_day(now))
    rooms = services.active_rooms()
    hours = [rules.open_hours(calendar, rules.RoomRules.of(room), the_day) for room in rooms]
    first, last = _row_span(hours, the_day, calendar)
    rows = grid.row_starts(first, last)
    ids = [room.id for room in rooms]
    holding = [r for r in services.reservations_between(ids, first, last) if r.holds_room(now)]
    blackouts = services.blackouts_between(ids, first, last)
    columns = [grid.column(rows, hours[i], [r for r in holding if r.room_id == room.id],
                           [b for b in blackouts if b.room_id == room.id], now)
               for i, room in enumerate(rooms)]
    closed = calendar.closed_reason(the_day)
    return render("rooms/day.html", block="grid", day=the_day, rooms=rooms, rows=rows, columns=columns,
                  room_of=lambda i: rooms[i].id, closed_reason=closed, today=calendar.local_day(now),
                  previous=the_day - timedelta(days=1), following=the_day + timedelta(days=1),
                  **_views_context(calendar, now))


@bp.route("/<int:room_id>/minggu")
@allow(RESERVERS)
def week(room_id):
    room = db.get_or_404(Room, room_id)
    if not room.active:
        abort(404)
    now, calendar = clock.now(), load_calendar()
    anchor = chosen_day("minggu", calendar.local_day(now))
    monday = anchor - timedelta(days=anchor.weekday())
    room_rules = rules.RoomRules.of(room)
    # Monday to Friday, and a weekend day when the room or the office opens then.
    weekdays = [d for d in range(7) if d < 5 or room.open_weekends or calendar.hours.get(d)]
    days = [monday + timedelta(days=d) for d in weekdays]
    hours = [rules.open_hours(calendar, room_rules, d) for d in days]
    # One set of rows for the whole week, in local wall-clock time: each day's column
    # is drawn over the same times (the day's own instants).
    spans = [_row_span([h], d, calendar) for h, d in zip(hours, days, strict=True)]
    zone = calendar.zone
    first_time = min(s[0].astimezone(zone).time() for s in spans)
    last_time = max(s[1].astimezone(zone).time() for s in spans)
    week_start = datetime.combine(days[0], first_time, zone)
    week_end = datetime.combine(days[-1], last_time, zone)
    reservations = [r for r in services.reservations_between([room.id], week_start, week_end)
                    if r.holds_room(now)]
    blackouts = services.blackouts_between([room.id], week_start, week_end)
    columns = []
    for d, h in zip(days, hours, strict=True):
        rows = grid.row_starts(datetime.combine(d, first_time, zone), datetime.combine(d, last_time, zone))
        columns.append(grid.column(rows, h, reservations, blackouts, now))
    labels = grid.row_starts(datetime.combine(days[0], first_time, zone),
                             datetime.combine(days[0], last_time, zone))
    return render("rooms/week.html", block="grid", room=room, days=days, rows=labels, columns=columns,
                  room_of=lambda _i: room.id,
                  closed=[rules.closed_reason(calendar, room_rules, d) for d in days],
                  monday=monday, previous=monday - timedelta(days=7), following=monday + timedelta(days=7),
                  rooms=services.active_rooms(), **_views_context(calendar, now))


@bp.route("/<int:room_id>/foto")
@allow(RESERVERS)
def photo(room_id):
    room = db.get_or_404(Room, room_id)
    if not room.photo:
        abort(404)
    return Response(room.photo, mimetype=room.photo_type or "application/octet-stream")
