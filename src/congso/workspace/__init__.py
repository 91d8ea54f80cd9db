"""The officers' workspace shell (không gian làm việc của cán bộ): its layout, home page, who may enter
(``permissions``) and the registry through which the blocks add their navigation entries, to-do counters
and home panels (``registry``).

It owns no data and imports none of the blocks it frames (dossiers, workflow, documents…): they register
into it at start-up, so the shell stays below them in the layers.
"""
