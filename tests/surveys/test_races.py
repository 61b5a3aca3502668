"""Races for one-time survey links between real processes over separate connections,
released together by a barrier, on SQLite and on PostgreSQL (RELIABILITY.md "Tests that
prove it"; tests/racing.py).

Each racer is a fresh interpreter that builds the app, reads the link as the
questionnaire page does when it is opened, and ENDS that transaction before the
barrier (on SQLite an app context begins with BEGIN IMMEDIATE: holding it would make
the others wait, not race). Released together, each sends the questionnaire as
surveys/respond_views.py does: read the link, spend it, store the answers, commit. A
loser rolls back and reports the class of what it was told; anything but
UsedLinkError is a failure. What the racers were told is compared with what the
database holds."""

from collections import Counter

import pytest
from sqlalchemy import select

from lpse_web.extensions import db
from lpse_web.rooms import services as rooms
from lpse_web.surveys.invitations import for_booking, for_reservation
from lpse_web.surveys.models import LINK, SurveyInvitationUse, SurveyResponse, SurveySuggestion
from tests.racing import race
from tests.surveys.test_services import (
    NOW_ISO,
    at,
    count,
    finished_visit,
    make_period,
    room_reservation,
)

pytestmark = pytest.mark.race
BARRIER_TIMEOUT = 120  # many interpreters importing the app on a small machine take a while
RACE_NOW = at("12.00", day=1, month=12)  # every link below is valid then, none used


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


def _answer_racer(database_url, tag, token, reread, barrier, results):
    """Send the questionnaire through the link; report (tag, "ok", response id) or
    (tag, error class, the class of its cause or the error). `reread`: read the link
    again when sending, as the page does; without it the racer spends the link it read
    when the page was opened, so only the database's primary key stands in the way."""
    outcome = (tag, "NotRun", "")
    try:
        from lpse_web import create_app
        from lpse_web.surveys import invitations, responses
        from tests.conftest import _test_config

        config = _test_config(database_url)
        config["LPSE_NOW"] = NOW_ISO
        app = create_app(config)
        with app.app_context():
            db.session.connection(execution_options={"sqlite_immediate": False})  # a read
            opened = invitations.read(token, RACE_NOW)  # the page as it was opened
            db.session.remove()  # end the set-up transaction before the race begins
            barrier.wait(timeout=BARRIER_TIMEOUT)
            try:
                invitation = invitations.read(token, RACE_NOW) if reread else opened
                assert invitation == opened
                invitations.use(invitation, RACE_NOW.date())
                response = responses.record(
                    invitation.served, scores={n: 1 + (n + tag) % 4 for n in range(1, 10)},
                    profile=responses.Profile("L", "20-29", "SMA", "Wirausaha"), channel=LINK,
                    suggestion=f"Saran dari peserta {tag}")
                db.session.commit()
                outcome = (tag, "ok", response.id)
            except Exception as error:  # the loser's answer, or a bug: reported either way
                db.session.rollback()
                cause = error.__cause__
                outcome = (tag, type(error).__name__, type(cause).__name__ if cause else repr(error)[:300])
            db.session.remove()
            db.engine.dispose()
    except Exception as error:  # set-up failed (or the barrier broke): a failure too
        outcome = (tag, f"setup {type(error).__name__}", repr(error)[:300])
    results.put(outcome)


def _stored():
    return (list(db.session.scalars(select(SurveyResponse.id))),
            list(db.session.scalars(select(SurveySuggestion.text))),
            list(db.session.execute(select(SurveyInvitationUse.source, SurveyInvitationUse.source_id))))


@pytest.mark.parametrize("reread", [True, False], ids=["as-the-page", "stale-read"])
def test_two_processes_sending_one_link_at_once_store_one_answer(app, ctx, database_url, make_user, reread):
    make_period()
    booking = finished_visit(make_user)
    token = for_booking(booking).token
    booking_id = booking.id
    db.session.remove()  # the parent holds no transaction while the racers run

    outcomes = race(_answer_racer, [(database_url, tag, token, reread) for tag in (1, 2)])

    results = sorted(result for _, result, _ in outcomes)
    assert results == ["UsedLinkError", "ok"], outcomes
    ((winner, _, response_id),) = [o for o in outcomes if o[1] == "ok"]
    if not reread:  # both passed the check: the primary key refused the second use
        assert [detail for _, result, detail in outcomes if result != "ok"] == ["IntegrityError"]
    answers, texts, uses = _stored()
    assert answers == [response_id]
    assert texts == [f"Saran dari peserta {winner}"]  # the loser's suggestion went with its answers
    assert uses == [("loket", booking_id)]
    stored = db.session.get(SurveyResponse, response_id)
    assert stored.scores == [1 + (n + winner) % 4 for n in range(1, 10)]


def test_many_processes_on_three_links_store_one_answer_per_link(app, ctx, database_url, make_user):
    """Three links (two counter visits, one room), three processes each, all at once."""
    make_period()
    first = finished_visit(make_user, code="V", start="09.00", finish="09.20")
    second = finished_visit(make_user, code="K", start="13.00", finish="13.30")
    reservation = room_reservation(make_user)
    rooms.check_in(reservation, reservation.requester_id, at("09.00", day=1, month=12))
    rooms.complete(reservation, at("09.40", day=1, month=12))
    db.session.commit()
    links = {("loket", first.id): for_booking(first).token,
             ("loket", second.id): for_booking(second).token,
             ("ruang", reservation.id): for_reservation(reservation, RACE_NOW).token}
    db.session.remove()
    racers, link_of = [], {}
    for tag in range(9):
        key = list(links)[tag % 3]
        racers.append((database_url, tag, links[key], True))
        link_of[tag] = key

    outcomes = race(_answer_racer, racers)

    assert Counter(result for _, result, _ in outcomes) == {"ok": 3, "UsedLinkError": 6}, outcomes
    winners = {link_of[tag]: response_id for tag, result, response_id in outcomes if result == "ok"}
    assert set(winners) == set(links)  # one answer for each link, none for two
    answers, texts, uses = _stored()
    assert sorted(answers) == sorted(winners.values())
    assert sorted(uses) == sorted(links)
    assert len(texts) == 3
    assert count(SurveyResponse) == 3 and count(SurveyInvitationUse) == 3
