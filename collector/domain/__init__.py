"""The pure domain: register model, identity rules, change history; no framework imports."""
