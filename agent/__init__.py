"""asetik endpoint agent: collects one observation document per run (psutil + stdlib only)."""

__version__ = "0.1.0"
