"""Which servlet Synapse hands a request to: twisted's own resource traversal, then Synapse's own
JsonResource._get_handler_for_request on the resource it reaches. Nothing is rendered; no handler runs."""

import urllib.parse
from typing import Any

from twisted.web.http import _parseRequestLine
from twisted.web.resource import Resource, getChildForRequest
from twisted.web.server import supportedMethods

from synapse.api.errors import UnrecognizedRequestError
from synapse.http.server import JsonResource, UnrecognizedRequestResource, _AsyncResource

from mockHomeserver import Homeserver, kind_of_path, resource_kind


class TraversalRequest:
    """The parts of twisted's Request that resource traversal and _get_handler_for_request read."""

    def __init__(self, method: bytes, uri: bytes):
        self.method = method
        # twisted.web.http.Request.requestReceived: the query string is not part of the path.
        self.path = uri.split(b"?", 1)[0]
        # twisted.web.server.Request.process: segments are unquoted for traversal (the regexes see the raw path).
        self.prepath: list[bytes] = []
        self.postpath = [urllib.parse.unquote_to_bytes(segment) for segment in self.path[1:].split(b"/")]


def decide(leaf: Resource, request: TraversalRequest) -> tuple[str | None, int, str | None]:
    """(servlet, status, pattern) for a request that reached `leaf`. Status 200 means a handler was found (it may
    still answer 204 to OPTIONS, or redirect); 404 and 405 are Synapse's M_UNRECOGNIZED; 501 is twisted refusing a
    method other than GET/HEAD/POST on a plain twisted resource. (A path reaching here is printable ASCII: twisted
    answers 400 to anything else, see Listener.decide.)"""
    method = request.method.decode("ascii")
    if isinstance(leaf, JsonResource):
        try:
            _, servlet, _ = leaf._get_handler_for_request(request)
        except UnrecognizedRequestError as error:
            return None, error.code, matched_pattern(leaf, request)
        return servlet, 200, matched_pattern(leaf, request)
    if isinstance(leaf, UnrecognizedRequestResource):
        return None, 404, None
    # HEAD is answered as GET, by Synapse's _AsyncResource and by twisted alike.
    render_method = "GET" if method == "HEAD" else method
    if isinstance(leaf, _AsyncResource):
        handled = hasattr(leaf, f"_async_render_{render_method}")
        return (type(leaf).__name__, 200, None) if handled else (None, 405, None)
    if type(leaf).render is not Resource.render:
        # twisted's NoResource renders its 404 page for every method; any other custom render takes every method.
        if getattr(leaf, "code", None) == 404:
            return None, 404, None
        return type(leaf).__name__, 200, None
    if hasattr(leaf, f"render_{render_method}"):
        return type(leaf).__name__, 200, None
    return None, 405 if request.method in supportedMethods else 501, None


def matched_pattern(resource: JsonResource, request: TraversalRequest) -> str | None:
    """The pattern _get_handler_for_request stopped at (it does not say): the first one in the table that matches."""
    path = request.path.decode("ascii")
    return next((pattern.pattern for pattern in resource._routes if pattern.match(path)), None)


class Listener:
    """One listener's resource tree (or every listener's), and the resource kind of each resource in it."""

    def __init__(self, server: Homeserver, listener: str | None):
        self.root = server.root(listener)
        self.kinds: dict[int, str] = {}
        for mount, resource in server.all_mounts().items():
            self._remember(resource_kind(mount), resource)

    def _remember(self, kind: str, resource: Resource) -> None:
        self.kinds[id(resource)] = kind
        if not isinstance(resource, JsonResource):
            for child in resource.children.values():
                self._remember(kind, child)

    def decide(self, method: str, path: str) -> dict[str, Any]:
        decision: dict[str, Any] = {"method": method, "path": path}
        method_bytes, uri = method.encode("utf-8"), path.encode("utf-8")
        try:
            # twisted's own request-line check: a request it refuses never reaches a resource.
            _parseRequestLine(method_bytes + b" " + uri + b" HTTP/1.1")
        except ValueError:
            return {**decision, "servlet": None, "status": 400, "resource": None, "pattern": None}
        request = TraversalRequest(method_bytes, uri)
        leaf = getChildForRequest(self.root, request)
        servlet, status, pattern = decide(leaf, request)
        kind = self.kinds.get(id(leaf))
        if kind is None and status == 200 and leaf is not self.root:
            # A child made on demand (a static file): the kind of the path twisted walked to reach it.
            kind = kind_of_path(b"/".join([b""] + request.prepath).decode("utf-8", "replace"))
        return {
            **decision,
            "servlet": servlet,
            "status": status,
            "resource": kind,
            "pattern": pattern,
        }
