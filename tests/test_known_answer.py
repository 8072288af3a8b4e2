"""The parameter sets (nbs/params/<set>.yaml, registered in tools/run_notebooks.PARAM_SETS) run through
papermill with their bounds: tests/bounds/<notebook>@<set>.json, and the bounds written in the notebook
(`rec.metric(..., bounds=...)`, which stop the run when violated). The sets of tier 'test' run in every
`make test`; those of tier 'long' (minutes each) only with SEISNB_LONG_SETS=1 (`make test-long`), so none
of their bounds is dropped. The only papermill runs of the suite:
- known-answer validation of the whole b-value pipeline (ETAS -> daily fields -> blocks ->
  progressive training): a planted precursory b-value drop must be detected clearly better than
  chance on the later period, and the same catalog without the plant must stay inside the chance
  interval;
- the live CI-scale run of the b-value forecaster on the real Japan catalog, beside the rate baselines;
- the real-data subduction sweep (F1 against exclusion distance, 2 and 3 classes, LRP);
the real-data sets are skipped where their dataset is not in the local mirror."""
import json, os
from pathlib import Path
import pytest
from run_notebooks import PARAM_SETS, TIERS, param_set, param_set_available, param_sets, run_one
from test_notebooks import check_bounds, data_bounds, has_inline_bounds

ROOT = Path(__file__).resolve().parents[1]

def set_bounds(name:str) -> dict:
    "Bounds of parameter set `name` from tests/bounds/<stem>@<name>.json ({} when its notebook bounds inline)."
    stem = PARAM_SETS[name][0]
    fn = ROOT/'tests'/'bounds'/f'{stem}@{name}.json'
    if fn.exists(): return json.loads(fn.read_text())
    assert has_inline_bounds(ROOT/'nbs'/f'{stem}.ipynb'), \
        f'parameter set {name!r}: no {fn.relative_to(ROOT)} and no inline bounds in nbs/{stem}.ipynb'
    return {}

@pytest.mark.parametrize('name', sorted(PARAM_SETS))
def test_param_set_is_complete(name):
    "Every registered parameter set has its yaml, its notebook and bounds (a file or inline) -- checked without running."
    nb, params = param_set(name)
    assert nb.exists(), f'{name}: no notebook {nb.name}'
    set_bounds(name)

def test_tiers():
    "Every set has a tier; every notebook with a long set also has a test-tier set (run by make test)."
    assert all(v[2] in TIERS for v in PARAM_SETS.values())
    assert param_sets() == list(PARAM_SETS)
    assert set(param_sets('test')) | set(param_sets('long')) == set(PARAM_SETS)
    tested = {PARAM_SETS[t][0] for t in param_sets('test')}
    assert not {PARAM_SETS[n][0] for n in param_sets('long')} - tested
    with pytest.raises(ValueError, match="tier must be one of"): param_sets('short')

LONG = os.environ.get('SEISNB_LONG_SETS', '') not in ('', '0')

@pytest.mark.parametrize('name', sorted(PARAM_SETS))
def test_param_set(name, tmp_path):
    if name in param_sets('long') and not LONG:
        pytest.skip(f'{name} is a long parameter set (make run; make test-long runs it with its bounds)')
    if not param_set_available(name): pytest.skip(f'dataset {PARAM_SETS[name][1]!r} not in the local data mirror')
    nb, params = param_set(name)
    bounds = set_bounds(name)
    # A cell may take minutes here (08_real trains 210 networks in one cell); on a loaded CI machine, with the
    # two xdist workers running two parameter sets at once, 900 s per cell was too tight, so allow 40 min.
    r = run_one(nb, tmp_path, params, timeout=2400)
    assert r['status'] == 'ok', r['error']
    errs = check_bounds(r['metrics'], bounds) + check_bounds(r['metrics'], data_bounds(bounds))
    assert not errs, f'{name}: ' + '; '.join(errs)
