"""From request body to a validated observation document."""
