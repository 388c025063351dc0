"""A site with assets, approved tickets and users for the plan and work-order tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from collector.adapters.db.models import AssetRow
from collector.bootstrap import Services
from collector.services.users import Role, Viewer
from tests.collector.tickets.fleet import (
    add_asset,
    add_site,
    set_findings,
    ticket_service,
    tickets_of,
)

PLANNER = Viewer(user_id=0, name="budi", role=Role.PLANNER, site_id=None)
OPERATOR = Viewer(user_id=0, name="rina", role=Role.OPERATOR, site_id=None)


@dataclass(frozen=True)
class Fleet:
    pc: int
    printer: int
    ups: int
    other_site_pc: int
    tickets: list[int]  # approved tickets of the pc (disk) and the printer (toner)
    other_ticket: int  # an approved ticket at the other site


def approved_fleet(services: Services) -> Fleet:
    """BBPOM-SBY with a workstation, a printer and a UPS; BBPOM-MDN with a workstation; an
    approved ticket on each workstation and on the printer."""
    sby, mdn = add_site(services, "BBPOM-SBY"), add_site(services, "BBPOM-MDN")
    pc = add_asset(services, sby, "pc-01")
    printer = add_asset(services, sby, "prn-01", kind="printer")
    ups = add_asset(services, sby, "ups-01", kind="ups")
    far = add_asset(services, mdn, "pc-mdn")
    with services.sessions.begin() as session:
        session.execute(update(AssetRow).where(AssetRow.id == pc)
                        .values(kode_barang="3100102002", nup="000012"))  # fmt: skip
    for asset, rule in ((pc, "disk.reallocated"), (printer, "printer.toner"), (far, "disk.x")):
        set_findings(services, asset, [(rule, "S1", 3)])
    tickets = ticket_service(services)
    tickets.evaluate([pc, printer, far])
    ids = [tickets_of(services, a)[0]["id"] for a in (pc, printer, far)]
    for action in ("review", "approve"):
        tickets.act(OPERATOR, {"ids": ids, "action": action, "comment": "cek"})
    return Fleet(pc, printer, ups, far, ids[:2], ids[2])
