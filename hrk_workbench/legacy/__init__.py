"""Legacy HRK Excel workbooks: layout detection from ``forms/legacy/*.yaml``, import with a
report of every cell, and export back to a legacy layout.

Stewards keep years of assessments in Excel and switch only if every workbook opens with
nothing lost and nothing silently wrong; so the layouts are data (a new layout is a new mapping
file), every value is recomputed by the workbench, and whatever could not be read is reported.
This package is light to import: openpyxl is imported only inside the functions that read or
write a workbook.
"""
