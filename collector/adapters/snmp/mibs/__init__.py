"""Pure parsers from MIB tables to observation document fragments, one module per MIB family."""
