"""Maintenance rules (SOP step 1): pure functions over an asset's snapshot that return findings.

Every rule family is a function ``(snapshot, thresholds) -> Iterable[Finding]`` listed in
``catalogue.FAMILIES``; the thresholds of all families live in one rules file (``defaults.toml``
beside this module, overridden by ``DATA_DIR/rules.toml``). The ticket service turns findings
into tickets; nothing here reads a database or a clock.
"""
