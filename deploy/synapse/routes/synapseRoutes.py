#!/usr/bin/env python3
"""Synapse's real route tables, read from the installed Synapse without running a homeserver.

The policy gateway forwards only the routes in its own table, each naming the servlet it expects Synapse to route
the request to. This is the ground truth for that table: Synapse's resources built by Synapse's own code
(register_servlets, _configure_named_resource, create_resource_tree) around a MagicMock homeserver
(mockHomeserver.py), and requests decided by twisted's traversal and Synapse's _get_handler_for_request
(routeDecision.py).

Run with the sid root's python3, under chroot:
  synapseRoutes.py list    JSON array of every route in Synapse's match order:
                           {resource, pattern, methods, servlet, samples, reachable, replaces?}
  synapseRoutes.py route   JSON lines {"method", "path", "listener"?} on stdin ("client" or "federation"; without
                           it, every listener of Bleep's template); one JSON line out per request:
                           {method, path, servlet, status, resource, pattern}
"""

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

import optionalLibraries  # noqa: F401  (before Synapse: SSO resources import optional libraries)

from twisted.web.resource import Resource

from synapse.http.server import JsonResource, UnrecognizedRequestResource, _AsyncResource

from mockHomeserver import LISTENERS, Homeserver, RecordingJsonResource, resource_kind
from routeDecision import Listener
from routeSamples import SampleError, samples_for


def json_routes(kind: str, resource: RecordingJsonResource) -> Iterator[dict[str, Any]]:
    """One entry per (pattern, servlet) in match order: one pattern can send different methods to different
    servlets (the admin media routes do)."""
    registered: dict[tuple[re.Pattern[str], str], list[str]] = {}
    for pattern, method, servlet in resource.registrations:
        registered.setdefault((pattern, method), []).append(servlet)
    for pattern, methods in resource._routes.items():
        by_servlet: dict[str, list[str]] = {}
        for method, entry in methods.items():
            by_servlet.setdefault(entry.servlet_classname, []).append(method.decode("ascii"))
        samples = samples_for(pattern)
        for servlet, servlet_methods in by_servlet.items():
            route: dict[str, Any] = {
                "resource": kind,
                "pattern": pattern.pattern,
                "methods": servlet_methods,
                "servlet": servlet,
                "samples": samples,
            }
            # Earlier registrations of this pattern and method, silently overwritten by this servlet.
            replaced = [
                earlier
                for method in servlet_methods
                for earlier in registered[(pattern, method)][:-1]
                if earlier != servlet
            ]
            if replaced:
                route["replaces"] = list(dict.fromkeys(replaced))
            yield route


def resource_methods(resource: Resource) -> list[str]:
    """The methods a twisted resource answers (HEAD is answered as GET, so it is not listed)."""
    prefix = "_async_render_" if isinstance(resource, _AsyncResource) else "render_"
    return [method for method in ("GET", "PUT", "POST", "DELETE", "PATCH") if hasattr(resource, prefix + method)]


def tree_routes(kind: str, path: str, resource: Resource) -> Iterator[dict[str, Any]]:
    """Plain twisted resources (no regex table): one entry per resource in the tree under a mount point. Twisted
    matches these segment by segment after unquoting each one, so the pattern describes the unquoted path."""
    if isinstance(resource, UnrecognizedRequestResource):
        return
    methods = resource_methods(resource)
    # A leaf answers every path below it; so does a resource that makes children on demand (StaticResource, a
    # twisted File, serves the files of a folder).
    answers_below = resource.isLeaf or type(resource).getChild is not Resource.getChild
    if methods:
        yield {
            "resource": kind,
            "pattern": "^" + re.escape(path) + ("(/.*)?$" if answers_below else "$"),
            "methods": methods,
            "servlet": type(resource).__name__,
            "samples": [path],
        }
    if not resource.isLeaf:
        for name, child in resource.children.items():
            yield from tree_routes(kind, f"{path}/{name.decode('utf-8')}", child)


def reachable(route: dict[str, Any], every_listener: Listener) -> bool:
    """Whether a request can reach the route at all: some sample must be routed to it (same resource, pattern,
    servlet). Routes registered on a resource twisted never hands their paths to are not."""
    for sample in route["samples"]:
        decision = every_listener.decide(route["methods"][0], sample)
        if decision["resource"] == route["resource"] and decision["servlet"] == route["servlet"]:
            if decision["pattern"] in (None, route["pattern"]):
                return True
    return False


def list_routes(server: Homeserver) -> list[dict[str, Any]]:
    routes: list[dict[str, Any]] = []
    listed: set[int] = set()
    for mount, resource in server.all_mounts().items():
        if id(resource) in listed:
            continue  # the media repository is one resource at three mounts
        listed.add(id(resource))
        kind = resource_kind(mount)
        if isinstance(resource, RecordingJsonResource):
            routes.extend(json_routes(kind, resource))
        elif isinstance(resource, JsonResource):
            raise SystemExit(f"synapseRoutes: {mount} holds a {type(resource).__name__} that was not recorded")
        else:
            routes.extend(tree_routes(kind, mount, resource))
    every_listener = Listener(server, None)
    for route in routes:
        route["reachable"] = reachable(route, every_listener)
    return routes


def route_requests(server: Homeserver, lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    listeners: dict[str | None, Listener] = {}
    for line in lines:
        if not line.strip():
            continue
        request = json.loads(line)
        listener = request.get("listener")
        if listener is not None and listener not in LISTENERS:
            raise SystemExit(f"synapseRoutes: unknown listener {listener!r}; known: {', '.join(LISTENERS)}")
        if listener not in listeners:
            listeners[listener] = Listener(server, listener)
        yield listeners[listener].decide(request["method"], request["path"])


def main(argv: list[str]) -> None:
    if len(argv) != 2 or argv[1] not in ("list", "route"):
        raise SystemExit("usage: synapseRoutes.py list | route  (route reads JSON lines on stdin)")
    server = Homeserver()
    if argv[1] == "list":
        try:
            routes = list_routes(server)
        except SampleError as error:
            raise SystemExit(f"synapseRoutes: {error}") from error
        json.dump(routes, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    for decision in route_requests(server, iter(sys.stdin)):
        sys.stdout.write(json.dumps(decision) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv)
