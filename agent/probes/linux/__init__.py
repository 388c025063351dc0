"""Probes for linux hosts."""
