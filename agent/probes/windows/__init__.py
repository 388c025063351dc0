"""Probes for windows hosts."""
