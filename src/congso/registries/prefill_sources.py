"""The national registers as prefill sources of the form engine (``formengine.prefill.register``): a
form field takes ``"dan_cu.<attribute>"`` (the population database, for the signed-in citizen's national
ID) or ``"doanh_nghiep.<attribute>"`` (the business registry, for the business account's tax code).
The land registry is keyed by a parcel the applicant names, so it verifies rather than prefills."""

from congso.formengine import prefill

from . import services
from .adapters import adapters


class RegistrySource(prefill.PrefillSource):
    registry = ""

    def get_values(self, user, attributes):
        if user is None or not getattr(user, "is_authenticated", False):
            return {}
        result = services.prefill_values(self.registry, user, attributes)
        if result.unavailable:
            raise prefill.SourceUnavailable(self.label)
        if not result.found:
            return {}
        return {
            name: value
            for name, value in result.values.items()
            if name in attributes and value not in (None, "", [])
        }


def _source(code: str):
    adapter = adapters[code]

    class Source(RegistrySource):
        registry = code
        label = adapter().source_label
        attributes = adapter.attributes

    Source.__name__ = f"{code.title().replace('_', '')}Source"
    return Source


for _code in ("dan_cu", "doanh_nghiep"):
    if _code not in prefill.register:
        prefill.register.add(_code, _source(_code))
