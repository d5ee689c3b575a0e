"""quizcards: a spaced-repetition flashcard CLI for technical interviews."""

__version__ = "0.1.0"
