"""Who proves a required paper instead of the applicant: a registry higher blocks fill at start-up.

``catalog`` sits below the blocks that reach national databases, yet its procedure page should say that
a paper marked ``from_data_store`` is proven by, for example, the national population database. A higher
block registers a function ``paper code → name of the register, or ""``::

    paper_sources.add("registries", registries_source)

and the procedure page asks ``source_of(code)``. With nothing registered the page says only that the
paper can be taken from the data store.
"""

from congso.core.registry import Registry

paper_sources = Registry("paper sources")


def source_of(code: str) -> str:
    """The name of the register that proves the paper ``code``, or ""."""
    for _name, source in paper_sources.items():
        found = source(code)
        if found:
            return str(found)
    return ""
