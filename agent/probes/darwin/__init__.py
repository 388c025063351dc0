"""Probes for darwin hosts."""
