"""The role x route matrix (RELIABILITY.md "Tests that prove it").

POLICY is the reviewed list of who may use each endpoint. A route added without an
entry fails `test_every_endpoint_has_a_reviewed_policy`, and so does a view whose
@allow(...) differs from its entry. Then every (rule, method) is requested by an
anonymous visitor and by one user of each of the nine roles, signed in through the real
login flow: anonymous -> 302 to the login page, a role without permission -> 403 (and
nothing written), a permitted role -> the page itself, except where the object belongs
to someone else (another vendor's ticket: 404, as if it did not exist)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from lpse_web.auth.roles import Role
from lpse_web.web.access import PUBLIC, SIGNED_IN, STAFF, policy_of
from tests.security.conftest import (
    is_login_redirect,
    login_redirect_next,
    post,
    routes,
    row_counts,
    token_of,
    url_of,
)

ANONYMOUS = "anonymous"
ADMIN_ONLY = frozenset({Role.ADMIN})
BOOKERS = frozenset({Role.VENDOR, Role.ROOM_USER})  # vendors, and officials registering
COUNTER_STAFF = frozenset({Role.VERIFIKATOR, Role.HELPDESK})
TICKET_READERS = frozenset({Role.VERIFIKATOR, Role.HELPDESK, Role.MANAGER, Role.ADMIN})
ROOM_APPROVERS = frozenset({Role.ADMIN, Role.HELPDESK, Role.MANAGER})  # rooms.services.APPROVERS
ROOM_REPORT_READERS = frozenset({Role.MANAGER})
SURVEY_MANAGER = frozenset({Role.SURVEY_MANAGER})
SURVEY_READERS = frozenset({Role.SURVEY_MANAGER, Role.MANAGER})  # the evaluation, the periods
SUGGESTION_HANDLERS = frozenset({Role.SURVEY_MANAGER, Role.HELPDESK})  # complaints: DOMAIN.md
KIOSK_STARTERS = frozenset({Role.VERIFIKATOR, Role.HELPDESK, Role.SURVEY_MANAGER, Role.ADMIN})
# The registers (assets/roles.py, risks/roles.py): the asset and risk managers read both
# (a risk names its assets), managers read, administrators do everything.
REGISTER_READERS = frozenset({Role.ASSET_MANAGER, Role.RISK_MANAGER, Role.MANAGER, Role.ADMIN})
ASSET_WRITERS = frozenset({Role.ASSET_MANAGER, Role.ADMIN})
RISK_WRITERS = frozenset({Role.RISK_MANAGER, Role.ADMIN})
QUARTERLY_READERS = frozenset({Role.MANAGER})

# endpoint -> audience: PUBLIC, SIGNED_IN, STAFF, or a set of roles.
POLICY = {
    "web.home": PUBLIC,
    "web.health": PUBLIC,
    "web.favicon": PUBLIC,
    "office.calendar": PUBLIC,
    "auth.login": PUBLIC,
    "auth.two_factor": PUBLIC,  # the view itself requires a pending password step
    "auth.enrol_two_factor": PUBLIC,  # idem
    "auth.logout": PUBLIC,
    "auth.register": PUBLIC,
    "auth.set_language": PUBLIC,
    "auth.account": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.manage_two_factor": SIGNED_IN,
    "auth.reauthenticate": SIGNED_IN,
    "auth.new_recovery_codes": SIGNED_IN,
    "auth.disable_two_factor": SIGNED_IN,
    "users.index": ADMIN_ONLY,
    "users.create": ADMIN_ONLY,
    "users.edit": ADMIN_ONLY,
    "users.reset_password": ADMIN_ONLY,
    "users.reset_two_factor": ADMIN_ONLY,
    "office.settings": ADMIN_ONLY,
    "office.hours": ADMIN_ONLY,
    "office.add_closure": ADMIN_ONLY,
    "office.remove_closure": ADMIN_ONLY,
    "catalogue.counter_services": ADMIN_ONLY,
    "catalogue.counters": ADMIN_ONLY,
    "catalogue.rooms": ADMIN_ONLY,
    "announcements.index": STAFF,
    "announcements.end": STAFF,
    "audit.index": frozenset({Role.ADMIN, Role.MANAGER}),
    "booking.services": BOOKERS,
    "booking.slots": BOOKERS,
    "booking.confirm": BOOKERS,
    "booking.ticket": SIGNED_IN,  # the view: only the owner and TICKET_READERS (OWN_OBJECTS)
    "booking.ticket_ics": SIGNED_IN,  # idem
    "booking.reschedule": BOOKERS,  # the view: only the owner
    "booking.cancel": BOOKERS,  # idem
    "booking.mine": BOOKERS,
    "queue.index": COUNTER_STAFF,
    "queue.check_in": COUNTER_STAFF,
    "queue.walk_in": COUNTER_STAFF,
    "queue.call_next": COUNTER_STAFF,
    "queue.finish": COUNTER_STAFF,  # the view: a verification only by a verifikator (DECIDED_BY)
    "queue.absent": COUNTER_STAFF,
    "queue.board": PUBLIC,  # the waiting-room display: ticket numbers, never names
    "counter_report.index": frozenset({Role.MANAGER, Role.VERIFIKATOR}),
    "counter_report.export_csv": frozenset({Role.MANAGER, Role.VERIFIKATOR}),
    "counter_report.export_xlsx": frozenset({Role.MANAGER, Role.VERIFIKATOR}),
    "counter_admin.closures": ADMIN_ONLY,
    "counter_admin.reopen": ADMIN_ONLY,
    # Rooms: every staff role reserves (procurement officials and LPSE staff, DOMAIN.md).
    "rooms.day": STAFF,
    "rooms.week": STAFF,
    "rooms.photo": STAFF,
    "reservations.new": STAFF,
    "reservations.detail": STAFF,  # the view: only the requester and ROOM_APPROVERS (OWN_OBJECTS)
    "reservations.cancel": STAFF,  # idem
    "reservations.check_in": STAFF,  # idem
    "reservations.complete": STAFF,  # idem
    "reservations.mine": STAFF,
    "reservations.new_feed_key": STAFF,
    "room_manage.index": ROOM_APPROVERS,
    "room_manage.approve": ROOM_APPROVERS,
    "room_manage.reject": ROOM_APPROVERS,
    "room_manage.approve_series": ROOM_APPROVERS,
    "room_manage.reject_series": ROOM_APPROVERS,
    "room_report.index": ROOM_REPORT_READERS,
    "room_report.export_csv": ROOM_REPORT_READERS,
    "room_report.export_xlsx": ROOM_REPORT_READERS,
    "room_admin.blackouts": ADMIN_ONLY,
    "room_admin.remove_blackout": ADMIN_ONLY,
    # A calendar app cannot sign in: the secret key in the URL is the credential (an
    # unknown key, or one of an account that is no longer active staff: 404).
    "room_feeds.mine": PUBLIC,
    "room_feeds.room": PUBLIC,
    "survey.respond": PUBLIC,  # the signed one-time link is the credential
    "survey.thanks": PUBLIC,
    "survey_kiosk.start": KIOSK_STARTERS,
    "survey_kiosk.form": PUBLIC,  # the view: only a kiosk session (OWN_OBJECTS)
    "survey_kiosk.thanks": PUBLIC,  # idem
    "survey_kiosk.stop": PUBLIC,  # idem
    "survey_manage.index": SURVEY_READERS,
    "survey_manage.new": SURVEY_MANAGER,
    "survey_manage.edit": SURVEY_MANAGER,
    "survey_manage.open": SURVEY_MANAGER,
    "survey_manage.close": SURVEY_MANAGER,
    "survey_manage.publish": SURVEY_MANAGER,
    "survey_manage.unpublish": SURVEY_MANAGER,
    "survey_manage.delete": SURVEY_MANAGER,
    "survey_manage.questionnaire": SURVEY_MANAGER,
    "survey_manage.save_element": SURVEY_MANAGER,
    "survey_manage.reset_element": SURVEY_MANAGER,
    "survey_manage.settings": SURVEY_MANAGER,
    "survey_suggestions.index": SUGGESTION_HANDLERS | {Role.MANAGER},
    "survey_suggestions.detail": SUGGESTION_HANDLERS | {Role.MANAGER},
    "survey_suggestions.follow_up": SUGGESTION_HANDLERS,
    "survey_report.index": SURVEY_READERS,
    "survey_report.respondents": SURVEY_READERS,
    "survey_report.print_report": SURVEY_READERS,
    "survey_report.export_xlsx": SURVEY_READERS,
    "survey_report.export_csv": SURVEY_READERS,
    "survey_public.results": PUBLIC,
    "assets.index": REGISTER_READERS,
    "assets.detail": REGISTER_READERS,
    "assets.alert_page": REGISTER_READERS,
    "assets.stocktakes_due": REGISTER_READERS,
    "assets.export_csv": REGISTER_READERS,
    "assets.export_xlsx": REGISTER_READERS,
    "assets.create": ASSET_WRITERS,
    "assets.edit": ASSET_WRITERS,
    "assets.classify": ASSET_WRITERS,
    "assets.assign": ASSET_WRITERS,
    "assets.give_back": ASSET_WRITERS,
    "assets.stocktake": ASSET_WRITERS,
    "assets.settings_page": ASSET_WRITERS,
    "asset_import.index": ASSET_WRITERS,
    "asset_import.status": ASSET_WRITERS,  # the view: the creator, asset managers, admins
    "asset_import.template_csv": ASSET_WRITERS,
    "asset_import.template_xlsx": ASSET_WRITERS,
    "risks.index": REGISTER_READERS,
    "risks.detail": REGISTER_READERS,
    "risks.export": REGISTER_READERS,
    "risks.print_register": REGISTER_READERS,
    "risks.new": RISK_WRITERS,
    "risks.edit": RISK_WRITERS,
    "risks.treat": RISK_WRITERS,
    "risks.review": RISK_WRITERS,
    "risks.asset_picker": RISK_WRITERS,
    "risks.add_action": RISK_WRITERS,
    "risks.complete_action": RISK_WRITERS,
    "risk_methodology.index": REGISTER_READERS,
    "risk_methodology.show": REGISTER_READERS,
    "risk_methodology.edit": RISK_WRITERS,
    "risk_methodology.rescore_risks": RISK_WRITERS,
    "risk_heatmap.index": REGISTER_READERS,
    "risk_heatmap.cell": REGISTER_READERS,
    # The dashboard's panels (the home page offers each to these): never vendors nor the
    # officials who only book rooms.
    "dashboard.counter": frozenset({Role.VERIFIKATOR, Role.HELPDESK, Role.MANAGER}),
    "dashboard.rooms": frozenset(Role) - {Role.VENDOR, Role.ROOM_USER},
    "dashboard.survey": frozenset({Role.SURVEY_MANAGER, Role.MANAGER, Role.HELPDESK, Role.VERIFIKATOR,
                                   Role.ADMIN}),
    "dashboard.assets": REGISTER_READERS,
    "dashboard.risks": REGISTER_READERS,
    "dashboard.announcements": frozenset(Role) - {Role.VENDOR, Role.ROOM_USER},
    # The quarterly report and its downloads: managers only.
    "quarterly_report.index": QUARTERLY_READERS,
    "quarterly_downloads.pdf": QUARTERLY_READERS,
    "quarterly_downloads.xlsx": QUARTERLY_READERS,
    "quarterly_downloads.csv": QUARTERLY_READERS,
}

# Views that the guard lets a wider audience reach but that find their object only for
# its owner: endpoint -> who else may see it. Everyone else the guard lets through gets
# 404, as if it did not exist (a code cannot be probed). The sample booking belongs to a
# vendor none of the matrix's users is; test_the_owner_may_use_every_ticket_route covers
# the owner.
OWN_OBJECTS = {
    "booking.ticket": TICKET_READERS,
    "booking.ticket_ics": TICKET_READERS,
    "booking.reschedule": frozenset(),
    "booking.cancel": frozenset(),
    # The sample reservations belong to an official none of the matrix's users is.
    "reservations.detail": ROOM_APPROVERS,
    "reservations.cancel": ROOM_APPROVERS,
    "reservations.check_in": ROOM_APPROVERS,
    "reservations.complete": ROOM_APPROVERS,
    # Without a kiosk session (the matrix's POST to start one sends no PIN: none starts)
    # the kiosk pages do not exist.
    "survey_kiosk.form": frozenset(),
    "survey_kiosk.thanks": frozenset(),
    "survey_kiosk.stop": frozenset(),
}

# Views the guard opens wider than one decision inside them: the sample visit is a
# verification, and approving or rejecting it is the verifikator's decision (DOMAIN.md);
# helpdesk finishes the other services' visits. endpoint -> who may; the rest get 403.
DECIDED_BY = {"queue.finish": frozenset({Role.VERIFIKATOR})}

EVERYONE = frozenset({ANONYMOUS, *Role})
# Public views that send the visitor to the login page themselves (without ?next=, unlike
# the guard): endpoint -> who gets that answer.
SENDS_TO_LOGIN = {
    "web.home": {ANONYMOUS},  # an anonymous visitor's home page is the login page
    "auth.two_factor": EVERYONE,  # no password step pending: sign in again
    "auth.enrol_two_factor": EVERYONE,
    "auth.logout": EVERYONE,  # 303 to the login page once signed out
}
# 409: let through, but the object is not in a state for it (the sample asset is held by
# nobody, so taking it back is refused as a conflict, not as a permission).
PERMITTED_STATUSES = {200, 302, 303, 409, 422}


def as_policy(audience) -> frozenset:
    return frozenset({audience}) if isinstance(audience, str) else frozenset(audience)


def may_use(audience, who) -> bool:
    """The expected answer, worked out from POLICY alone (not from the guard's code)."""
    if audience == PUBLIC:
        return True
    if who == ANONYMOUS:
        return False
    if audience == SIGNED_IN:
        return True
    if audience == STAFF:
        return who != Role.VENDOR
    return who in audience


def expected_for_permitted(endpoint, who) -> set[int]:
    """The statuses a user the guard lets through may get."""
    if endpoint in OWN_OBJECTS and who not in OWN_OBJECTS[endpoint]:
        return {404}
    if endpoint in DECIDED_BY and who not in DECIDED_BY[endpoint]:
        return {403}
    return PERMITTED_STATUSES


def policy_problems(app) -> list[str]:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    problems = [f"{e}: route without an entry in POLICY" for e in sorted(endpoints - POLICY.keys())]
    problems += [f"{e}: POLICY entry for a route that no longer exists"
                 for e in sorted(POLICY.keys() - endpoints)]
    with app.app_context():
        for endpoint in sorted(endpoints & POLICY.keys()):
            declared = policy_of(endpoint)
            if declared != as_policy(POLICY[endpoint]):
                problems.append(f"{endpoint}: view declares {declared}, POLICY says {POLICY[endpoint]}")
    return problems


def requests_to_make(app):
    """Every (rule, method) pair; signing out comes last so the session lasts the run."""
    pairs = [(rule, method) for method in ("GET", "POST") for rule in routes(app, method)]
    return sorted(pairs, key=lambda pair: pair[0].endpoint == "auth.logout")


def test_every_endpoint_has_a_reviewed_policy(app):
    assert policy_problems(app) == []
    with app.app_context():
        assert policy_of("static") == {PUBLIC}  # the login page needs its stylesheet


def test_a_route_without_policy_is_refused_and_fails_the_policy_check(app, signed_in):
    app.add_url_rule("/rahasia", "undeclared", lambda: "isi-rahasia-42")
    assert "undeclared: route without an entry in POLICY" in policy_problems(app)
    anonymous = app.test_client()
    response = anonymous.get("/rahasia")
    assert response.status_code == 403  # refused outright, not even a login page
    admin, _ = signed_in(Role.ADMIN)
    response = admin.get("/rahasia")
    assert response.status_code == 403 and "isi-rahasia-42" not in response.get_data(as_text=True)


@pytest.mark.parametrize("who", [ANONYMOUS, *Role], ids=str)
def test_role_route_matrix(app, sample, signed_in, who):
    if who == ANONYMOUS:
        client = app.test_client()
    else:
        client, _ = signed_in(who)
    token = token_of(client)
    failures = []
    for rule, method in requests_to_make(app):
        url = url_of(rule, sample.args())
        audience = POLICY[rule.endpoint]
        before = row_counts(app) if method == "POST" else None
        response = client.get(url) if method == "GET" else post(client, url, token)
        status, label = response.status_code, f"{method} {url} ({rule.endpoint})"
        if not may_use(audience, who):
            if who == ANONYMOUS:
                expected_next = url if method == "GET" else ""
                if status != 302 or login_redirect_next(response) != expected_next:
                    failures.append(f"{label}: {status}, {response.location}, "
                                    f"expected 302 to the login page (next={expected_next!r})")
            elif status != 403:
                failures.append(f"{label}: {status}, expected 403")
            if before is not None and row_counts(app) != before:
                failures.append(f"{label}: a refused request changed the database")
            continue
        expected = expected_for_permitted(rule.endpoint, who)
        if status not in expected:
            failures.append(f"{label}: {status}, expected {sorted(expected)}")
        if expected == {404}:
            if before is not None and row_counts(app) != before:
                failures.append(f"{label}: someone else's object was changed")
        elif is_login_redirect(response) and not (
                who in SENDS_TO_LOGIN.get(rule.endpoint, ()) and login_redirect_next(response) == ""):
            failures.append(f"{label}: permitted, but sent to the login page ({response.location})")
    assert not failures, f"as {who}:\n" + "\n".join(failures)


def staff_only_rules(app):
    return [(rule, method) for rule, method in requests_to_make(app)
            if not may_use(POLICY[rule.endpoint], Role.VENDOR)]


def test_vendor_gets_403_on_every_staff_page(app, sample, signed_in):
    client, _ = signed_in(Role.VENDOR)
    token = token_of(client)
    rules = staff_only_rules(app)
    assert len(rules) >= 30  # users, office, counters, rooms, announcements, audit, queue
    for rule, method in rules:
        url = url_of(rule, sample.args())
        for headers in ({}, {"HX-Request": "true"}):
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                response = post(client, url, token, headers=headers)
            assert response.status_code == 403, (method, url, headers, response.status_code)
            if not headers:
                assert "Akses ditolak" in response.get_data(as_text=True)


def test_anonymous_htmx_request_is_told_to_reload_the_login_page(app, sample):
    client = app.test_client()
    for rule in routes(app, "GET"):
        if POLICY[rule.endpoint] == PUBLIC:
            continue
        url = url_of(rule, sample.args())
        response = client.get(url, headers={"HX-Request": "true"})
        # htmx would swap a followed 302 (the whole login page) into a panel.
        assert response.status_code == 204, (url, response.status_code)
        target = urlsplit(response.headers["HX-Redirect"])
        assert (target.path, parse_qs(target.query)["next"]) == ("/masuk", [url])


def test_the_owner_may_use_every_ticket_route(app, sample, login):
    """The other side of OWN_OBJECTS: the vendor who booked gets the pages themselves."""
    client = app.test_client()
    login(client, sample.owner)
    code = sample.code
    for url in (f"/tiket/{code}", f"/tiket/{code}/kalender.ics", f"/tiket/{code}/jadwal-ulang"):
        assert client.get(url).status_code == 200, url
    token = token_of(client)
    moved = post(client, f"/tiket/{code}/jadwal-ulang", token, {"start": sample.reschedule_to})
    assert moved.status_code == 303 and urlsplit(moved.location).path == f"/tiket/{code}"
    assert "Jadwal diubah" in client.get(moved.location).get_data(as_text=True)
    cancelled = post(client, f"/tiket/{code}/batal", token)
    assert cancelled.status_code == 303
    assert "Pemesanan dibatalkan." in client.get(cancelled.location).get_data(as_text=True)
