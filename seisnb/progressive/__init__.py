"""Koehler et al.'s b-value anomaly forecaster: trainer (09), diagnostics (09a), autoencoder (09b),
search (09c), known-answer pipeline (09e), Japan study (09f)."""
# Each submodule is exported from its own notebook; this package gathers their public names under
# `seisnb.progressive`.
from importlib import import_module as _im
__all__ = []
for _m in ('trainer', 'diagnostics', 'autoencoder', 'search', 'pipeline', 'japan'):
    try: _mod = _im(f'{__name__}.{_m}')
    except ModuleNotFoundError as _e:
        if _e.name != f'{__name__}.{_m}': raise
        continue
    for _k in getattr(_mod, '__all__', []):
        globals()[_k] = getattr(_mod, _k)
        __all__.append(_k)
