"""The ops web UI: server-rendered pages under /ui on the collector's aiohttp app."""
