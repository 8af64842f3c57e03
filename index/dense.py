"""Moved to `index.backends.local.dense`; this name is kept for older imports (the same module)."""

import sys

from index.backends.local import dense as _module

sys.modules[__name__] = _module
