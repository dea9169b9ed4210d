"""Synapse's resources, built by Synapse's own code around a MagicMock homeserver and mounted per listener.

A MagicMock homeserver makes every config flag truthy, so experimental and optional servlets are registered: an
over-approximation of the doors, which is what a default-deny table is checked against. A few flags are set to
Bleep's real values because a truthy value would REMOVE doors rather than add them (see make_homeserver).
"""

import re
import sys
import traceback
from collections.abc import Callable
from typing import Any
from unittest.mock import MagicMock, patch

import optionalLibraries  # noqa: F401  (before Synapse: SSO resources import optional libraries)

from twisted.web.resource import Resource

import synapse.app.homeserver as homeserver_module
from synapse.api.urls import STATIC_PREFIX
from synapse.app.homeserver import SynapseHomeServer
from synapse.federation.transport import server as federation_server
from synapse.http.server import JsonResource, OptionsResource, RootOptionsRedirectResource
from synapse.rest import SERVLET_GROUPS as CLIENT_SERVLET_GROUPS
from synapse.rest import admin
from synapse.rest.health import HealthResource
from synapse.rest.key.v2 import KeyResource
from synapse.util.httpresourcetree import create_resource_tree

# The listeners of Bleep's homeserver template (deploy/synapse/homeserver.yaml): one "client", one "federation".
LISTENERS = ("client", "federation")

# Which resource a mount point belongs to. Names are the "resource" field of the output.
RESOURCE_KINDS = (
    ("/_matrix/client", "client"),
    ("/_matrix/media", "media"),
    ("/_matrix/federation", "federation"),
    ("/_matrix/key", "key"),
    ("/_matrix/static", "static"),
    ("/_matrix/saml2", "synapse-client"),  # SAML2's old mount, kept by Synapse for backwards compatibility
    ("/_synapse/client", "synapse-client"),
    ("/_synapse/admin", "admin"),
    ("/_synapse/mas", "synapse-mas"),
    ("/.well-known", "well-known"),
    ("/health", "health"),
)


def kind_of_path(path: str) -> str | None:
    for prefix, kind in RESOURCE_KINDS:
        if path == prefix or path.startswith(prefix + "/"):
            return kind
    return None


def resource_kind(mount: str) -> str:
    kind = kind_of_path(mount)
    if kind is None:
        raise SystemExit(f"synapseRoutes: Synapse mounts {mount}, unknown to this script: add it to RESOURCE_KINDS")
    return kind


def make_homeserver() -> MagicMock:
    """A homeserver whose every config flag is truthy, except where truthy means fewer doors than Bleep has."""
    hs = MagicMock(name="hs")
    # A single main process, as Bleep runs Synapse: workers skip pusher, logout, auth, ... servlets.
    hs.config.worker.worker_app = None
    # Bleep signs in with Synapse's own password login. With delegated auth (MAS / MSC3861) on, Synapse drops
    # login, register, password and device-deletion servlets: a truthy mock would hide the doors Bleep has.
    hs.config.mas.enabled = False
    hs.config.experimental.msc3861.enabled = False
    # Bleep sets no web client; a truthy value only changes which class answers "/".
    hs.config.server.web_client_location = None
    return hs


def guarded(label: str, register: Callable[..., None]) -> Callable[..., None]:
    """Runs one registration step; a failure (a constructor the mock cannot satisfy) is reported, not fatal."""

    def run(*args: Any, **kwargs: Any) -> None:
        try:
            register(*args, **kwargs)
        except Exception:
            print(f"synapseRoutes: registering {label} failed; its routes are missing:", file=sys.stderr)
            traceback.print_exc()

    return run


class RecordingJsonResource(JsonResource):
    """Synapse's JsonResource (so routes are stored and matched exactly as Synapse does), which also remembers
    every registration: a later servlet registering the same pattern and method silently replaces the earlier."""

    def __init__(self, hs: MagicMock, canonical_json: bool = False):
        super().__init__(hs, canonical_json=canonical_json)
        self.registrations: list[tuple[re.Pattern[str], str, str]] = []

    def register_paths(self, method, path_patterns, callback, servlet_classname):  # type: ignore[override]
        path_patterns = list(path_patterns)
        for pattern in path_patterns:
            self.registrations.append((pattern, method, servlet_classname))
        super().register_paths(method, path_patterns, callback, servlet_classname)


def client_resource(hs: MagicMock) -> RecordingJsonResource:
    """ClientRestResource's servlets, one module at a time (its constructor would stop at the first failure)."""
    from synapse.rest.client import media

    resource = RecordingJsonResource(hs)
    groups = dict(CLIENT_SERVLET_GROUPS)
    # ClientRestResource adds the authenticated media servlets (/_matrix/client/v1/media) when the homeserver
    # loads the media repository, as a truthy mock does.
    groups.setdefault("media", (media.register_servlets,))
    for functions in groups.values():
        for register_servlets in functions:
            label = f"{register_servlets.__module__}.{register_servlets.__name__}"
            guarded(label, register_servlets)(hs, resource)
    return resource


def media_resource(hs: MagicMock) -> RecordingJsonResource:
    """MediaRepositoryResource's servlets (/_matrix/media/{r0,v3,v1}: one resource at three mounts)."""
    from synapse.rest.media.media_repository_resource import MediaRepositoryResource

    resource = RecordingJsonResource(hs)
    guarded("MediaRepositoryResource", MediaRepositoryResource.register_servlets)(resource, hs)
    return resource


def federation_resource(hs: MagicMock) -> RecordingJsonResource:
    """TransportLayerServer's servlets, one servlet group at a time."""
    resource = RecordingJsonResource(hs)
    for group in federation_server.SERVLET_GROUPS:
        guarded(f"federation servlet group {group}", federation_server.register_servlets)(
            hs,
            resource=resource,
            authenticator=MagicMock(name="authenticator"),
            ratelimiter=MagicMock(name="ratelimiter"),
            servlet_groups=[group],
        )
    return resource


def key_resource(hs: MagicMock) -> RecordingJsonResource:
    resource = RecordingJsonResource(hs)
    guarded("KeyResource", KeyResource.register_servlets)(resource, hs)
    return resource


class Homeserver:
    """The resources of one homeserver, mounted per listener by Synapse's own _configure_named_resource."""

    def __init__(self) -> None:
        self.hs = make_homeserver()
        self.client = client_resource(self.hs)
        self.media = media_resource(self.hs)
        self.federation = federation_resource(self.hs)
        self.key = key_resource(self.hs)
        self.hs.get_media_repository_resource.return_value = self.media
        self.mounts = {name: self._listener_mounts(name) for name in LISTENERS}

    def _listener_mounts(self, name: str) -> dict[str, Resource]:
        # _listener_http always mounts /health first, then each named resource.
        mounts: dict[str, Resource] = {"/health": HealthResource()}
        # Synapse's own mount table, with the recording resources in place of the ones it would construct.
        with (
            patch.object(homeserver_module, "ClientRestResource", lambda hs: self.client),
            patch.object(homeserver_module, "TransportLayerServer", lambda hs, servlet_groups=None: self.federation),
            patch.object(homeserver_module, "KeyResource", lambda hs: self.key),
            # The admin API's JsonResource is made by _configure_named_resource itself.
            patch.object(homeserver_module, "JsonResource", RecordingJsonResource),
            patch.object(admin, "register_servlets", guarded("admin servlets", admin.register_servlets)),
        ):
            mounts.update(SynapseHomeServer._configure_named_resource(self.hs, name, compress=False))
        return mounts

    def all_mounts(self) -> dict[str, Resource]:
        """Every listener's mounts, in Synapse's order (client listener first)."""
        mounts: dict[str, Resource] = {}
        for name in LISTENERS:
            for path, resource in self.mounts[name].items():
                mounts.setdefault(path, resource)
        return mounts

    def root(self, listener: str | None) -> Resource:
        """The twisted resource tree of one listener, or of every listener (None), as _listener_http builds it."""
        mounts = self.all_mounts() if listener is None else self.mounts[listener]
        root = RootOptionsRedirectResource(STATIC_PREFIX) if STATIC_PREFIX in mounts else OptionsResource()
        return create_resource_tree(dict(mounts), root)
