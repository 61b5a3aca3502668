"""The service counter (loket): vendors book slots, staff run the day's queue."""
