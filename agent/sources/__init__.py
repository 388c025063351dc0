"""Where probes read from: a root directory, commands, the registry and live system stats.

Every probe takes a :class:`~agent.sources.host.Host`, so the same probe runs on this machine
and on a recorded tree or recorded command output in tests.
"""
