"""Stand-ins for the optional libraries of Synapse's SSO resources, so those resources can be built and listed.

Synapse's SAML2 and OIDC resources import libraries (pysaml2, authlib) that Debian's matrix-synapse only
recommends and that the sid root does not install. The resources, and so the doors, are in Synapse's code whether or
not the library is: a MagicMock module lets their constructors run. Import this module before anything from Synapse.
"""

import importlib.abc
import importlib.machinery
import sys
import types
from unittest.mock import MagicMock

OPTIONAL_LIBRARIES = ("saml2", "authlib")


class OptionalLibraryStandIn(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers imports of the optional libraries (and their submodules) with MagicMock modules."""

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[override]
        if fullname.split(".")[0] in OPTIONAL_LIBRARIES:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):  # type: ignore[override]
        module = MagicMock(name=spec.name)
        module.__path__ = []
        module.__spec__ = spec
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


# Last on the import path: an installed library is always found first, so only missing ones are stood in for.
if not any(isinstance(finder, OptionalLibraryStandIn) for finder in sys.meta_path):
    sys.meta_path.append(OptionalLibraryStandIn())
