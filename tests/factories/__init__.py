"""factory_boy factories, one module per building block: ``identity``, ``agencies``, ``catalog``,
``dossiers``.

Defaults are plain and fixed; codes come from sequences. A test that depends on a value passes it.
"""
