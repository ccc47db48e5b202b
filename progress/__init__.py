"""Progress: numbers (stats), the pain chart and the doctor's report, from plain facts; no I/O."""
