"""Execute seisnb's notebooks headless with papermill and summarise the run.

`make run` (and `seisnb run`) calls this: every filled notebook in nbs/ runs with its small
default parameters (plus `out_dir`) into runs/<timestamp>/, and runs/<timestamp>/summary.md
gets one line per notebook: status, wall time, the metrics it recorded and the figures it saved
(with their folders), and says which data mirror was used. The executed notebooks keep their
figures inline (the kernels get matplotlib's inline backend whatever `MPLBACKEND` says). Map data
are checked once: when they are missing the loop warns once and tells the kernels (env
`SEISNB_MAPS_WARNED=1`) so that no chapter repeats the warning.
"""
from __future__ import annotations
import argparse, json, os, sys, time, traceback
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'

# Papermill parameter sets (nbs/params/<name>.yaml) that the main job (`make run`) runs after the defaults,
# as {name: (notebook stem, dataset it needs or None, tier)}, each where its dataset is available:
# - tier 'test' also runs in `make test` (tests/test_known_answer.py), at the smallest scale that still means
#   something: the null control of the progressive b-value network at the default catalog length (the default
#   run itself is the planted known answer), the CI-scale live Japan run for Model14.9, and the real-data
#   subduction sweep at 0 and 600 km (3 seeds);
# - tier 'long' runs in `make run` and `make test-long` (the same bounds): the 3000-day planted and null
#   known-answer runs, the Japan run for both class definitions, the 7-distance subduction sweep.
# Longer user runs (nbs/params/05a_cv.yaml, 06a_seeds.yaml, 08b_real.yaml, 09_japan.yaml,
# 09_japan_paper_blocks.yaml, the *_paper.yaml sets) are run by hand with papermill.
PARAM_SETS = {'09_null_ci': ('09e_progressive_known_answer', None, 'test'),
              '09_japan_ci49': ('09f_progressive_japan', 'japan_usgs', 'test'),
              '08_real_ci': ('08_subduction', 'megathrust', 'test'),
              '09_planted': ('09e_progressive_known_answer', None, 'long'),
              '09_null': ('09e_progressive_known_answer', None, 'long'),
              '09_japan_ci': ('09f_progressive_japan', 'japan_usgs', 'long'),
              '08_real': ('08_subduction', 'megathrust', 'long')}
TIERS = ('test', 'long')

def param_sets(tier:str|None=None) -> list[str]:
    "Names of the parameter sets of `tier` ('test', 'long'; None: all), in PARAM_SETS order."
    if tier is not None and tier not in TIERS:
        raise ValueError(f'tier must be one of {TIERS} or None; got {tier!r}')
    return [k for k, v in PARAM_SETS.items() if tier is None or v[2] == tier]

def param_set_available(name:str) -> bool:
    "True if the dataset parameter set `name` needs is in the local mirror (or it needs none)."
    from seisnb.data import dataset_available
    need = PARAM_SETS[name][1]
    return need is None or dataset_available(need)

def param_set(name:str) -> tuple[Path, dict]:
    "Notebook and parameters of the parameter set `nbs/params/<name>.yaml`."
    import yaml
    fn = NBS/'params'/f'{name}.yaml'
    if not fn.exists(): raise FileNotFoundError(f'no parameter set {fn}')
    return NBS/f'{PARAM_SETS[name][0]}.ipynb', yaml.safe_load(fn.read_text()) or {}

def notebooks(pattern:str='[0-9]*.ipynb') -> list[Path]:
    "The numbered notebooks in reading order."
    return sorted(NBS.glob(pattern))

INLINE = 'module://matplotlib_inline.backend_inline'
# Start of the warnings seisnb's map helpers give when map data are missing (silenced in the kernels
# once the run loop has said it).
MAP_WARNINGS = ('No local Natural Earth data', 'PB2002 plate boundaries not found', 'cartopy is not installed')

def _log():
    "seisnb's logger (seisnb.records), printing INFO lines to stdout in this process."
    import logging
    try: from seisnb.records import logger
    except ImportError: logger = logging.getLogger('seisnb')
    if not logger.handlers and not logging.getLogger().handlers:
        h = logging.StreamHandler(sys.stdout); h.setFormatter(logging.Formatter('%(message)s'))
        logger.addHandler(h); logger.propagate = False
    if logger.getEffectiveLevel() > logging.INFO: logger.setLevel(logging.INFO)
    return logger

def _progress(it, total=None, desc=None):
    try: from seisnb.records import progress
    except ImportError:
        from tqdm.auto import tqdm
        return tqdm(it, total=total, desc=desc, disable=not sys.stderr.isatty())
    return progress(it, total=total, desc=desc, enabled=sys.stderr.isatty() or None)

def data_mirror() -> tuple[Path|None, str]:
    "The data mirror the notebooks will use and a sentence saying where it came from."
    from seisnb.data import shared_data_dir
    try: d = shared_data_dir()
    except FileNotFoundError as e: return None, f'not usable: {e}'
    if d is None: return None, 'none found (SEISNB_DATA_DIR unset, no ../shared/data beside the repository): real-data sections skipped'
    how = 'SEISNB_DATA_DIR' if os.environ.get('SEISNB_DATA_DIR') else 'beside the repository'
    return d, f'{d} ({how})'

def map_data_message() -> str|None:
    "None when maps can be drawn with coastlines and plate boundaries offline, else the one warning for the whole run."
    try: import cartopy  # noqa: F401
    except ImportError: return 'cartopy is not installed: maps in every chapter are drawn on plain lon/lat axes'
    try: from seisnb.maps import natural_earth_dir
    except ImportError: from seisnb.data import natural_earth_dir
    from seisnb.data import dataset_available
    miss = []
    if natural_earth_dir() is None: miss.append('no local Natural Earth data (set SEISNB_MAPS_DIR or SEISNB_DATA_DIR): no coastlines')
    try: pb = dataset_available('pb2002')
    except Exception: pb = False
    if not pb: miss.append('no PB2002 plate boundaries in the data mirror: no plate boundaries')
    if not miss: return None
    return 'map data missing, maps in every chapter degrade: ' + '; '.join(miss) + ' (warned once for the whole run)'

def kernel_env(maps_msg:str|None) -> dict:
    "Environment for the notebook kernels: inline figures; map warnings silenced once the run has given one."
    env = {'MPLBACKEND': INLINE}
    if maps_msg:
        env['SEISNB_MAPS_WARNED'] = '1'
        prev = os.environ.get('PYTHONWARNINGS')
        env['PYTHONWARNINGS'] = ','.join(([prev] if prev else []) + [f'ignore:{m}' for m in MAP_WARNINGS])
    return env

def run_one(nb:Path, out_dir:Path, params:dict|None=None, timeout:int=900) -> dict:
    "Run one notebook with papermill into `out_dir`; return its status, wall time and record."
    import papermill as pm
    out_dir.mkdir(parents=True, exist_ok=True)
    p = dict(out_dir=str(out_dir.resolve()), **(params or {}))
    t0, status, err = time.time(), 'ok', ''
    try:
        pm.execute_notebook(str(nb), str(out_dir/nb.name), parameters=p, cwd=str(NBS), kernel_name='python3', language='python',
                            progress_bar=False, execution_timeout=timeout, log_output=False)
    except Exception as e:
        status, err = 'FAILED', f'{type(e).__name__}: {str(e)[-2000:]}'
    rec_fn = out_dir/f'{nb.stem}.metrics.json'
    rec = json.loads(rec_fn.read_text()) if rec_fn.exists() else {}
    return dict(notebook=nb.stem, status=status, wall_s=round(time.time()-t0, 1), error=err,
                metrics=rec.get('metrics', {}), figures=rec.get('figures', []))

def _fmt(v):
    if isinstance(v, float): return f'{v:.4g}'
    if isinstance(v, list) and len(v) > 6: return f'[{len(v)} values]'
    return str(v)

def summary_md(results:list[dict], run_dir:Path, mirror:str|None=None, maps:str|None=None) -> str:
    if mirror is None: mirror = data_mirror()[1]
    lines = [f'# seisnb run {run_dir.name}', '', f'Data mirror: {mirror}', '',
             f'Maps: {maps or "coastlines and plate boundaries from local data"}', '',
             'Figures are PNG files under this folder (paths below) and inline in the executed notebooks.', '',
             '| notebook | status | wall s | metrics | figures |', '|---|---|---|---|---|']
    for r in results:
        m = '; '.join(f'{k}={_fmt(v)}' for k, v in r['metrics'].items())
        f = ', '.join(f'`{x}`' for x in r['figures'])
        lines.append(f"| {r['notebook']} | {r['status']} | {r['wall_s']} | {m} | {f} |")
    for r in results:
        if r['error']: lines += ['', f"## {r['notebook']} failed", '```', r['error'], '```']
    return '\n'.join(lines) + '\n'

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--only', nargs='*', help='notebook stems to run (default: all numbered notebooks)')
    ap.add_argument('--out', help='run folder (default runs/<UTC timestamp>)')
    ap.add_argument('--no-param-sets', action='store_true', help=f'skip the parameter sets {sorted(PARAM_SETS)}')
    a = ap.parse_args(argv)
    nbs = [nb for nb in notebooks() if not a.only or nb.stem in a.only]
    unknown = sorted(set(a.only or ()) - {nb.stem for nb in nbs})
    if unknown:
        print(f"error: no notebook {unknown} in {NBS}; expected stems like {[nb.stem for nb in notebooks()][:3]}",
              file=sys.stderr)
        return 2
    run_dir = Path(a.out) if a.out else ROOT/'runs'/datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    run_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(nb.stem, nb, run_dir, {}) for nb in nbs]
    if not a.no_param_sets and not a.only:
        for name in PARAM_SETS:
            if not param_set_available(name):
                _log().info(f'skipping parameter set {name}: dataset {PARAM_SETS[name][1]!r} is not in the local mirror')
                continue
            nb, params = param_set(name); jobs.append((f'{nb.stem}@{name}', nb, run_dir/name, params))
    log = _log()
    mirror_dir, mirror = data_mirror()
    log.info(f'data mirror: {mirror}')
    maps = map_data_message()
    if maps: log.warning(f'warning: {maps}')
    os.environ.update(kernel_env(maps))
    results = []
    for label, nb, out, params in _progress(jobs, total=len(jobs), desc='notebooks'):
        log.info(f'running {label} ...')
        r = run_one(nb, out, params); r['notebook'] = label
        r['figures'] = [str((out/f).relative_to(run_dir)) for f in r['figures']]
        results.append(r)
        log.info(f"  {r['status']} in {r['wall_s']} s; metrics: {', '.join(r['metrics'])}")
        (run_dir/'summary.md').write_text(summary_md(results, run_dir, mirror, maps))
    n_bad = sum(r['status'] != 'ok' for r in results)
    log.info(f'{len(results) - n_bad} of {len(results)} notebooks ok; summary: {run_dir/"summary.md"}')
    return 0 if all(r['status'] == 'ok' for r in results) else 1

if __name__ == '__main__': sys.exit(main())
