"""Administrative procedures (thủ tục hành chính, TTHC) as effective-dated versions: papers, fees, time
limits, online mode, the online form and the process definition, with import/export and search.

It does not hold dossiers or run processes: ``dossiers`` and ``workflow`` read a procedure version
through ``catalog.services``.
"""
