"""The SOP reports rendered: Jinja2 HTML templates → PDF (WeasyPrint), XLSX (openpyxl), CSV."""
