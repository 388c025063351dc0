"""Fakes of our own services (not of third-party libraries) for tests."""
