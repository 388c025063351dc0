"""SMBIOS chassis types (DSP0134 7.4.1) in the words every platform's probe reports.

Linux reads the number from /sys/class/dmi/id/chassis_type, Windows from
Win32_SystemEnclosure.ChassisTypes; both map it here so the register sees one vocabulary.
"""

from __future__ import annotations

CHASSIS_TYPES = {
    3: "desktop", 4: "desktop", 5: "desktop", 6: "desktop", 7: "tower", 8: "portable",
    9: "laptop", 10: "notebook", 11: "handheld", 13: "all-in-one", 14: "notebook",
    15: "desktop", 16: "desktop", 17: "server", 23: "server", 24: "desktop", 28: "server",
    30: "tablet", 31: "convertible", 32: "detachable", 35: "mini-pc", 36: "stick-pc",
}  # fmt: skip
