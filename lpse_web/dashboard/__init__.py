"""The dashboard: the home page of staff and managers, one lazily loaded panel per thing
to watch (today's counter, rooms, the survey period, the registers' alerts,
announcements), each shown only to the roles it concerns."""
