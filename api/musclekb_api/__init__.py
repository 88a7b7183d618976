"""musclekb HTTP API."""
