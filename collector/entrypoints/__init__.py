"""How the collector is driven: the HTTP API and the command line."""
