"""The family of errors a user can cause; each message is a finished sentence."""

from __future__ import annotations


class QuizError(Exception):
    """An error caused by input or environment, not by a bug: shown without a traceback."""

    exit_code = 1


class InvalidGradeError(QuizError, ValueError):
    """A grade that is not an integer from 0 to 5."""


class StoreError(QuizError):
    """The database cannot be opened, read or written."""


class DatabaseNotFoundError(StoreError):
    """A command that only reads was pointed at a database that does not exist."""


class DatabaseLockedError(StoreError):
    """Another process held the database longer than the busy timeout."""


class NotATerminalError(QuizError):
    """An interactive command was run without a terminal."""


class FsrsUnavailableError(QuizError):
    """The FSRS functions were called but the optional ``fsrs`` extra is not installed."""


class InvalidRetentionError(QuizError, ValueError):
    """A desired retention outside 0.70-0.99."""


class InvalidFsrsParametersError(QuizError, ValueError):
    """FSRS parameters that are not 21 numbers within py-fsrs's bounds."""


class InvalidSettingError(QuizError, ValueError):
    """A `quiz config` name or value that is not one of the collection's settings."""


class FsrsReplayError(QuizError):
    """A card's log that FSRS cannot replay (a review so late that no later day exists).

    ``subject`` is the key the caller gave the card's history (the store names the card by it).
    """

    def __init__(self, message: str, subject: object = None) -> None:
        super().__init__(message)
        self.subject = subject
