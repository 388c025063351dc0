"""One module per inventory section. A probe is ``Callable[[Host], section value]``.

Cross-platform probes live here; ``linux/``, ``windows/`` and ``darwin/`` hold what only one
platform has. :func:`agent.inventory.platform_probes` picks the set for a host.
"""
