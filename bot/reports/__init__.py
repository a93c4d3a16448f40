"""Reports: figures of a period, the debrief statement, CSV/Markdown/JSON/XLSX renderings."""
