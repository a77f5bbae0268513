"""The base of the house: settings and paths, warehouse access (the one writer), the lineage and result
types every reader returns, the registry of source kinds with their raw-table schemas, reference data
(form catalogues, calendars, municipalities) and hostile-file checks.

It imports nothing of the project's other packages; ``ingestion`` and ``reports`` build on it, and the
orchestration and command line (``shnor``) on top of those (docs/architecture.md, "Layers").
"""
