"""User-facing surfaces: the `newsqa` command line, the web chat, the widget and the HTTP API."""
