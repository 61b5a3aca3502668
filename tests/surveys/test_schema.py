"""Anonymity is a property of the schema (surveys/models.py): the stored answers cannot be
joined back to a user, a booking, a reservation or the link that was used. Checked on
the real, migrated database (SQLite and PostgreSQL), not on the models."""

import re

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import Date, DateTime, Integer, String, Time

from lpse_web.auth.models import User
from lpse_web.extensions import db
from lpse_web.surveys.catalogue import ROOMS, Served
from lpse_web.surveys.invitations import for_booking, read
from lpse_web.surveys.models import KIOSK, LINK, PAGI, SurveyInvitationUse, SurveyResponse, SurveySuggestion
from lpse_web.surveys.responses import Profile, record
from tests.surveys.test_services import (
    ALL_FOURS,
    DAY,
    NOW_ISO,
    PROFILE,
    answer,
    at,
    finished_visit,
    make_period,
)

ANSWER_TABLES = ("survey_response", "survey_suggestion")
# Words a column that could name a person or a visit, or time it finely, would contain.
IDENTIFYING_WORDS = ("user", "visitor", "booking", "reservation", "invitation", "requester", "email",
                     "mail", "token", "created", "updated", "name", "phone", "nik", "npwp", "account",
                     "staff", "actor", "served_by", "source", "ticket", "queue", "code")
IDENTIFYING_PARTS = {"ip", "addr", "address", "at", "time", "timestamp", "agent", "by"}
HEX32 = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


@pytest.fixture
def schema(ctx):
    return inspect(db.engine)


@pytest.mark.parametrize("table", ANSWER_TABLES)
def test_the_only_foreign_key_of_the_answers_is_their_period(schema, table):
    keys = schema.get_foreign_keys(table)
    assert [(k["constrained_columns"], k["referred_table"], k["referred_columns"]) for k in keys] == [
        (["period_id"], "survey_period", ["id"])]


@pytest.mark.parametrize("table", ANSWER_TABLES)
def test_no_column_of_the_answers_could_name_a_person_or_a_visit(schema, table):
    names = [c["name"].lower() for c in schema.get_columns(table)]
    assert "period_id" in names and "answered_on" in names  # the inspection does see the table
    for name in names:
        assert not any(word in name for word in IDENTIFYING_WORDS), name
        assert not set(name.split("_")) & IDENTIFYING_PARTS, name


def test_the_response_columns_are_exactly_the_questionnaire(schema):
    assert {c["name"] for c in schema.get_columns("survey_response")} == {
        "id", "period_id", "service_key", "answered_on", "session", "channel",
        "sex", "age_band", "education", "occupation", *(f"u{n}" for n in range(1, 10))}
    assert {c["name"] for c in schema.get_columns("survey_suggestion")} == {
        "id", "period_id", "service_key", "answered_on", "kind", "text"}


@pytest.mark.parametrize("table", [*ANSWER_TABLES, "survey_invitation_use"])
def test_no_time_finer_than_the_day(schema, table):
    columns = schema.get_columns(table)
    for column in columns:
        kind = column["type"]
        assert not isinstance(kind, DateTime | Time), (column["name"], kind)
        assert "TIME" not in str(kind).upper(), (column["name"], kind)
    dates = [c["name"] for c in columns if isinstance(c["type"], Date)]
    assert dates == (["used_on"] if table == "survey_invitation_use" else ["answered_on"])


@pytest.mark.parametrize("table", ANSWER_TABLES)
def test_the_primary_key_is_a_random_string(schema, table):
    assert schema.get_pk_constraint(table)["constrained_columns"] == ["id"]
    (key,) = [c for c in schema.get_columns(table) if c["name"] == "id"]
    assert isinstance(key["type"], String) and not isinstance(key["type"], Integer)
    assert key["type"].length == 32
    assert key.get("autoincrement") is not True


def test_the_links_used_and_the_answers_do_not_refer_to_each_other(schema):
    use_columns = {c["name"] for c in schema.get_columns("survey_invitation_use")}
    assert use_columns == {"source", "source_id", "used_on"}
    assert schema.get_foreign_keys("survey_invitation_use") == []
    assert not any("response" in name or "suggestion" in name or "answer" in name for name in use_columns)
    for table in ANSWER_TABLES:
        assert not any("use" in c["name"] or "invitation" in c["name"] or "link" in c["name"]
                       for c in schema.get_columns(table))
        assert all(k["referred_table"] != "survey_invitation_use" for k in schema.get_foreign_keys(table))
    # Nothing else in the database points at an answer except the staff follow-up.
    pointing = {(table, k["referred_table"]) for table in schema.get_table_names()
                for k in schema.get_foreign_keys(table) if k["referred_table"] in ANSWER_TABLES}
    assert pointing == {("survey_follow_up", "survey_suggestion")}


def test_answer_ids_are_random_and_not_in_insertion_order(ctx):
    make_period()
    inserted = []
    for n in range(20):
        scores = {**ALL_FOURS, 1 + n % 9: 1 + n % 4}
        response = record(Served(ROOMS, DAY, PAGI), scores=scores, profile=PROFILE, channel=KIOSK,
                          suggestion=f"Saran nomor {n}")
        db.session.commit()
        inserted.append(response.id)
    assert all(HEX32.match(key) for key in inserted), inserted
    assert len(set(inserted)) == 20
    assert inserted != sorted(inserted)  # 1 in 20! for random keys
    by_key = list(db.session.scalars(select(SurveyResponse.id).order_by(SurveyResponse.id)))
    assert by_key == sorted(inserted) and by_key != inserted
    # The suggestions are keyed apart: no shared key, nor the same order.
    suggestion_ids = list(db.session.scalars(select(SurveySuggestion.id)))
    assert len(suggestion_ids) == 20 and all(HEX32.match(key) for key in suggestion_ids)
    assert not set(suggestion_ids) & set(inserted)


def _row(table: str, key: str) -> dict:
    return dict(db.session.execute(text(f"SELECT * FROM {table} WHERE id = :id"), {"id": key})
                .mappings().one())


def test_an_answer_through_a_link_keeps_nothing_of_the_booking(app, ctx, make_user):
    period = make_period()
    booking = finished_visit(make_user)
    visitor = db.session.get(User, booking.visitor_id)
    invitation = read(for_booking(booking).token, at("10.00"))
    scores = {1: 3, 2: 4, 3: 2, 4: 4, 5: 3, 6: 3, 7: 4, 8: 3, 9: 1}
    profile = Profile(sex="L", age_band="40-49", education="S2", occupation="PNS")
    response = answer(invitation, scores=scores, profile=profile, suggestion="Petugas sangat membantu")
    (suggestion_id,) = db.session.scalars(select(SurveySuggestion.id))

    stored = _row("survey_response", response.id)
    key = stored.pop("id")
    assert HEX32.match(key)
    # Every value is what the respondent chose, or the service, its day and its session
    # (the profile SKM.md asks for): nothing else of the visit.
    assert {k: str(v) for k, v in stored.items()} == {k: str(v) for k, v in {
        "period_id": period.id, "service_key": f"loket-{booking.service_id}", "answered_on": DAY,
        "session": PAGI, "channel": LINK, "sex": "L", "age_band": "40-49", "education": "S2",
        "occupation": "PNS", **{f"u{n}": s for n, s in scores.items()}}.items()}
    assert _row("survey_suggestion", suggestion_id) == {
        "id": suggestion_id, "period_id": period.id, "service_key": f"loket-{booking.service_id}",
        "answered_on": stored["answered_on"], "kind": "saran", "text": "Petugas sangat membantu"}

    # What identifies the visit appears nowhere in the answers.
    traces = [booking.code, visitor.name, visitor.email, invitation.token, str(booking.finished_at),
              booking.finished_at.isoformat(), f"loket,{booking.id}"]
    values = [str(v) for v in (*stored.values(), key, *_row("survey_suggestion", suggestion_id).values())]
    for trace in traces:
        assert not any(trace in value for value in values), trace
    # ... and the spent link names the booking but not the answers.
    use_row = db.session.get(SurveyInvitationUse, ("loket", booking.id))
    assert (use_row.source, use_row.source_id, use_row.used_on) == ("loket", booking.id, DAY)
    assert key not in repr(use_row.__dict__) and suggestion_id not in repr(use_row.__dict__)


def _answer_three_visits(make_user) -> set[tuple[int, int]]:
    """Three finished visits answer through their links in reverse order, with kiosk
    answers in between, as on a real day; returns the truth: (u1 of the answer, booking id)."""
    make_period()
    visits = [finished_visit(make_user, start=start, finish=finish)
              for start, finish in (("09.00", "09.20"), ("10.00", "10.20"), ("11.00", "11.20"))]
    mark = {visit.id: n for n, visit in enumerate(visits, start=1)}  # u1 of that visit's answer
    for visit in reversed(visits):
        record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel=KIOSK)
        db.session.commit()
        answer(read(for_booking(visit).token, at("12.00")), scores={**ALL_FOURS, 1: mark[visit.id]})
    return {(n, visit_id) for visit_id, n in mark.items()}


def _lined_up_by_order(order: str) -> set[tuple[int, int]]:
    """(u1 of a link answer, booking id of a spent link): the n-th link answer stored
    paired with the n-th link spent, in the storage order `order`."""
    return {tuple(p) for p in db.session.execute(text(
        f"SELECT r.u1, u.source_id FROM "
        f"(SELECT u1, row_number() OVER (ORDER BY {order}) AS n FROM survey_response"
        f" WHERE channel = 'tautan') r JOIN "
        f"(SELECT source_id, row_number() OVER (ORDER BY {order}) AS n FROM survey_invitation_use) u"
        f" ON r.n = u.n"))}


def test_sqlite_keeps_no_insertion_order_beside_the_answers(ctx):
    """SQLite stores a table in the order of a hidden rowid (insertion order) unless it is
    WITHOUT ROWID: then the answers lie in the order of their random keys and the spent
    links in booking order, and no rowid exists to line them up."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("a property of SQLite's storage")
    for table in (*ANSWER_TABLES, "survey_invitation_use"):
        sql = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                                {"t": table})
        assert sql.rstrip().upper().endswith("WITHOUT ROWID"), table
        with pytest.raises(OperationalError):
            db.session.execute(text(f"SELECT rowid FROM {table}"))
        db.session.rollback()


def test_an_answer_and_its_spent_link_were_not_written_in_one_transaction(ctx, make_user):
    """PostgreSQL stamps every row with the transaction that inserted it (xmin): the link
    is spent in a transaction of its own, so no answer shares one with a spent link."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    truth = _answer_three_visits(make_user)
    assert len(truth) == 3
    shared = db.session.execute(text(
        "SELECT count(*) FROM survey_response r JOIN survey_invitation_use u ON r.xmin = u.xmin")).scalar()
    assert shared == 0


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "KNOWN GAP on PostgreSQL, documented in surveys/models.py: the heap keeps rows in "
    "insertion order (ctid), so someone with direct access to the database can pair the "
    "n-th link answer with the n-th spent link. No page, export or query of the app does."))
def test_postgresql_storage_order_does_not_line_answers_up_with_the_links(ctx, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite: test_sqlite_keeps_no_insertion_order_beside_the_answers")
    truth = _answer_three_visits(make_user)
    recovered = _lined_up_by_order("ctid") & truth
    assert not recovered, f"answers traced back to bookings: {sorted(recovered)}"
