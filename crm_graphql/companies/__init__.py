"""Companies domain."""
