"""One place decides whether a URL answers with its full page or only a block
(CONVENTIONS.md "Requests and htmx", rule 1)."""

from flask import make_response, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """An htmx request for a part of the page: not boosted, not a history restore."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, block: str | None = None, status: int = 200, trigger: str | None = None,
           **context):
    """Render `template`, or only its `block` for an htmx request.

    `trigger` names an HX-Trigger event (e.g. "bookingChanged") for other panels."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    if trigger:
        response.headers["HX-Trigger"] = trigger
    return response


def htmx_redirects(response):
    """after_request: a redirect answering an htmx request becomes HX-Redirect.

    The browser would follow a 302 inside the XHR and htmx would swap the next page
    into the form; HX-Redirect makes htmx load it as a whole page instead."""
    if getattr(request, "htmx", None) and response.status_code in (301, 302, 303, 307, 308):
        location = response.headers["Location"]
        response.status_code = 204
        response.headers["HX-Redirect"] = location
        del response.headers["Location"]
        response.set_data(b"")
    return response
