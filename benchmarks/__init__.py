"""The benchmarks: ``python benchmarks/run.py`` (outside the package; nothing in workbook_tools times itself)."""
