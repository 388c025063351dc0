"""SNMP adapter: reading devices with pysnmp and turning MIB tables into observation documents."""
