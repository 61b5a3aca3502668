"""What the sample registers share (assets/demo_data.py, assets/scale_data.py and
risks/sample_data.py): replaying history at a past moment, office moments, the asset
classes and suppliers they name, and the scale data set's tag and insert batch.

The demo register is written through the services as the asset manager would have
written it over the past fourteen months: `replaying(moment)` sets the clock the
services, the column defaults and the audit log read, so an asset's history shows when
each thing happened."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

from lpse_web import database
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar

Y = 365
HW, SW, LC, INF, SV, FC, PP = ("hardware", "software", "licence", "information", "service", "facility",
                               "people")
DELL, PCS, NETS = "PT Sinar Data Nusantara (e-Katalog)", "CV Flobamora Teknologi", "PT Kupang Solusi Jaringan"
POWER, SEC = "PT Surya Daya Listrik Kupang", "PT Solusi Keamanan Digital"
KOMINFO = "Diskominfo Provinsi NTT"
SCALE_TAG = "SKL"
BATCH = 5000


@contextmanager
def replaying(moment: datetime):
    """`database.replaying`, flushing what was added inside so that the rows take their
    defaults from `moment`."""
    with database.replaying(moment):
        yield
        db.session.flush()


def office_moment(today: date, days_ago: int, hour: int = 10) -> datetime:
    """`days_ago` days before `today`, moved back to a weekday, at `hour` o'clock in the
    office's zone (as UTC)."""
    day = today - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(hour), load_calendar().zone).astimezone(UTC)
