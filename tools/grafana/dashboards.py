"""The four dashboards Pusdatin watches. Titles are Indonesian (the readers'); each panel's
description says in both languages what it answers. Register gauges come from one collector
replica, so queries over them sum by site or kind and never by instance. Per-site families
carry one small extra label at most; rule and status breakdowns are national
(asetik_tickets_open_by_rule), the per-site detail comes from the PostgreSQL views."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard
from grafana_foundation_sdk.models.dashboard import Dashboard, VariableRefresh, VariableSort

from tools.grafana.panels import PROMETHEUS, bars, rows_of, stat_panel, trend

CRITICAL_NEW = 'severity="critical", status="new"'
UNREVIEWED_AGE = "time() - asetik_tickets_critical_unreviewed_oldest_timestamp_seconds"


def _base(uid: str, title: str, description: str) -> dashboard.Dashboard:
    return (
        dashboard.Dashboard(title).uid(uid).description(description).tags(["asetik"])
        .timezone("browser").time("now-7d", "now").refresh("5m").readonly()
    )  # fmt: skip


def overview() -> Dashboard:
    """All sites at once: how big the register is, what is stale, failing or waiting."""
    return (
        _base("asetik-overview", "asetik: ringkasan semua situs",
              "Register aset TIK dan pemeliharaan di seluruh situs (all sites).")
        .with_row(dashboard.Row("Register"))
        .with_panel(stat_panel("Aset aktif", "sum(asetik_assets)",
                               "Aset aktif di register (active assets, all sites)."))
        .with_panel(stat_panel("Aset tidak terlihat", "sum(asetik_assets_stale)",
                               "Aset aktif yang lewat batas hari tanpa laporan "
                               "(stale: agents 7 days, devices 2 days by default)."))
        .with_panel(stat_panel("Disk gagal", 'sum(asetik_disks{health="failed"})',
                               "Disk dengan status SMART gagal (SMART failed disks)."))
        .with_panel(stat_panel("Tiket terbuka", "sum(asetik_tickets_open)",
                               "Tiket pemeliharaan yang belum ditutup (open tickets)."))
        .with_panel(stat_panel("Tiket kritis belum ditinjau",
                               f"sum(asetik_tickets_open_by_rule{{{CRITICAL_NEW}}})",
                               "Tiket kritis berstatus Baru (critical tickets nobody reviewed)."))
        .with_panel(stat_panel("Situs tersunyi",
                               "max(time() - asetik_site_last_seen_timestamp_seconds)",
                               "Lama sejak situs paling sunyi mengirim apa pun "
                               "(longest a site has been silent).", unit="s"))
        .with_panel(bars("Aset aktif per situs", "sum by (site) (asetik_assets)",
                         "{{site}}", "Jumlah aset aktif tiap situs (active assets per site)."))
        .with_panel(bars("Situs sunyi", "max by (site) (time() - "
                         "asetik_site_last_seen_timestamp_seconds)", "{{site}}",
                         "Sejak kapan tiap situs tidak mengirim inventaris; lebih dari 24 jam "
                         "memicu AsetikSiteSilent (time since each site's newest report).",
                         unit="s"))
        .with_panel(trend("Tiket terbuka per tingkat", "sum by (severity) (asetik_tickets_open)",
                          "{{severity}}", "Tiket terbuka menurut tingkat keparahan "
                          "(open tickets by severity, over time)."))
        .with_panel(bars("Tiket terbuka per situs", "sum by (site) (asetik_tickets_open)",
                         "{{site}}", "Beban pemeliharaan tiap situs (open tickets per site)."))
        .with_row(dashboard.Row("Kebutuhan dan pekerjaan per situs"))
        .with_panel(bars("Printer kekurangan bahan", "sum by (site) (asetik_printers_supply_low)",
                         "{{site}}", "Printer dengan toner atau bahan lain di bawah batas, dari "
                         "tiket terbuka (printers low on supplies, per site).", width=8))
        .with_panel(bars("Aset menunggu pembaruan",
                         "sum by (site) (asetik_assets_updates_pending)", "{{site}}",
                         "Aset dengan pembaruan atau pembaruan keamanan tertunda "
                         "(assets with pending updates, per site).", width=8))
        .with_panel(bars("Aset habis masa dukungan", "sum by (site) (asetik_assets_end_of_life)",
                         "{{site}}", "OS, produk atau firmware yang tidak didukung lagi "
                         "(assets past end of life, per site).", width=8))
        .with_panel(bars("Perintah kerja terlambat", "sum by (site) (asetik_work_orders_overdue)",
                         "{{site}}", "Perintah kerja terbuka yang lewat jatuh tempo "
                         "(overdue work orders, per site)."))
        .with_panel(bars("Tenggat SOP berisiko", "sum by (site) (asetik_sop_deadlines_at_risk)",
                         "{{site}}", "Langkah SOP tertunda dengan sisa ≤ 2 hari kerja atau "
                         "terlambat (SOP deadlines at risk, per site)."))
        .with_row(dashboard.Row("Aset yang perlu dilihat"))
        .with_panel(rows_of("Aset tidak terlihat",
                            "SELECT site, asset, kind, source, last_seen, days_unseen "
                            "FROM grafana_stale_assets ORDER BY days_unseen DESC LIMIT 200",
                            "Agen dan perangkat yang lama tidak melapor, yang terlama di atas "
                            "(stale agents and devices, longest first).", width=12))
        .with_panel(rows_of("Disk gagal atau bermasalah",
                            "SELECT site, asset, disk, model, serial, health, temperature_c, "
                            "critical_tickets FROM grafana_failing_disks "
                            "ORDER BY critical_tickets DESC, site, asset LIMIT 200",
                            "Disk dengan SMART gagal atau tiket disk terbuka, dengan suhu "
                            "terakhir (failing disks, latest temperature).", width=12))
        .with_panel(rows_of("Printer hampir kehabisan toner",
                            "SELECT site, asset, model, supply, level_percent, severity, "
                            "days_open FROM grafana_printer_supplies_low "
                            "ORDER BY level_percent, site LIMIT 200",
                            "Bahan habis pakai di bawah batas, dari tiket printer.supply_low "
                            "(printers low on toner or other supplies)."))
        .build()
    )  # fmt: skip


def site() -> Dashboard:
    """One site, chosen in the ``site`` variable: its assets, disks, tickets and the rows behind."""
    where = 'site="$site"'
    return (
        _base("asetik-site", "asetik: per situs",
              "Satu situs (Unit Kerja / UPT): aset, disk, tiket (one site).")
        .with_variable(dashboard.QueryVariable("site").label("Situs").datasource(PROMETHEUS)
                       .query("label_values(asetik_assets, site)")
                       .refresh(VariableRefresh.ON_DASHBOARD_LOAD)
                       .sort(VariableSort.ALPHABETICAL_ASC))
        .with_row(dashboard.Row("Situs $site"))
        .with_panel(stat_panel("Aset aktif", f"sum(asetik_assets{{{where}}})",
                               "Aset aktif situs ini (active assets)."))
        .with_panel(stat_panel("Aset tidak terlihat", f"sum(asetik_assets_stale{{{where}}})",
                               "Aset aktif yang lewat batas hari tanpa laporan (stale)."))
        .with_panel(stat_panel("Disk gagal", f'sum(asetik_disks{{{where}, health="failed"}})',
                               "Disk dengan status SMART gagal (SMART failed disks)."))
        .with_panel(stat_panel("Tiket terbuka", f"sum(asetik_tickets_open{{{where}}})",
                               "Tiket pemeliharaan yang belum ditutup (open tickets)."))
        .with_panel(stat_panel("Kritis belum ditinjau sejak",
                               f"max({UNREVIEWED_AGE}{{{where}}})",
                               "Umur tiket kritis tertua yang masih Baru; lebih dari sehari "
                               "memicu AsetikCriticalTicketUnreviewed (age of the oldest "
                               "critical ticket nobody reviewed).", unit="s"))
        .with_panel(stat_panel("Laporan terakhir",
                               f"time() - max(asetik_site_last_seen_timestamp_seconds"
                               f"{{{where}}})",
                               "Sejak kapan aset mana pun di situs ini terakhir terlihat "
                               "(time since the site's newest report).", unit="s"))
        .with_panel(stat_panel("Printer kekurangan bahan",
                               f"sum(asetik_printers_supply_low{{{where}}})",
                               "Printer dengan bahan di bawah batas (printers low on supplies)."))
        .with_panel(stat_panel("Menunggu pembaruan",
                               f"sum(asetik_assets_updates_pending{{{where}}})",
                               "Aset dengan pembaruan tertunda (assets with pending updates)."))
        .with_panel(stat_panel("Habis masa dukungan",
                               f"sum(asetik_assets_end_of_life{{{where}}})",
                               "OS, produk atau firmware tidak didukung lagi (end of life)."))
        .with_panel(stat_panel("Perintah kerja terlambat",
                               f"sum(asetik_work_orders_overdue{{{where}}})",
                               "Perintah kerja terbuka lewat jatuh tempo (overdue work orders)."))
        .with_panel(bars("Tenggat SOP berisiko",
                         f"sum by (step) (asetik_sop_deadlines_at_risk{{{where}}})", "{{step}}",
                         "Langkah SOP tertunda dengan sisa ≤ 2 hari kerja atau terlambat: "
                         "persetujuan rencana, identifikasi ke rencana, monev "
                         "(SOP deadlines at risk by step).", width=8))
        .with_panel(bars("Aset aktif per jenis",
                         f"sum by (kind) (asetik_assets{{{where}}})", "{{kind}}",
                         "Komputer, server, printer, perangkat jaringan (assets by kind)."))
        .with_panel(bars("Disk per status SMART", f"sum by (health) (asetik_disks{{{where}}})",
                         "{{health}}", "Disk aset aktif menurut status SMART (disks by health)."))
        .with_panel(trend("Tiket terbuka per tingkat",
                          f"sum by (severity) (asetik_tickets_open{{{where}}})", "{{severity}}",
                          "Tiket terbuka menurut tingkat keparahan (open tickets by severity)."))
        .with_panel(trend("Aset tidak terlihat",
                          f"sum(asetik_assets_stale{{{where}}})", "tidak terlihat",
                          "Aset yang tidak melapor dari waktu ke waktu (stale assets)."))
        .with_panel(rows_of("Tiket terbuka per aturan",
                            "SELECT rule, severity, count(*) AS tiket FROM grafana_open_tickets "
                            "WHERE site = '$site' GROUP BY rule, severity ORDER BY tiket DESC",
                            "Aturan mana yang menghasilkan tiket di situs ini "
                            "(open tickets by rule).", width=12))
        .with_row(dashboard.Row("Aset yang perlu dilihat di $site"))
        .with_panel(rows_of("Aset tidak terlihat",
                            "SELECT asset, kind, source, last_seen, days_unseen "
                            "FROM grafana_stale_assets WHERE site = '$site' "
                            "ORDER BY days_unseen DESC", "Stale agents and devices.", width=12))
        .with_panel(rows_of("Disk gagal atau bermasalah",
                            "SELECT asset, disk, model, serial, health, temperature_c, "
                            "open_tickets FROM grafana_failing_disks WHERE site = '$site' "
                            "ORDER BY asset, disk", "Failing disks, latest temperature.",
                            width=12))
        .with_panel(rows_of("Printer hampir kehabisan toner",
                            "SELECT asset, model, supply, level_percent, severity, days_open "
                            "FROM grafana_printer_supplies_low WHERE site = '$site' "
                            "ORDER BY level_percent", "Printers low on supplies.", width=12))
        .with_panel(rows_of("Tiket terbuka",
                            "SELECT ticket_id, asset, rule, subject, severity, status, pic, "
                            "age_days FROM grafana_open_tickets WHERE site = '$site' "
                            "ORDER BY age_days DESC LIMIT 500", "Open tickets, oldest first.",
                            width=12))
        .build()
    )  # fmt: skip


def maintenance() -> Dashboard:
    """SOP steps 1-4 as far as data exists: tickets by status and age, critical ones nobody
    reviewed, overdue work orders and the on-time share of done ones."""
    return (
        _base("asetik-maintenance", "asetik: pemeliharaan (SOP)",
              "Tiket, rencana dan perintah kerja pemeliharaan TIK (maintenance, SOP 1-4).")
        .with_row(dashboard.Row("Tiket (SOP 1)"))
        .with_panel(stat_panel("Tiket terbuka", "sum(asetik_tickets_open)",
                               "Semua tiket yang belum ditutup (open tickets)."))
        .with_panel(stat_panel("Kritis belum ditinjau",
                               f"sum(asetik_tickets_open_by_rule{{{CRITICAL_NEW}}})",
                               "Tiket kritis berstatus Baru; lebih dari sehari memicu alert "
                               "(critical tickets not reviewed)."))
        .with_panel(stat_panel("Sedang dikerjakan",
                               'sum(asetik_tickets_open_by_rule{status=~"scheduled|in_progress"})',
                               "Tiket terjadwal atau dikerjakan (scheduled or in progress)."))
        .with_panel(trend("Tiket terbuka per status",
                          "sum by (status) (asetik_tickets_open_by_rule)",
                          "{{status}}", "Alur tiket: baru, ditinjau, disetujui, dijadwalkan, "
                          "dikerjakan, selesai (open tickets by status)."))
        .with_panel(bars("Kritis belum ditinjau per situs",
                         f"max by (site) ({UNREVIEWED_AGE})", "{{site}}",
                         "Umur tiket kritis tertua berstatus Baru per situs; lebih dari sehari "
                         "memicu AsetikCriticalTicketUnreviewed (age of the oldest critical "
                         "ticket not reviewed, per site).", unit="s"))
        .with_panel(rows_of("Umur tiket terbuka",
                            "SELECT CASE WHEN age_days < 7 THEN '0-6 hari' "
                            "WHEN age_days < 14 THEN '7-13 hari' "
                            "WHEN age_days < 30 THEN '14-29 hari' ELSE '30+ hari' END AS umur, "
                            "count(*) AS tiket FROM grafana_open_tickets GROUP BY 1 ORDER BY 1",
                            "Berapa lama tiket terbuka; 10 hari kerja kira-kira 14 hari "
                            "kalender (age of open tickets in calendar days).", width=8))
        .with_panel(rows_of("Tiket terbuka terlama",
                            "SELECT site, asset, rule, severity, status, pic, age_days "
                            "FROM grafana_open_tickets "
                            "ORDER BY (severity = 'critical') DESC, age_days DESC LIMIT 100",
                            "Kritis dulu, lalu yang terlama (critical first, then oldest).",
                            width=16))
        .with_row(dashboard.Row("Rencana dan perintah kerja (SOP 2-4)"))
        .with_panel(stat_panel("Perintah kerja terlambat", "sum(asetik_work_orders_overdue)",
                               "Perintah kerja terbuka lewat jatuh tempo (overdue work orders)."))
        .with_panel(stat_panel("Tenggat SOP berisiko", "sum(asetik_sop_deadlines_at_risk)",
                               "Langkah SOP tertunda dengan sisa ≤ 2 hari kerja atau terlambat "
                               "(SOP deadlines at risk)."))
        .with_panel(stat_panel("Penyelesaian rencana aktif",
                               "avg(asetik_plan_completion_ratio)",
                               "Rata-rata porsi perintah kerja selesai pada rencana berjalan "
                               "(mean completion of active plans).", unit="percentunit"))
        .with_panel(bars("Penyelesaian rencana per situs", "asetik_plan_completion_ratio",
                         "{{site}} {{period}}", "Perintah kerja selesai dibanding semua perintah "
                         "kerja rencana berjalan (completion of each active plan).",
                         unit="percentunit"))
        .with_panel(bars("Tenggat SOP berisiko per langkah",
                         "sum by (step) (asetik_sop_deadlines_at_risk)", "{{step}}",
                         "Persetujuan rencana (10 HK), identifikasi ke rencana (10 HK), monev "
                         "(5 HK setelah periode) dengan sisa ≤ 2 HK (at risk by step).",
                         width=6))
        .with_panel(bars("Perintah kerja terlambat per situs",
                         "sum by (site) (asetik_work_orders_overdue)", "{{site}}",
                         "Perintah kerja terbuka lewat jatuh tempo per situs "
                         "(overdue work orders, per site).", width=6))
        .with_panel(rows_of("Perintah kerja terlambat",
                            "SELECT site, plan, period, asset, maintenance, pic, executor, "
                            "due_on, days_overdue FROM grafana_overdue_work_orders "
                            "ORDER BY days_overdue DESC LIMIT 200",
                            "Perintah kerja terbuka yang lewat tanggal jatuh tempo "
                            "(open work orders past their due date).", width=16))
        .with_panel(rows_of("Tepat waktu per situs",
                            "SELECT site, count(*) AS selesai, "
                            "round(100.0 * sum(on_time) / count(*), 1) AS persen_tepat_waktu "
                            "FROM grafana_work_orders_done GROUP BY site ORDER BY site",
                            "Perintah kerja selesai pada atau sebelum jatuh tempo "
                            "(share of done work orders finished on time).", width=8))
        .build()
    )  # fmt: skip


def collector_health() -> Dashboard:
    """Is the collector taking inventories, are the pollers polling, who exposes the gauges."""
    rate = "[$__rate_interval]"
    return (
        _base("asetik-collector", "asetik: kesehatan collector",
              "Ingest, polling dan replika collector (collector health).")
        .with_row(dashboard.Row("Proses"))
        .with_panel(stat_panel("Target aktif", 'sum(up{job=~"asetik-collector|asetik-poller"})',
                               "Collector dan poller yang menjawab Prometheus (targets up)."))
        .with_panel(stat_panel("Replika pemegang gauge", "sum(asetik_register_gauges_leader)",
                               "Harus 1: satu replika mengekspos gauge register "
                               "(replicas exposing the register gauges; 1 expected)."))
        .with_panel(stat_panel("Baca register", "max(asetik_register_read_duration_seconds)",
                               "Lama baca agregat register terakhir (last aggregate read).",
                               unit="s"))
        .with_panel(bars("Versi berjalan", "count by (version) (asetik_build_info)",
                         "{{version}}", "Replika per versi; versi lama tertinggal terlihat di "
                         "sini (replicas per version)."))
        .with_panel(trend("Target per proses", 'up{job=~"asetik-collector|asetik-poller"}',
                          "{{job}} {{instance}}", "1 = menjawab, 0 = mati (up per target)."))
        .with_row(dashboard.Row("Ingest"))
        .with_panel(trend("Observasi per detik", f"sum by (source, result) "
                          f"(rate(asetik_ingest_total{rate}))", "{{source}} {{result}}",
                          "Observasi diterima atau ditolak, per sumber "
                          "(observations per second by source and result).", unit="reqps"))
        .with_panel(trend("Porsi ditolak", f"sum(rate(asetik_ingest_total"
                          f'{{result!~"accepted|duplicate_submission"}}{rate})) / '
                          f"sum(rate(asetik_ingest_total{rate}))", "ditolak",
                          "Observasi ditolak (skema, kredensial, batas); di atas 5% memicu "
                          "AsetikIngestErrors (refused share).", unit="percentunit"))
        .with_panel(trend("Latensi ingest p95", "histogram_quantile(0.95, sum by (le, source) "
                          f"(rate(asetik_ingest_duration_seconds_bucket{rate})))", "{{source}}",
                          "Waktu validasi, rekonsiliasi dan simpan satu observasi, persentil "
                          "95 (ingest latency).", unit="s"))
        .with_row(dashboard.Row("Polling"))
        .with_panel(trend("Polling per detik", f"sum by (protocol, result) "
                          f"(rate(asetik_poll_total{rate}))", "{{protocol}} {{result}}",
                          "Perangkat di-poll per protokol dan hasil; dead/failed naik berarti "
                          "jaringan atau kredensial (polls by result).", unit="reqps"))
        .with_panel(trend("Durasi poll p95", "histogram_quantile(0.95, sum by (le, protocol) "
                          f"(rate(asetik_poll_duration_seconds_bucket{rate})))", "{{protocol}}",
                          "Lama satu perangkat di-poll, persentil 95 (poll duration).",
                          unit="s"))
        .with_panel(trend("Putaran terakhir", "asetik_poll_round_duration_seconds",
                          "{{instance}}", "Lama putaran polling terakhir (last round).",
                          unit="s"))
        .with_panel(trend("Sejak putaran selesai",
                          "time() - asetik_poll_round_end_timestamp_seconds", "{{instance}}",
                          "Lebih dari 1 jam memicu AsetikPollerStalled "
                          "(time since the last round ended).", unit="s"))
        .build()
    )  # fmt: skip


DASHBOARDS = {
    "overview": overview,
    "site": site,
    "maintenance": maintenance,
    "collector": collector_health,
}
