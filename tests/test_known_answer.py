"""The parameter sets the main job also runs, through papermill, with their bounds
(tests/bounds/<notebook>@<set>.json):
- known-answer validation of the whole b-value pipeline (ETAS -> daily fields -> blocks ->
  progressive training): a planted precursory b-value drop must be detected clearly better than
  chance on the later period, and the same catalog without the plant must stay inside the chance
  interval;
- the full real-data subduction sweep (F1 against exclusion distance, 2 and 3 classes, LRP),
  skipped where the megathrust table is not in the local mirror."""
import json
from pathlib import Path
import pytest
from run_notebooks import PARAM_SETS, param_set, param_set_available, run_one
from test_notebooks import check_bounds

ROOT = Path(__file__).resolve().parents[1]

@pytest.mark.parametrize('name', sorted(PARAM_SETS))
def test_param_set(name, tmp_path):
    if not param_set_available(name): pytest.skip(f'dataset {PARAM_SETS[name][1]!r} not in the local data mirror')
    nb, params = param_set(name)
    bounds = json.loads((ROOT/'tests'/'bounds'/f'{nb.stem}@{name}.json').read_text())
    r = run_one(nb, tmp_path, params)
    assert r['status'] == 'ok', r['error']
    errs = check_bounds(r['metrics'], bounds)
    assert not errs, f'{name}: ' + '; '.join(errs)
