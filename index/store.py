"""Moved to `index.backends.local.store`; this name is kept for older imports (the same module)."""

import sys

from index.backends.local import store as _module

sys.modules[__name__] = _module
