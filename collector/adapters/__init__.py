"""Adapters: the database, SNMP/SSH pollers and metrics, each behind the services."""
