"""Metric bounds: where they live and how they are checked.

A notebook owns its checks. Its metric bounds are written next to the numbers, as
`rec.metric('accuracy', acc, bounds=[0.95, 1.0])` (`seisnb.records.RunRecord`), so `nbdev_test` enforces
them on every run; there is no second papermill run of the default parameters here. Only the parameter
sets in `nbs/params/*.yaml` (registered in `tools/run_notebooks.PARAM_SETS`) run under papermill, with
their bounds in `tests/bounds/<stem>@<set>.json` (tests/test_known_answer.py).

A bounds file maps metric names to `[low, high]` (inclusive; `null` = open) or to an exact value (strings,
booleans, integers); every bounded metric must be recorded. Metrics measured on real datasets go under
`"_with_data": {"<dataset>": {...bounds...}}` (names as in `seisnb.data.DATASETS`): they are checked, and
required, only where every file of that dataset is in the local mirror.

Fallback, so no bound is dropped while chapters migrate: a notebook that still has a default-parameter
bounds file `tests/bounds/<stem>.json` (and no inline bounds) is run under papermill with its defaults and
checked against it, as before. A notebook with inline bounds must not also keep that file.
"""
import ast, json
from pathlib import Path
import pytest
from run_notebooks import notebooks, run_one, PARAM_SETS
from seisnb.data import dataset_available
from seisnb.records import bounds_error

ROOT = Path(__file__).resolve().parents[1]
BOUNDS = ROOT/'tests'/'bounds'
NBS = notebooks()

def data_bounds(bounds:dict) -> dict:
    "The `_with_data` bounds of the datasets that are available here."
    out = {}
    for name, b in bounds.get('_with_data', {}).items():
        if not isinstance(b, dict): raise ValueError(f'_with_data must map dataset names to bounds; got {name!r}: {b!r}')
        if dataset_available(name): out.update(b)
    return out

def check_bounds(metrics:dict, bounds:dict) -> list[str]:
    "Messages for every metric that is missing or outside its bounds (`seisnb.records.bounds_error`)."
    errs = []
    for k, b in bounds.items():
        if k.startswith('_'): continue
        if k not in metrics: errs.append(f'{k}: not recorded')
        elif (e := bounds_error(k, metrics[k], b)): errs.append(e)
    return errs

def _calls_metric_with_bounds(src:str) -> bool:
    "True if the code `src` calls `<something>.metric(..., bounds=...)`."
    src = '\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!')))
    try: tree = ast.parse(src)
    except SyntaxError: return False
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == 'metric'
               and any(k.arg == 'bounds' for k in n.keywords) for n in ast.walk(tree))

def has_inline_bounds(nb:Path) -> bool:
    "True if a code cell of `nb` records a metric with `bounds=`."
    cells = json.loads(nb.read_text())['cells']
    return any(c['cell_type'] == 'code' and _calls_metric_with_bounds(''.join(c['source'])) for c in cells)

def legacy_bounds() -> list[Path]:
    "Notebooks that still keep default-parameter bounds in tests/bounds/<stem>.json."
    return [nb for nb in NBS if (BOUNDS/f'{nb.stem}.json').exists()]

def test_check_bounds():
    assert check_bounds({'a': 0.5, 'b': 'x'}, {'a': [0, 1], 'b': 'x'}) == []
    assert check_bounds({'a': 2.0}, {'a': [0, 1]}) == ['a=2.0 outside [0, 1]']
    assert check_bounds({}, {'a': [0, 1]}) == ['a: not recorded']
    assert check_bounds({'a': float('nan')}, {'a': [None, None]}) != []
    assert check_bounds({'_note': 1}, {'_note': 'text'}) == []

def test_data_bounds(tmp_path, monkeypatch):
    monkeypatch.setenv('SEISNB_DATA_DIR', str(tmp_path))
    assert data_bounds({'_with_data': {'norcia': {'b': [0, 1]}}}) == {}
    (tmp_path/'catalogs').mkdir()
    (tmp_path/'catalogs'/'norcia_gulia_wiemer_2019.txt').write_text('x')
    assert data_bounds({'_with_data': {'norcia': {'b': [0, 1]}}}) == {'b': [0, 1]}

def test_inline_detection(tmp_path):
    nb = tmp_path/'x.ipynb'
    nb.write_text(json.dumps({'cells': [{'cell_type': 'code', 'source': ["rec.metric('f1', f1, bounds=[0.9, 1])"]}]}))
    assert has_inline_bounds(nb)
    nb.write_text(json.dumps({'cells': [{'cell_type': 'code', 'source': ["rec.metric('n', len(f(x)),\n", "  bounds=[1, None])"]}]}))
    assert has_inline_bounds(nb)
    nb.write_text(json.dumps({'cells': [{'cell_type': 'code', 'source': ["rec.metric('f1', f1)  # bounds=[0, 1]"]}]}))
    assert not has_inline_bounds(nb)

def test_no_default_bounds_file_beside_inline_bounds():
    "Bounds live in one place: a notebook with inline bounds has no tests/bounds/<stem>.json."
    both = [nb.stem for nb in legacy_bounds() if has_inline_bounds(nb)]
    assert not both, (f'these notebooks check bounds inline, so tests/bounds/<stem>.json must be moved into the '
                      f'notebook and deleted: {both}')

def records_metrics(nb:Path) -> bool:
    "True if `nb` records metrics with a `RunRecord`."
    return any(c['cell_type'] == 'code' and 'RunRecord(' in ''.join(c['source']) for c in json.loads(nb.read_text())['cells'])

def test_every_recording_notebook_bounds_its_metrics():
    "A notebook that records metrics bounds some of them: inline (`rec.metric(..., bounds=...)`) or in a legacy file."
    none = [nb.stem for nb in NBS if records_metrics(nb) and not has_inline_bounds(nb) and not (BOUNDS/f'{nb.stem}.json').exists()]
    assert not none, f'notebooks that record metrics but bound none: {none}'

def test_bounds_files_name_notebooks_and_param_sets():
    stems = {nb.stem for nb in NBS}
    for fn in BOUNDS.glob('*.json'):
        stem, _, pset = fn.stem.partition('@')
        assert stem in stems, f'{fn.name}: no notebook nbs/{stem}.ipynb'
        if pset: assert PARAM_SETS.get(pset, (None,))[0] == stem, f'{fn.name}: {pset!r} is not a PARAM_SETS entry of {stem}'

LEGACY = legacy_bounds()

@pytest.mark.parametrize('nb', LEGACY, ids=[nb.stem for nb in LEGACY])
def test_legacy_bounds(nb, tmp_path):
    "Fallback for notebooks not yet migrated: run the defaults under papermill and check tests/bounds/<stem>.json."
    bounds = json.loads((BOUNDS/f'{nb.stem}.json').read_text())
    r = run_one(nb, tmp_path)
    assert r['status'] == 'ok', f"{nb.name} failed under papermill:\n{r['error']}"
    errs = check_bounds(r['metrics'], bounds) + check_bounds(r['metrics'], data_bounds(bounds))
    assert not errs, f'{nb.stem} metrics out of bounds: ' + '; '.join(errs)
    for f in r['figures']: assert (tmp_path/f).stat().st_size > 1000, f'empty figure {f}'
