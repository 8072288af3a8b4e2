"Synthetic data with known truth: ETAS catalogs (00a), waveform windows (04a), subduction tables (08a), toy b-value blocks (00f)."
# Each submodule is exported from its own notebook; this package gathers them under `seisnb.synth`.
from importlib import import_module as _im
__all__ = []
for _m in ('catalog', 'waveforms', 'subduction', 'blocks'):
    try: _mod = _im(f'{__name__}.{_m}')
    except ModuleNotFoundError as _e:
        if _e.name != f'{__name__}.{_m}': raise
        continue
    for _k in getattr(_mod, '__all__', []):
        globals()[_k] = getattr(_mod, _k); __all__.append(_k)
