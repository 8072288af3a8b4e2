"""Build seisnb's documentation site from executed notebooks, without ever installing anything.

`make docs` calls `python tools/docs.py build`:

1. checks for `quarto` first (and says so at once when it is missing);
2. executes every page of `nbs/sidebar.yml` with papermill and its default parameters into
   `_docs_build/exec/`, with inline figures (the kernels get matplotlib's inline backend even
   when `MPLBACKEND=Agg` is set around them); cells marked `#| eval: false` never run and cells
   marked `#| slow` run only with `--slow`, as under `nbdev_test`; the committed notebooks are
   only read. With `--executed DIR` (what `make test` does) the pages that `tools/nbtest.py --save DIR`
   executed under `nbdev_test` are reused as they are (unless their notebook changed since), so each
   notebook runs once per `make test`; they lack what papermill would add: the `seisnb` logger's lines on
   stderr and the figure files in `_docs_build/records/`;
3. runs nbdev's own notebook processing (`nbdev.processors.FilterDefaults`, what `nbdev_docs`
   does before Quarto: front matter, `show_doc`, hidden and export cells removed, links) on the
   executed copies into `_docs_build/proc/`, next to the site config: this folder is exactly
   the input `quarto render` gets;
4. renders it with Quarto into `_docs/` when Quarto is installed; otherwise exits 1 with a
   message on how to install Quarto, after everything above is built.

`python tools/docs.py preview` renders `_docs_build/proc/` to plain HTML with nbconvert into
`_docs_build/preview/` (an `index.html` in sidebar order), for a look without Quarto.
It never calls `nbdev_docs`, `nbdev_proc_nbs` or `nbdev_install_quarto` (which run `sudo` and
a bare `pip install` into the system Python when Quarto is missing).
"""
from __future__ import annotations
import argparse, json, os, re, shutil, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
BUILD = ROOT/'_docs_build'
SITE_FILES = ('_quarto.yml', 'nbdev.yml', 'sidebar.yml', 'styles.css')
INLINE = 'module://matplotlib_inline.backend_inline'
QUARTO_HELP = """\
error: `quarto` is not on the PATH, so the site cannot be rendered (everything before Quarto is built:
  executed notebooks in {exec_dir}, Quarto's input in {proc_dir};
  `make preview` renders that input to HTML with nbconvert).
Install Quarto yourself (seisnb never installs it and never calls sudo), then rerun `make docs`:
  Linux, no root:  download quarto-<version>-linux-amd64.tar.gz from https://quarto.org/docs/download/,
                   tar -xzf it into ~/opt and put ~/opt/quarto-<version>/bin on your PATH
  Debian/Ubuntu:   sudo dpkg -i quarto-<version>-linux-amd64.deb   (the .deb from the same page)
  macOS:           brew install --cask quarto   (or the .pkg from the same page)
  conda:           conda install -c conda-forge quarto
Check with `quarto check`. Quarto has no PyPI wheel: pip cannot install it."""

def _progress(it, total=None, desc=None):
    "seisnb's progress bar (seisnb.records) when available, else tqdm, else the plain iterable."
    try: from seisnb.records import progress
    except ImportError:
        try: from tqdm.auto import tqdm
        except ImportError: return it
        return tqdm(it, total=total, desc=desc, disable=not sys.stderr.isatty())
    return progress(it, total=total, desc=desc)

def sidebar_entries(items=None) -> list[str]:
    "The pages of `nbs/sidebar.yml`, in order."
    if items is None:
        import yaml
        items = yaml.safe_load((NBS/'sidebar.yml').read_text())['website']['sidebar']['contents']
    out = []
    for it in items:
        if isinstance(it, str): out.append(it)
        elif isinstance(it, dict): out += sidebar_entries(it.get('contents', []))
    return out

_re_dir = re.compile(r'^\s*#\|\s*(.*?)\s*$')

def directives(src:str) -> dict:
    "nbdev's `#| key: value` directives at the top of a cell (`{'eval:': ['false'], 'slow': []}`)."
    d = {}
    for ln in src.splitlines():
        m = _re_dir.match(ln)
        if not m:
            if ln.strip(): break
            continue
        k, *v = m.group(1).split()
        if k: d[k] = v
    return d

def skip_reason(cell:dict, slow:bool=False) -> str|None:
    "Why a code cell must not run in the docs build (as under nbdev_test), or None."
    if cell['cell_type'] != 'code': return None
    d = directives(''.join(cell['source']))
    if d.get('eval:', [''])[0].lower() == 'false': return 'eval: false'
    if 'slow' in d and not slow: return 'slow'
    return None

def _disable(nb:dict, slow:bool) -> int:
    "Turn the cells that must not run into raw cells (restored by `_restore`); return how many."
    n = 0
    for c in nb['cells']:
        r = skip_reason(c, slow)
        if r:
            c['cell_type'], n = 'raw', n+1
            c.setdefault('metadata', {})['seisnb_skipped'] = r
            c.pop('outputs', None), c.pop('execution_count', None)
    return n

def _restore(nb:dict):
    for c in nb['cells']:
        if c.get('metadata', {}).pop('seisnb_skipped', None):
            c['cell_type'], c['outputs'], c['execution_count'] = 'code', [], None

def kernel_env(base:dict|None=None) -> dict:
    "Environment for the kernels: inline matplotlib figures whatever `MPLBACKEND` says outside."
    env = dict(os.environ if base is None else base)
    env['MPLBACKEND'] = INLINE
    env.pop('IN_TEST', None)
    return env

def maps_env(env:dict|None=None) -> dict:
    "`env` (default: os.environ) plus, without map data, the run loop's one-warning-per-build settings."
    sys.path.insert(0, str(ROOT/'tools'))
    from run_notebooks import map_data_message, kernel_env as run_env
    env = dict(os.environ if env is None else env)
    msg = map_data_message()
    if msg: _log(f'warning: {msg}')
    env.update({k: v for k, v in run_env(msg).items() if k != 'MPLBACKEND'})
    return env

def _write_json(nb:dict, fn:Path):
    fn.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')

def execute_one(nb_path:Path, out_dir:Path, slow:bool=False, timeout:int=1800, env:dict|None=None,
                record_dir:Path|None=None) -> dict:
    """Execute one notebook with papermill (default parameters) into `out_dir`; status, wall time, error.
    With `record_dir` the notebook also gets `out_dir=record_dir` (its RunRecord saves metrics and figure
    PNGs there, as under `make run`); the injected parameter cell is removed from the page again."""
    nb_path, out_dir = Path(nb_path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    skipped = _disable(nb, slow)
    tmp_in, out = out_dir/f'.{nb_path.stem}.in.ipynb', out_dir/nb_path.name
    _write_json(nb, tmp_in)
    cmd = [sys.executable, '-m', 'papermill', str(tmp_in), str(out), '--cwd', str(NBS), '-k', 'python3',
           '--no-progress-bar', '--no-log-output']
    if record_dir is not None:
        Path(record_dir).mkdir(parents=True, exist_ok=True)
        cmd += ['-p', 'out_dir', str(Path(record_dir).resolve())]
    t0, status, err = time.time(), 'ok', ''
    try:
        r = subprocess.run(cmd, env=kernel_env(env), capture_output=True, text=True, timeout=timeout)
        if r.returncode: status, err = 'FAILED', _papermill_error(r.stderr)
    except subprocess.TimeoutExpired: status, err = 'FAILED', f'timed out after {timeout} s'
    finally: tmp_in.unlink(missing_ok=True)
    if out.exists():
        ex = json.loads(out.read_text(encoding='utf-8'))
        _restore(ex)
        injected = lambda c: 'injected-parameters' in c.get('metadata', {}).get('tags', [])
        ex['cells'] = [c for c in ex['cells'] if not injected(c)]
        _write_json(ex, out)
    else: status, err = 'FAILED', err or 'papermill wrote no output notebook'
    rec = Path(record_dir or '.')/f'{nb_path.stem}.metrics.json'
    figs = json.loads(rec.read_text()).get('figures', []) if record_dir and rec.exists() else []
    return dict(page=nb_path.name, status=status, wall_s=round(time.time()-t0, 1), skipped_cells=skipped,
                error=err, figures=figs)

def _papermill_error(stderr:str) -> str:
    "The useful tail of papermill's stderr (the failing cell's exception), without kernel noise."
    lines = [l for l in stderr.splitlines() if 'Kernel is running over TCP' not in l and l.strip()]
    marks = ('PapermillExecutionError', 'Exception encountered')
    i = next((k for k, l in enumerate(lines) if any(m in l for m in marks)), None)
    return '\n'.join(lines[i:] if i is not None else lines[-25:])[-3000:]

# The pages that take longest to execute (idle 2-core machine, 2026-12-02: 187, 90, 86, 86, 80, 75 s);
# the rest take under 50 s each. Started first, so the build is not left waiting on one long page at the end.
SLOWEST = ['08b_subduction_baselines.ipynb', '09e_progressive_known_answer.ipynb', '05_detector.ipynb',
           '06a_interpret_controls.ipynb', '08_subduction.ipynb', '06_interpret.ipynb']

def execute_all(out_dir:Path, pages:list[str]|None=None, n_workers:int=2, slow:bool=False,
                timeout:int=1800, env:dict|None=None, record_dir:Path|None=None) -> list[dict]:
    "Execute `pages` (default: the sidebar's) with `n_workers` kernels at a time, the slowest first."
    pages = pages or sidebar_entries()
    env = maps_env(env)
    first = [p for p in SLOWEST if p in pages]    # longest first; the results stay in page order
    with ThreadPoolExecutor(max(1, n_workers)) as ex:
        futs = {ex.submit(execute_one, NBS/p, out_dir, slow, timeout, env, record_dir): p
                for p in first + [p for p in pages if p not in first]}
        done = {}
        for f in _progress(as_completed(futs), total=len(futs), desc='executing notebooks'):
            r = f.result(); done[r['page']] = r
            _log(f"  {r['page']}: {r['status']} in {r['wall_s']} s")
    return [done[p] for p in pages]

def reuse_executed(src:Path, out_dir:Path, pages:list[str], slow:bool=False) -> tuple[list[dict], list[str]]:
    """Copy into `out_dir` the pages `tools/nbtest.py --save src` executed under `nbdev_test` (make test runs
    each notebook once): their execute records, and the pages still to execute here (not saved there, failed,
    run with other flags, or changed since: the source's SHA-256 differs)."""
    sys.path.insert(0, str(ROOT/'tools'))
    from nbtest import sha256
    src, done, todo = Path(src), [], []
    out_dir.mkdir(parents=True, exist_ok=True)
    for p in pages:
        stf = src/f'{Path(p).stem}.status.json'
        st = json.loads(stf.read_text()) if stf.exists() else {}
        same_flags = ('slow' in st.get('flags', '').split()) == slow
        if st.get('status') == 'ok' and (src/p).exists() and same_flags and st.get('sha256') == sha256(NBS/p):
            shutil.copy2(src/p, out_dir/p)
            nb = json.loads((NBS/p).read_text(encoding='utf-8'))
            n_skip = sum(skip_reason(c, slow) is not None for c in nb['cells'])
            done.append(dict(page=p, status='ok', wall_s=st['wall_s'], skipped_cells=n_skip, error='',
                             figures=st.get('figures', []), executed_by='nbdev_test'))
        else: todo.append(p)
    return done, todo

_PROC_MANY = ("import os, sys, json, time, traceback; os.chdir(sys.argv[1]); os.environ['IN_TEST'] = '1'\n"
              "from nbdev.serve_drv import exec_nb\nfrom nbdev.processors import FilterDefaults\n"
              "from pathlib import Path\n"
              "for src, dst in json.loads(sys.argv[2]):\n"
              "    t0 = time.time(); err = ''\n"
              "    try: exec_nb(Path(src), Path(dst), FilterDefaults)\n"
              "    except Exception: err = traceback.format_exc()[-3000:]\n"
              "    res = dict(page=Path(src).name, wall_s=round(time.time()-t0, 1), error=err)\n"
              "    print('@@page ' + json.dumps(res), flush=True)\n")

def process_many(pairs:list[tuple[Path, Path]], timeout:int=1800) -> list[dict]:
    """nbdev's docs processing of several executed notebooks in ONE Python process, as nbdev's own
    `nbdev_proc_nbs` does in each of its workers: torch, fastai and seisnb are imported once for the
    `show_doc` cells of every page, not once per page. A page that fails fails alone."""
    env = dict(os.environ, MPLBACKEND='Agg')
    try:
        r = subprocess.run([sys.executable, '-c', _PROC_MANY, str(ROOT),
                            json.dumps([[str(a), str(b)] for a, b in pairs])], env=env, capture_output=True,
                           text=True, timeout=timeout)
        out, crash = r.stdout, ('' if r.returncode == 0 else r.stderr[-3000:])
    except subprocess.TimeoutExpired as e:
        out, crash = (e.stdout or b'').decode() if isinstance(e.stdout, bytes) else (e.stdout or ''), \
            f'nbdev processing timed out after {timeout} s'
    done = {}
    for line in out.splitlines():
        if line.startswith('@@page '):
            d = json.loads(line[7:]); done[d['page']] = d
    res = []
    for src, dst in pairs:
        d = done.get(Path(src).name, dict(page=Path(src).name, wall_s=0, error=crash or 'not processed'))
        if not d['error'] and not Path(dst).exists(): d['error'] = f'{dst} was not written'
        res.append(dict(page=d['page'], status='ok' if not d['error'] else 'FAILED', wall_s=d['wall_s'],
                        error=d['error']))
    return res

def process_all(exec_dir:Path, proc_dir:Path, pages:list[str]|None=None, n_workers:int=2) -> list[dict]:
    "Quarto's input in `proc_dir`: the site files and every executed page, processed by nbdev (n_workers)."
    pages = pages or sidebar_entries()
    proc_dir.mkdir(parents=True, exist_ok=True)
    for f in SITE_FILES:
        if (NBS/f).exists(): shutil.copy2(NBS/f, proc_dir/f)
    todo = [p for p in pages if (exec_dir/p).exists()]
    n = max(1, min(n_workers, len(todo)))
    chunks = [[(exec_dir/p, proc_dir/p) for p in todo[k::n]] for k in range(n)]
    done = {}
    with ThreadPoolExecutor(n) as ex:
        futs = [ex.submit(process_many, c) for c in chunks if c]
        for f in _progress(as_completed(futs), total=len(futs), desc='nbdev processing'):
            for r in f.result(): done[r['page']] = r
    return [done.get(p, dict(page=p, status='FAILED', wall_s=0, error='not executed')) for p in pages]

def build(out:Path=BUILD, pages:list[str]|None=None, n_workers:int=2, slow:bool=False, timeout:int=1800,
          update:bool=False, executed:Path|None=None) -> dict:
    """Execute, then process, the pages into `out/exec`, `out/proc` (figures: `out/records`), `build.json`.
    With `executed` (a `tools/nbtest.py --save` folder) the pages nbdev_test executed there are reused."""
    pages = pages or sidebar_entries()
    out = Path(out)
    old = json.loads((out/'build.json').read_text()) if update and (out/'build.json').exists() else None
    if old is None:
        for sub in ('exec', 'proc', 'records'): shutil.rmtree(out/sub, ignore_errors=True)
    t0 = time.time()
    reused, todo = reuse_executed(executed, out/'exec', pages, slow) if executed else ([], pages)
    if reused: _log(f'{len(reused)} pages as nbdev_test executed them ({executed}); executing {len(todo)}')
    ran = execute_all(out/'exec', todo, n_workers, slow, timeout, record_dir=out/'records') if todo else []
    by = {r['page']: r for r in reused + ran}
    ex = [by[p] for p in pages]
    t1 = time.time()
    pr = process_all(out/'exec', out/'proc', pages, n_workers)
    t2 = time.time()
    res = dict(pages=pages, execute=ex, process=pr, execute_s=round(t1-t0, 1), process_s=round(t2-t1, 1),
               n_workers=n_workers, slow=slow, reused=[r['page'] for r in reused])
    if old is not None:   # --update: these pages rebuilt, the others kept; pages in sidebar order
        new = {r['page'] for r in ex}
        allp = sidebar_entries()
        for k in ('execute', 'process'):
            by = {r['page']: r for r in old[k] if r['page'] not in new} | {r['page']: r for r in res[k]}
            res[k] = [by[p] for p in allp if p in by]
        res['pages'] = [p for p in allp if p in {r['page'] for r in res['execute']}]
        res['updated'] = sorted(new)
    (out/'build.json').write_text(json.dumps(res, indent=1))
    return res

def _log(msg:str):
    try:
        from seisnb.records import logger
        if logger.hasHandlers() and logger.getEffectiveLevel() <= 20: logger.info(msg); return
    except ImportError: pass
    print(msg, flush=True)

def _title_cell(fm_src:str) -> str|None:
    "Markdown `# title` + `> description` from a Quarto front-matter raw cell."
    import yaml
    s = fm_src.strip()
    if not (s.startswith('---') and s.endswith('---')): return None
    d = yaml.safe_load(s.strip('-')) or {}
    title = f"# {d.get('title', '')}"
    return f"{title}\n\n> {d['description']}" if d.get('description') else title

def _preview_nb(nb):
    "The processed notebook as a reader sees it without Quarto: front matter as title, hidden inputs hidden."
    for c in nb.cells:
        if c.cell_type == 'raw':
            t = _title_cell(c.source)
            if t is not None: c.cell_type, c.source = 'markdown', t
        if c.cell_type == 'code':
            d = directives(c.source)
            if d.get('echo:', [''])[0] == 'false' or d.get('include:', [''])[0] == 'false':
                c.metadata.setdefault('transient', {})['remove_source'] = True
                c.metadata['jupyter'] = dict(source_hidden=True)
            c.source = '\n'.join(l for l in c.source.splitlines() if not _re_dir.match(l)).strip()
    return nb

def preview(proc_dir:Path=BUILD/'proc', out_dir:Path=BUILD/'preview',
            pages:list[str]|None=None) -> list[Path]:
    "Render the processed pages to HTML with nbconvert (no Quarto), plus an index in sidebar order."
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    pages = [p for p in (pages or sidebar_entries()) if (Path(proc_dir)/p).exists()]
    out_dir = Path(out_dir); out_dir.mkdir(parents=True, exist_ok=True)
    exp = HTMLExporter(template_name='lab', exclude_input_prompt=True, exclude_output_prompt=True)
    exp.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'hide-input'}), enabled=True)
    written, links = [], []
    for p in pages:
        nb = _preview_nb(nbformat.read(Path(proc_dir)/p, as_version=4))
        for c in nb.cells:
            if c.metadata.get('jupyter', {}).get('source_hidden'):
                c.metadata.setdefault('tags', []).append('hide-input')
        html, _ = exp.from_notebook_node(nb)
        fn = out_dir/(Path(p).stem + '.html')
        html = re.sub(r'href="([\w.-]+)\.ipynb', r'href="\1.html', html)
        html = re.sub(r'\{target="_blank"[^}]*\}', '', html)  # Quarto link attributes from show_doc
        fn.write_text(html, encoding='utf-8')
        written.append(fn); links.append(f'<li><a href="{fn.name}">{Path(p).stem}</a></li>')
    idx = out_dir/'index.html'
    if 'index.ipynb' in pages: idx = out_dir/'contents.html'
    idx.write_text('<html><head><meta charset="utf-8"><title>seisnb preview</title></head><body>'
                   '<h1>seisnb docs preview (nbconvert)</h1><ol>' + ''.join(links) + '</ol></body></html>')
    return written

def quarto() -> str|None: return shutil.which('quarto')

def render(proc_dir:Path=BUILD/'proc', site_dir:Path=ROOT/'_docs') -> Path:
    "`quarto render` of Quarto's input (nothing executed again); the site goes to `site_dir` (`_docs/`)."
    subprocess.run([quarto() or 'quarto', 'render', str(proc_dir), '--no-cache', '--no-execute'], check=True)
    site = Path(proc_dir)/'_docs'
    if not site.is_dir(): raise RuntimeError(f'quarto render wrote no {site}')
    shutil.rmtree(site_dir, ignore_errors=True)
    shutil.move(str(site), str(site_dir))
    return Path(site_dir)

def _report(res:dict):
    n_re = len(res.get('reused', []))
    how = f" ({n_re} as nbdev_test executed them, {len(res['pages']) - n_re} executed here)" if n_re else ''
    print(f"{len(res['pages'])} pages{how}: executing {res['execute_s']} s, processing {res['process_s']} s "
          f"({res['n_workers']} workers)")
    for e, p in zip(res['execute'], res['process']):
        how = 'nbdev_test' if e.get('executed_by') == 'nbdev_test' else 'execute'
        line = f"  {e['page']:<32} {how:<10} {e['status']:<6} {e['wall_s']:>7} s   process {p['status']}"
        if e['skipped_cells']: line += f"   ({e['skipped_cells']} cells not run: eval: false / slow)"
        print(line)
    for r in res['execute'] + res['process']:
        if r['error']: print(f"\n--- {r['page']} failed:\n{r['error']}")

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    b = sub.add_parser('build', help='execute + process the pages, then quarto render (or fail cleanly)')
    b.add_argument('--only', nargs='*', help='pages to build (default: all of nbs/sidebar.yml)')
    b.add_argument('--workers', type=int, default=int(os.environ.get('DOCS_WORKERS', 2)))
    b.add_argument('--slow', action='store_true', help='also run cells marked #| slow')
    b.add_argument('--out', default=str(BUILD))
    b.add_argument('--no-render', action='store_true',
                   help='stop before Quarto (no error when it is missing)')
    b.add_argument('--executed', help='a `tools/nbtest.py --save` folder: reuse the pages nbdev_test '
                   'executed (unchanged since), execute only the others')
    b.add_argument('--update', action='store_true',
                   help='rebuild only --only pages into an existing build, keep the rest')
    p = sub.add_parser('preview', help='render the processed pages to HTML with nbconvert')
    p.add_argument('--out', default=str(BUILD))
    a = ap.parse_args(argv)
    out = Path(a.out)
    if a.cmd == 'preview':
        if not (out/'proc').is_dir():
            print(f'error: {out/"proc"} does not exist: run `make docs` '
                  '(or `python tools/docs.py build --no-render`) first')
            return 1
        fns = preview(out/'proc', out/'preview')
        print(f'wrote {len(fns)} pages to {out/"preview"} (open {out/"preview"/"index.html"})'); return 0
    q = quarto()
    if not q and not a.no_render:
        print('note: `quarto` is not on the PATH: building everything up to Quarto, then stopping with an '
              'error', flush=True)
    pages = None
    if a.only:   # the named pages in the sidebar's order (the site's), whatever order they came in
        want = [p if p.endswith('.ipynb') else p + '.ipynb' for p in a.only]
        unknown = [p for p in want if p not in sidebar_entries()]
        if unknown:
            print(f'error: --only names pages that are not in nbs/sidebar.yml: {unknown}', file=sys.stderr)
            return 2
        pages = [p for p in sidebar_entries() if p in want]
    res = build(out, pages, a.workers, a.slow, update=a.update, executed=a.executed and Path(a.executed))
    _report(res)
    ok = all(r['status'] == 'ok' for r in res['execute'] + res['process'])
    if a.no_render: return 0 if ok else 1
    if not q:
        print(QUARTO_HELP.format(exec_dir=out/'exec', proc_dir=out/'proc'), file=sys.stderr); return 1
    render(out/'proc')
    print(f'site written to {ROOT/"_docs"}')
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())
