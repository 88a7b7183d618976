"""End-to-end tests of the clinician page in a headless browser."""
