"""Room reservations: the bidding room, the training room, the verification room."""
