"""Outgoing e-mail through an outbox table: a request only queues a message, in the
same transaction as the change it reports; `flask send-mail` delivers it. Without SMTP
settings nothing is queued and nothing fails."""
