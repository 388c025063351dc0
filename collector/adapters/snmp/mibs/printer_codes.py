"""Names for the enumerations of the Printer-MIB (RFC 3805, IANA-PRINTER-MIB) and of
HOST-RESOURCES-MIB's printer objects (RFC 2790), as the observation document spells them.

The tables keep the MIB's own camelCase labels, so they can be checked line by line against
the MIB text; ``code_name`` turns them into the document's snake_case ("markerTonerEmpty" ->
"marker_toner_empty"). A number the tables do not know (a newer IANA registration, a vendor
value) keeps its number: "code_1234", so nothing the device said is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# PrtMarkerSuppliesTypeTC (IANA-PRINTER-MIB)
SUPPLY_TYPES: Mapping[int, str] = {
    1: "other", 2: "unknown", 3: "toner", 4: "wasteToner", 5: "ink", 6: "inkCartridge",
    7: "inkRibbon", 8: "wasteInk", 9: "opc", 10: "developer", 11: "fuserOil", 12: "solidWax",
    13: "ribbonWax", 14: "wasteWax", 15: "fuser", 16: "coronaWire", 17: "fuserOilWick",
    18: "cleanerUnit", 19: "fuserCleaningPad", 20: "transferUnit", 21: "tonerCartridge",
    22: "fuserOiler", 23: "water", 24: "wasteWater", 25: "glueWaterAdditive", 26: "wastePaper",
    27: "bindingSupply", 28: "bandingSupply", 29: "stitchingWire", 30: "shrinkWrap",
    31: "paperWrap", 32: "staples", 33: "inserts", 34: "covers",
}  # fmt: skip

# PrtAlertSeverityLevelTC (RFC 3805)
ALERT_SEVERITIES: Mapping[int, str] = {
    1: "other", 3: "critical", 4: "warning", 5: "warningBinaryChangeEvent",
}  # fmt: skip

# PrtAlertGroupTC (IANA-PRINTER-MIB)
ALERT_GROUPS: Mapping[int, str] = {
    1: "other", 3: "hostResourcesMIBStorageTable", 4: "hostResourcesMIBDeviceTable",
    5: "generalPrinter", 6: "cover", 7: "localization", 8: "input", 9: "output", 10: "marker",
    11: "markerSupplies", 12: "markerColorant", 13: "mediaPath", 14: "channel",
    15: "interpreter", 16: "consoleDisplayBuffer", 17: "consoleLights", 18: "alert",
    30: "finDevice", 31: "finSupply", 32: "finSupplyMediaInput", 33: "finAttribute",
}  # fmt: skip

# PrtAlertCodeTC (IANA-PRINTER-MIB)
ALERT_CODES: Mapping[int, str] = {
    1: "other", 2: "unknown", 3: "coverOpen", 4: "coverClosed", 5: "interlockOpen",
    6: "interlockClosed", 7: "configurationChange", 8: "jam", 9: "subunitMissing",
    10: "subunitLifeAlmostOver", 11: "subunitLifeOver", 12: "subunitAlmostEmpty",
    13: "subunitEmpty", 14: "subunitAlmostFull", 15: "subunitFull", 16: "subunitNearLimit",
    17: "subunitAtLimit", 18: "subunitOpened", 19: "subunitClosed", 20: "subunitTurnedOn",
    21: "subunitTurnedOff", 22: "subunitOffline", 23: "subunitPowerSaver",
    24: "subunitWarmingUp", 25: "subunitAdded", 26: "subunitRemoved",
    27: "subunitResourceAdded", 28: "subunitResourceRemoved",
    29: "subunitRecoverableFailure", 30: "subunitUnrecoverableFailure",
    31: "subunitRecoverableStorageError", 32: "subunitUnrecoverableStorageError",
    33: "subunitMotorFailure", 34: "subunitMemoryExhausted", 35: "subunitUnderTemperature",
    36: "subunitOverTemperature", 37: "subunitTimingFailure", 38: "subunitThermistorFailure",
    501: "doorOpen", 502: "doorClosed", 503: "powerUp", 504: "powerDown",
    505: "printerNMSReset", 506: "printerManualReset", 507: "printerReadyToPrint",
    801: "inputMediaTrayMissing", 802: "inputMediaSizeChange", 803: "inputMediaWeightChange",
    804: "inputMediaTypeChange", 805: "inputMediaColorChange", 806: "inputMediaFormPartsChange",
    807: "inputMediaSupplyLow", 808: "inputMediaSupplyEmpty", 809: "inputMediaChangeRequest",
    810: "inputManualInputRequest", 811: "inputTrayPositionFailure",
    812: "inputTrayElevationFailure", 813: "inputCannotFeedSizeSelected",
    901: "outputMediaTrayMissing", 902: "outputMediaTrayAlmostFull", 903: "outputMediaTrayFull",
    904: "outputMailboxSelectFailure",
    1001: "markerFuserUnderTemperature", 1002: "markerFuserOverTemperature",
    1003: "markerFuserTimingFailure", 1004: "markerFuserThermistorFailure",
    1005: "markerAdjustingPrintQuality",
    1101: "markerTonerEmpty", 1102: "markerInkEmpty", 1103: "markerPrintRibbonEmpty",
    1104: "markerTonerAlmostEmpty", 1105: "markerInkAlmostEmpty",
    1106: "markerPrintRibbonAlmostEmpty", 1107: "markerWasteTonerReceptacleAlmostFull",
    1108: "markerWasteInkReceptacleAlmostFull", 1109: "markerWasteTonerReceptacleFull",
    1110: "markerWasteInkReceptacleFull", 1111: "markerOpcLifeAlmostOver",
    1112: "markerOpcLifeOver", 1113: "markerDeveloperAlmostEmpty",
    1114: "markerDeveloperEmpty", 1115: "markerTonerCartridgeMissing",
    1301: "mediaPathMediaTrayMissing", 1302: "mediaPathMediaTrayAlmostFull",
    1303: "mediaPathMediaTrayFull", 1304: "mediaPathCannotDuplexMediaSelected",
    1501: "interpreterMemoryIncrease", 1502: "interpreterMemoryDecrease",
    1503: "interpreterCartridgeAdded", 1504: "interpreterCartridgeDeleted",
    1505: "interpreterResourceAdded", 1506: "interpreterResourceDeleted",
    1507: "interpreterResourceUnavailable", 1509: "interpreterComplexPageEncountered",
    1801: "alertRemovalOfBinaryChangeEntry",
}  # fmt: skip

# hrPrinterStatus (RFC 2790)
PRINTER_STATUSES: Mapping[int, str] = {
    1: "other", 2: "unknown", 3: "idle", 4: "printing", 5: "warmup",
}  # fmt: skip

# hrPrinterDetectedErrorState bits (RFC 2790, bits 8-14 added by RFC 3805); bit 0 is the most
# significant bit of the first octet.
PRINTER_ERROR_BITS: tuple[str, ...] = (
    "lowPaper", "noPaper", "lowToner", "noToner", "doorOpen", "jammed", "offline",
    "serviceRequested", "inputTrayMissing", "outputTrayMissing", "markerSupplyMissing",
    "outputNearFull", "outputFull", "inputTrayEmpty", "overduePreventMaint",
)  # fmt: skip

_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(label: str) -> str:
    """A MIB label in the document's spelling: "printerNMSReset" -> "printer_nms_reset"."""
    return _WORD_START.sub("_", label).lower()


def code_name(number: int | None, labels: Mapping[int, str]) -> str | None:
    """The snake_case name of an enumerated value, "code_<n>" for numbers the MIB table lacks,
    None when the agent sent no number."""
    if number is None:
        return None
    label = labels.get(number)
    return snake_case(label) if label is not None else f"code_{number}"
