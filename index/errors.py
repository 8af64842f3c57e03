"""Errors a user can cause. Each carries one clear sentence; the CLI and HTTP layers print it."""


class NewsQAError(Exception):
    """Base class: `str(error)` is a complete sentence fit to show a user."""


class UnreadableFileError(NewsQAError):
    """A corpus file is binary, undecodable, empty or not readable."""


class IndexMissingError(NewsQAError):
    """No index exists where one was expected."""


class IndexIncompatibleError(NewsQAError):
    """The index on disk was built with another model or a newer format, or is corrupted."""


class ModelUnavailableError(NewsQAError):
    """The embedding model could not be built or loaded."""


class IndexWriteError(NewsQAError):
    """A build could not be written (disk full, permissions); the previous index still serves."""


class BackendUnavailableError(NewsQAError):
    """The index's backend cannot be reached just now (down, refused, timed out): worth retrying
    after `retry_after` seconds; a server answers 503 meanwhile and recovers on its own."""

    retry_after = 10
