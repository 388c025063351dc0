"""asetik's Grafana dashboards as code (grafana-foundation-sdk, Grafana 11.6 build), written to
deploy/grafana/dashboards/ by ``python -m tools.grafana.generate``."""
