"""The parts of the key-point matcher: text into tokens, and when two words are the same word."""
