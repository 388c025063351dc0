"""Development tools kept out of the installed packages (dashboards generated from code)."""
