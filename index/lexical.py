"""Moved to `index.backends.local.keyword`; this name is kept for older imports (the same module)."""

import sys

from index.backends.local import keyword as _module

sys.modules[__name__] = _module
