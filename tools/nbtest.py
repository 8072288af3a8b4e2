"""`nbdev_test`, keeping what it executed: each notebook runs once per `make test`.

`make nbdev-test` (and so `make test`) calls nbdev's own `nbdev_test` function through this script, with the
arguments of the console script (`--path`, `--flags`, `--n_workers`, `--timing`, `--do_print`). Every
notebook runs exactly as under `nbdev_test` (nbdev's `test_nb`: the skip flags of settings.ini, front matter
`skip_exec`, `#| eval: false`, the working directory nbs/, `IN_TEST` set, stop at the first exception, the
metric bounds written in the notebook enforced). The one addition: with `--save DIR`, each notebook that
passes is written with its outputs (figures included: execnb's `CaptureShell` uses matplotlib's inline
backend) to `DIR/<name>.ipynb`, and `DIR/<name>.status.json` records the SHA-256 of the source notebook, the
wall time, the test flags it ran with and the figures its `RunRecord` recorded. The docs check
(`tools/docs.py build --executed DIR`) processes those pages instead of executing every notebook a second
time; a page whose source changed since (another digest) is executed again there.
"""
from __future__ import annotations
import argparse, hashlib, json, sys, time
from collections.abc import Mapping
from pathlib import Path
import nbdev.test as _nbdev_test
from execnb.shell import CaptureShell

def sha256(fn) -> str:
    "SHA-256 of a file's bytes (the notebook a saved execution was made from)."
    return hashlib.sha256(Path(fn).read_bytes()).hexdigest()

def plain(o):
    "`o` with execnb's AttrDicts and fastcore `L`s turned into dicts and lists (for JSON)."
    if isinstance(o, Mapping): return {str(k): plain(v) for k, v in o.items()}
    if isinstance(o, (str, bytes, int, float, bool)) or o is None: return o
    if hasattr(o, '__iter__'): return [plain(v) for v in o]
    return str(o)

def _body(src:str) -> str:
    "A code cell's source without its `#|` directive lines (nbdev's processing takes them out)."
    return '\n'.join(l for l in src.splitlines() if not l.lstrip().startswith('#|')).strip()

def merge_outputs(src:dict, executed) -> dict:
    """The source notebook `src` (json) with the outputs of the executed notebook (nbdev's processed copy, in
    which front-matter cells may be added or removed, but code cells never are), code cell by code cell."""
    code = [c for c in src['cells'] if c['cell_type'] == 'code']
    ran = [c for c in executed.cells if c.cell_type == 'code']
    if len(code) != len(ran): raise ValueError(f'{len(code)} code cells in the source, {len(ran)} executed')
    for c, r in zip(code, ran):
        if _body(''.join(c['source'])) != _body(''.join(r.source)):
            raise ValueError(f"code cell {c.get('id')} differs from the executed one")
        c['outputs'] = plain(r.get('outputs', []) or [])
        c['execution_count'] = r.get('execution_count')
    return src

def recorded_figures(user_ns:dict) -> list[str]:
    "The figures recorded by the notebook's `seisnb.records.RunRecord`s (their paths in a run folder)."
    try: from seisnb.records import RunRecord
    except ImportError: return []
    return sorted({f for v in list(user_ns.values()) if isinstance(v, RunRecord) for f in v.figures})

class SavingShell(CaptureShell):
    "nbdev_test's shell, which also writes the executed notebook to `save_dir` (set on the class)."
    save_dir, flags = None, ''
    def __init__(self, path=None, *args, **kwargs):
        self.nb_path = Path(path) if path else None
        super().__init__(path, *args, **kwargs)

    def run_all(self, nb, *args, **kwargs):
        t0, ok = time.time(), False
        try:
            super().run_all(nb, *args, **kwargs)
            ok = True
        finally:
            if self.save_dir and self.nb_path: self._save(nb, ok, time.time() - t0)

    def _save(self, nb, ok:bool, wall:float):
        out = Path(self.save_dir)
        out.mkdir(parents=True, exist_ok=True)
        name, st = self.nb_path.name, dict(page=self.nb_path.name, status='ok' if ok else 'FAILED',
                                           wall_s=round(wall, 1), sha256=sha256(self.nb_path), error='',
                                           flags=self.flags)
        (out/name).unlink(missing_ok=True)
        if ok:
            try:
                src = json.loads(self.nb_path.read_text(encoding='utf-8'))
                text = json.dumps(merge_outputs(src, nb), indent=1, ensure_ascii=False) + '\n'
                (out/name).write_text(text, encoding='utf-8')
                st['figures'] = recorded_figures(self.user_ns)
            except Exception as e: st.update(status='NOT SAVED', error=f'{type(e).__name__}: {e}')
        (out/f'{self.nb_path.stem}.status.json').write_text(json.dumps(st, indent=1))

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--path', help='a notebook name or glob to test (default: all of nbs/)')
    ap.add_argument('--flags', default='', help='space-separated test flags to run that are normally skipped')
    ap.add_argument('--n_workers', type=int, help='number of worker processes')
    ap.add_argument('--timing', action='store_true', help='print the time of each notebook')
    ap.add_argument('--do_print', action='store_true', help='print start and end of each notebook')
    ap.add_argument('--save', help='write each passing notebook with its outputs into this folder')
    a = ap.parse_args(argv)
    if a.save:
        SavingShell.save_dir, SavingShell.flags = str(Path(a.save).resolve()), a.flags
        _nbdev_test.CaptureShell = SavingShell   # nbdev's test_nb builds its shell from this name
    kw = {k: v for k, v in dict(path=a.path, flags=a.flags, n_workers=a.n_workers, timing=a.timing,
                                do_print=a.do_print).items() if v is not None}
    try: _nbdev_test.nbdev_test(**kw)       # exits 1 (SystemExit) when a notebook fails
    except SystemExit as e: return int(e.code or 0)
    return 0

if __name__ == '__main__': sys.exit(main())
