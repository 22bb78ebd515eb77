"""The demo: the three emulators with a seeded company, configured and run end to end."""
