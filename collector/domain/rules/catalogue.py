"""The rule families evaluated for every asset, with the table of the rules file each reads."""

from __future__ import annotations

from collector.domain.rules.disk import disk_findings
from collector.domain.rules.findings import RuleFamily
from collector.domain.rules.identity import evaluate_identity
from collector.domain.rules.power import evaluate_power
from collector.domain.rules.presence import evaluate_presence
from collector.domain.rules.printers import evaluate_printers
from collector.domain.rules.software import software
from collector.domain.rules.volumes import evaluate_volumes

# (name of the family's table in the rules file, the family)
FAMILIES: tuple[tuple[str, RuleFamily], ...] = (
    ("disk", disk_findings),
    ("software", software),
    ("volumes", evaluate_volumes),
    ("printers", evaluate_printers),
    ("power", evaluate_power),
    ("presence", evaluate_presence),
    ("identity", evaluate_identity),
)
