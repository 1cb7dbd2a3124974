"""Model files as the studio sees them: what a file holds and which model family it belongs to."""
