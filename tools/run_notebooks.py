"""Execute seisnb's notebooks headless with papermill and summarise the run.

`make run` calls this: every filled notebook in nbs/ runs with its small default parameters
(plus `out_dir`) into runs/<timestamp>/, and runs/<timestamp>/summary.md gets one line per
notebook: status, wall time, the metrics it recorded and the figures it saved.
"""
from __future__ import annotations
import argparse, json, os, sys, time, traceback
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'

# Papermill parameter sets (nbs/params/<name>.yaml) that the main job runs after the defaults,
# as {name: (notebook stem, dataset it needs or None)}: the known-answer validation of the
# progressive b-value network (planted drop vs null control), and the full real-data sweep of the
# subduction classifier across exclusion distances where the megathrust table is available.
PARAM_SETS = {'09_planted': ('09_progressive_training', None),
              '09_null': ('09_progressive_training', None),
              '08_real': ('08_subduction', 'megathrust')}

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

def summary_md(results:list[dict], run_dir:Path) -> str:
    lines = [f'# seisnb run {run_dir.name}', '', f'Data mirror: {os.environ.get("SEISNB_DATA_DIR") or "auto (../shared/data if present)"}', '',
             '| notebook | status | wall s | metrics | figures |', '|---|---|---|---|---|']
    for r in results:
        m = '; '.join(f'{k}={_fmt(v)}' for k, v in r['metrics'].items())
        f = ', '.join(Path(x).name for x in r['figures'])
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
    run_dir = Path(a.out) if a.out else ROOT/'runs'/datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    run_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(nb.stem, nb, run_dir, {}) for nb in nbs]
    if not a.no_param_sets and not a.only:
        for name in PARAM_SETS:
            if not param_set_available(name):
                print(f'skipping parameter set {name}: dataset {PARAM_SETS[name][1]!r} is not in the local mirror'); continue
            nb, params = param_set(name); jobs.append((f'{nb.stem}@{name}', nb, run_dir/name, params))
    results = []
    for label, nb, out, params in jobs:
        print(f'running {label} ...', flush=True)
        r = run_one(nb, out, params); r['notebook'] = label
        r['figures'] = [str((out/f).relative_to(run_dir)) for f in r['figures']]
        results.append(r)
        print(f"  {r['status']} in {r['wall_s']} s; metrics: {', '.join(r['metrics'])}", flush=True)
        (run_dir/'summary.md').write_text(summary_md(results, run_dir))
    print(f'summary: {run_dir/"summary.md"}')
    return 0 if all(r['status'] == 'ok' for r in results) else 1

if __name__ == '__main__': sys.exit(main())
