"""asetik collector: asset register, ingest, pollers, tickets, plans and reports (see DESIGN.md)."""
