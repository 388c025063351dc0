"""The rule families evaluated for every asset, with the table of the rules file each reads."""

from __future__ import annotations

from collector.domain.rules.disk import disk_findings
from collector.domain.rules.findings import RuleFamily
from collector.domain.rules.software import software

# (name of the family's table in the rules file, the family)
FAMILIES: tuple[tuple[str, RuleFamily], ...] = (
    ("disk", disk_findings),
    ("software", software),
)
