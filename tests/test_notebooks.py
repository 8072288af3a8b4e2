"""Papermill regression harness: every numbered notebook runs headless with its default
parameters, and the metrics it records must lie within the bounds in tests/bounds/<stem>.json.

A bounds file maps metric names to `[low, high]` (inclusive; `null` = open) or to an exact value
(strings, booleans, integers). Every bounded metric must be present; a notebook without a bounds
file fails. Metrics measured on the real datasets go under `"_with_data": {"<dataset>": {...bounds...}}`
(dataset names as in `seisnb.data.DATASETS`): they are checked, and required, only where every
file of that dataset is in the local mirror (`SEISNB_DATA_DIR` or `../shared/data`), so a user's
fresh clone passes on synthetic data alone while CI checks the real numbers too.
"""
import json, math
from pathlib import Path
import pytest
from run_notebooks import notebooks, run_one
from seisnb.data import dataset_available

def data_bounds(bounds:dict) -> dict:
    "The `_with_data` bounds of the datasets that are available here."
    out = {}
    for name, b in bounds.get('_with_data', {}).items():
        if not isinstance(b, dict): raise ValueError(f'_with_data must map dataset names to bounds; got {name!r}: {b!r}')
        if dataset_available(name): out.update(b)
    return out

ROOT = Path(__file__).resolve().parents[1]
NBS = notebooks()

def check_bounds(metrics:dict, bounds:dict) -> list[str]:
    "Messages for every metric that is missing or outside its bounds."
    errs = []
    for k, b in bounds.items():
        if k.startswith('_'): continue
        if k not in metrics: errs.append(f'{k}: not recorded'); continue
        v = metrics[k]
        if isinstance(b, list) and len(b) == 2 and all(isinstance(x, (int, float)) or x is None for x in b):
            lo, hi = (-math.inf if b[0] is None else b[0]), (math.inf if b[1] is None else b[1])
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not (lo <= v <= hi) or v != v:
                errs.append(f'{k}={v!r} outside [{lo}, {hi}]')
        elif v != b: errs.append(f'{k}={v!r}, expected {b!r}')
    return errs

def test_check_bounds():
    assert check_bounds({'a': 0.5, 'b': 'x'}, {'a': [0, 1], 'b': 'x'}) == []
    assert check_bounds({'a': 2.0}, {'a': [0, 1]}) == ['a=2.0 outside [0, 1]']
    assert check_bounds({}, {'a': [0, 1]}) == ['a: not recorded']
    assert check_bounds({'a': float('nan')}, {'a': [None, None]}) != []

def test_data_bounds(tmp_path, monkeypatch):
    monkeypatch.setenv('SEISNB_DATA_DIR', str(tmp_path))
    assert data_bounds({'_with_data': {'norcia': {'b': [0, 1]}}}) == {}
    (tmp_path/'catalogs').mkdir(); (tmp_path/'catalogs'/'norcia_gulia_wiemer_2019.txt').write_text('x')
    assert data_bounds({'_with_data': {'norcia': {'b': [0, 1]}}}) == {'b': [0, 1]}

def test_every_notebook_has_bounds():
    missing = [nb.stem for nb in NBS if not (ROOT/'tests'/'bounds'/f'{nb.stem}.json').exists()]
    assert not missing, f'notebooks without tests/bounds/<stem>.json: {missing}'

@pytest.mark.parametrize('nb', NBS, ids=[nb.stem for nb in NBS])
def test_notebook_runs(nb, tmp_path):
    bfn = ROOT/'tests'/'bounds'/f'{nb.stem}.json'
    r = run_one(nb, tmp_path)
    assert r['status'] == 'ok', f"{nb.name} failed under papermill:\n{r['error']}"
    bounds = json.loads(bfn.read_text()) if bfn.exists() else {}
    errs = check_bounds(r['metrics'], bounds)
    errs += check_bounds(r['metrics'], data_bounds(bounds))
    assert not errs, f'{nb.stem} metrics out of bounds: ' + '; '.join(errs)
    for f in r['figures']: assert (tmp_path/f).stat().st_size > 1000, f'empty figure {f}'
