"""CI check of the docs site up to Quarto's input (issue 13): Quarto cannot be installed on these
machines, so this builds exactly what `quarto render` gets (`tools/docs.py build --no-render`:
every page executed with papermill and its default parameters, inline figures, then nbdev's own
processing) and checks, per chapter: it executed, its figures are image outputs, no output is an
error or a traceback, its math, links to other chapters and citations survived the processing;
for the site: the page order is the sidebar's. Then the nbconvert preview of two chapters is
screenshotted in headless Chromium (skipped when no browser is installed).

One execution serves every check (a session fixture, 2 workers; `DOCS_WORKERS` changes that).
Set `SEISNB_DOCS_BUILD=<folder>` to check a build that `make docs` / `make preview` already made
(`_docs_build`) instead of executing again. Set `SEISNB_DOCS_PAGES=01_bvalue,02_bvalue_grid` (comma-separated
pages of the sidebar, `.ipynb` optional) to build and check only those pages (the same subset that
`python tools/docs.py build --no-render --only 01_bvalue 02_bvalue_grid` builds); the site checks then
check that subset's order, not the whole sidebar. A chapter that fails to execute fails its own tests
only. The build's timings are written to `<build>/build.json` and printed in the test summary.
"""
import json, os, re, shutil, subprocess, time
from pathlib import Path
import pytest
import yaml
import docs

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
ALL_PAGES = [p for p in docs.sidebar_entries() if (NBS/p).exists()]

def selected_pages(spec:str|None, pages:list=ALL_PAGES) -> list:
    "The pages named in `spec` (comma-separated, `.ipynb` optional), in sidebar order; all pages when empty."
    if not spec or not spec.strip(): return list(pages)
    names = [w.strip() for w in spec.split(',') if w.strip()]
    want = [w if w.endswith('.ipynb') else w + '.ipynb' for w in names]
    unknown = [w for w in want if w not in pages]
    if unknown: raise ValueError(f'SEISNB_DOCS_PAGES names pages that are not in nbs/sidebar.yml: {unknown}')
    return [p for p in pages if p in want]

PAGES = selected_pages(os.environ.get('SEISNB_DOCS_PAGES'))
SUBSET = PAGES != ALL_PAGES
CHAPTERS = [p for p in PAGES if p != 'index.ipynb']

# Chapters whose page shows no figure, each with its reason. Every other chapter must show at least one image
# output; a chapter listed here must show none (so the list stays true: remove a chapter once it draws).
NO_FIGURES = {
    '00b_data.ipynb': 'dataset registry and data-mirror lookup: nothing to plot',
    '00c_learn.ipynb': 'the shared training layer (seeding, fit, metrics, model files): tables, tests',
    '00e_records.ipynb': 'draws one throwaway figure only to test RunRecord.figure, and closes it',
    '00f_synth_blocks.ipynb': 'toy b-value blocks for the trainer tests; 03 and 09a show blocks',
    '09b_progressive_autoencoder.ipynb': 'no figure yet (a reconstruction figure would help the reader)',
    '09d_cli.ipynb': 'the console script: command lines and their printed output',
}
if not (NBS/'results'/'09c_search_japan.json').exists():
    NO_FIGURES['09c_progressive_search.ipynb'] = ('the search figures (Figs. 8, C.7-C.9) need its results '
                                                  'file nbs/results/09c_search_japan.json (run_search=True); '
                                                  'the checks on a made-up table close their figures')
# screenshotted when they built; else the next chapters that did
SHOT_PREFERRED = ('01_bvalue.ipynb', '05_detector.ipynb')

@pytest.fixture(scope='session')
def build(tmp_path_factory):
    "The executed and processed pages (built once per session, or reused from SEISNB_DOCS_BUILD)."
    reuse = os.environ.get('SEISNB_DOCS_BUILD')
    if reuse:
        out = Path(reuse)
        if not (out/'build.json').exists():
            pytest.fail(f'SEISNB_DOCS_BUILD={reuse}: no build.json there (run `make preview`)')
    else:
        out = tmp_path_factory.mktemp('docs_build')
        t0 = time.time()
        docs.build(out, PAGES, n_workers=int(os.environ.get('DOCS_WORKERS', 2)))
        print(f'\ndocs build: {time.time()-t0:.0f} s')
    res = json.loads((out/'build.json').read_text())
    res['dir'] = out
    res['exec_by'] = {r['page']: r for r in res['execute']}
    res['proc_by'] = {r['page']: r for r in res['process']}
    return res

def _nb(build, kind, page):
    fn = build['dir']/kind/page
    if not fn.exists():
        err = build[kind[:4] + '_by'].get(page, {}).get('error', 'not built')
        pytest.fail(f'{page}: no {kind} notebook ({err[-1500:]})')
    return json.loads(fn.read_text(encoding='utf-8'))

def _src(c): return ''.join(c.get('source', ''))
def _text(o): return ''.join(o.get('text', '')) if isinstance(o.get('text', ''), (list, str)) else ''

def _require_executed(build, page):
    r = build['exec_by'].get(page)
    if r is None: pytest.fail(f'{page} was not built')
    if r['status'] != 'ok': pytest.fail(f"{page} failed to execute ({r['wall_s']} s):\n{r['error'][-2500:]}")
    p = build['proc_by'].get(page)
    if p['status'] != 'ok': pytest.fail(f"{page}: nbdev processing failed:\n{p['error'][-2500:]}")

def test_build_timing(build):
    "Not a check: reports what the build cost (see build.json)."
    ex = sorted(build['execute'], key=lambda r: -r['wall_s'])
    print(f"\ndocs build: execute {build['execute_s']} s, nbdev processing {build['process_s']} s, "
          f"{build['n_workers']} workers; slowest: "
          + ', '.join(f"{r['page']} {r['wall_s']} s" for r in ex[:4]))

# ---- the site -------------------------------------------------------------------------------
def test_page_order_matches_sidebar(build):
    proc = build['dir']/'proc'
    sb = yaml.safe_load((proc/'sidebar.yml').read_text())['website']['sidebar']['contents']
    assert docs.sidebar_entries(sb) == docs.sidebar_entries(), 'processed sidebar.yml differs from nbs/'
    built = sorted(p.name for p in proc.glob('*.ipynb'))
    if SUBSET:   # a subset (SEISNB_DOCS_PAGES) built here or checked in a bigger build: its pages, in order
        assert [p for p in build['pages'] if p in PAGES] == PAGES, f"build order {build['pages']} vs {PAGES}"
        assert set(PAGES) <= set(built) <= set(ALL_PAGES), f'pages in Quarto input {built} vs {PAGES}'
    else:
        assert build['pages'] == PAGES
        assert built == sorted(PAGES), f'pages in Quarto input {built} vs sidebar {PAGES}'
        assert PAGES[0] == 'index.ipynb'
    numbered = [int(p[:2]) for p in PAGES if p[:2].isdigit()]
    assert numbered == sorted(numbered)
    cfg = yaml.safe_load((proc/'_quarto.yml').read_text())
    assert {'nbdev.yml', 'sidebar.yml'} <= set(cfg['metadata-files']) and (proc/'nbdev.yml').exists()

# ---- per chapter ----------------------------------------------------------------------------
@pytest.mark.parametrize('page', PAGES)
def test_executes(build, page):
    _require_executed(build, page)

@pytest.mark.parametrize('page', PAGES)
def test_front_matter(build, page):
    _require_executed(build, page)
    nb = _nb(build, 'proc', page)
    fm = nb['cells'][0]
    assert fm['cell_type'] == 'raw' and _src(fm).startswith('---'), f'{page}: no Quarto front matter'
    d = yaml.safe_load(_src(fm).strip().strip('-'))
    assert d.get('title') and d.get('description'), f'{page}: front matter lacks title/description: {d}'

@pytest.mark.parametrize('page', PAGES)
def test_no_error_outputs(build, page):
    nb = _nb(build, 'proc', page)
    bad = []
    for i, c in enumerate(nb['cells']):
        for o in c.get('outputs', []):
            if o['output_type'] == 'error':
                bad.append(f"cell {i}: {o.get('ename')}: {o.get('evalue', '')[:200]}")
            elif o['output_type'] == 'stream' and 'Traceback (most recent call last)' in _text(o):
                bad.append(f'cell {i}: traceback printed to {o.get("name")}: ' + _text(o)[-300:])
    assert not bad, f'{page}: error outputs on the page:\n' + '\n'.join(bad)

_re_plots = re.compile(r'\bplt\.|\bplot_\w+\(|\.plot\(|subplots\(|\bimshow\(')

def _images(cells): return sum('image/png' in o.get('data', {}) or 'image/svg+xml' in o.get('data', {})
                               for c in cells for o in c.get('outputs', []))

def test_no_figures_declarations():
    "Every chapter declared figure-less is a chapter of the sidebar, with its reason."
    extra = set(NO_FIGURES) - set(ALL_PAGES)
    assert not extra, f'NO_FIGURES names pages not in the sidebar: {extra}'
    assert all(len(r) > 10 for r in NO_FIGURES.values())

@pytest.mark.parametrize('page', CHAPTERS)
def test_figures_are_inline(build, page):
    """The figures a chapter records (`rec.figure`, saved as PNG) are image outputs on its page and reach
    Quarto; every chapter shows at least one, unless NO_FIGURES declares (and its page confirms) none."""
    _require_executed(build, page)
    ex, proc = _nb(build, 'exec', page), _nb(build, 'proc', page)
    recorded = sorted(set(build['exec_by'][page].get('figures', [])))
    n_ex, n_proc = _images(ex['cells']), _images(proc['cells'])
    if page in NO_FIGURES:
        assert n_ex == 0 and not recorded, (f'{page} is declared figure-less ({NO_FIGURES[page]}) but shows '
                                            f'{n_ex} image outputs and records {recorded}: remove it from '
                                            f'NO_FIGURES')
        return
    assert n_proc > 0, f'{page}: no figure on its processed page (add one, or declare it in NO_FIGURES, why)'
    assert n_ex >= len(recorded), (f'{page}: {len(recorded)} figures recorded but only {n_ex} image outputs '
                                   f'(figures closed before display?): {recorded}')
    plots = any(c['cell_type'] == 'code' and _re_plots.search(_src(c)) for c in ex['cells'])
    if plots or recorded: assert n_proc > 0, f'{page} draws figures but its processed page has no image'
    hide = {'hide', 'export', 'exporti'}
    hidden = sum(_images([c]) for c in ex['cells'] if docs.directives(_src(c)).keys() & hide)
    assert n_proc >= n_ex - hidden, f'{page}: {n_ex - hidden - n_proc} figures lost in nbdev processing'

_re_math = re.compile(r'\$\$.+?\$\$|\$[^$\n]+?\$', re.S)
_re_link = re.compile(r'\]\(((?:\./)?(\d\d[a-z]?_[\w]+)\.(?:ipynb|html|qmd))(#[\w-]*)?\)')
_name = r"[A-Z][A-Za-z\u00c0-\u017f'\-]+"
_re_cite = re.compile(r"\b" + _name + r"(?: et al\.|,? (?:&|and) " + _name + r")? "
                      r"\(?(?:1[89]|20)\d\d[a-z]?\)?|\bdoi:\s?10\.\S+")

def _norm(s): return re.sub(r'\s+', ' ', s).strip()

def _page_text(nb) -> str:
    "All markdown text a reader of the processed page sees: front matter, markdown cells and outputs."
    parts = []
    for c in nb['cells']:
        if c['cell_type'] == 'raw' and _src(c).startswith('---'):
            d = yaml.safe_load(_src(c).strip().strip('-')) or {}
            parts += [str(d.get('title', '')), str(d.get('description', ''))]
        elif c['cell_type'] == 'markdown': parts.append(_src(c))
        for o in c.get('outputs', []):
            md = o.get('data', {}).get('text/markdown')
            if md: parts.append(''.join(md))
    return _norm('\n'.join(parts))

@pytest.mark.parametrize('page', PAGES)
def test_math_links_citations_survive(build, page):
    "Every formula, link to another chapter and citation of the chapter's markdown is on the processed page."
    src = _nb(build, 'exec', page)   # the chapter as it was built (the committed one may have changed since)
    md = '\n'.join(_src(c) for c in src['cells'] if c['cell_type'] == 'markdown')
    md = re.sub(r'`[^`\n]*`', '', md)  # inline code is linkified by nbdev, not math or citations
    text = _page_text(_nb(build, 'proc', page))
    lost = [m for m in _re_math.findall(md) if _norm(m) not in text]
    lost += [c for c in _re_cite.findall(md) if _norm(c) not in text]
    links = _re_link.findall(md)
    lost += [l[0] for l in links if l[0] not in text]
    assert not lost, f'{page}: lost in processing: {lost[:10]}'
    dangling = [l[0] for l in links if l[1] + '.ipynb' not in PAGES]
    assert not dangling, f'{page}: links to chapters that are not in the sidebar: {dangling}'

def test_render_hands_quarto_the_processed_folder(build, tmp_path, monkeypatch):
    "With a (fake) quarto on PATH, the site is rendered from the processed folder, not executed, into _docs."
    proc = tmp_path/'proc'
    shutil.copytree(build['dir']/'proc', proc)
    bin_ = tmp_path/'bin'; bin_.mkdir()
    (bin_/'quarto').write_text('#!/bin/sh\necho "$@" > "$2/quarto_args"; mkdir -p "$2/_docs"; '
                               'touch "$2/_docs/index.html"\n')
    (bin_/'quarto').chmod(0o755)
    monkeypatch.setenv('PATH', f"{bin_}:{os.environ['PATH']}")
    site = docs.render(proc, tmp_path/'site')
    assert (site/'index.html').exists()
    args = (proc/'quarto_args').read_text().split()
    assert args[:2] == ['render', str(proc)] and '--no-execute' in args

# ---- the preview in a browser ---------------------------------------------------------------
def _browser():
    return next((b for b in (os.environ.get('CHROME'), 'chromium', 'chromium-browser', 'google-chrome')
                 if b and shutil.which(b)), None)

def test_preview_screenshots(build, tmp_path):
    "The nbconvert preview of two chapters renders in headless Chromium with its figures."
    browser = _browser()
    if browser is None: pytest.skip('no chromium/google-chrome on PATH (Debian: apt-get install chromium)')
    pytest.importorskip('nbconvert', reason='nbconvert not installed (make install)')
    ok = [p for p in (*SHOT_PREFERRED, *CHAPTERS) if build['exec_by'].get(p, {}).get('status') == 'ok'
          and build['proc_by'].get(p, {}).get('status') == 'ok' and _images(_nb(build, 'proc', p)['cells'])]
    pages = list(dict.fromkeys(ok))[:2]
    assert len(pages) == 2, f'fewer than two chapters built with figures: {pages}'
    out = Path(os.environ.get('SEISNB_DOCS_SHOTS') or tmp_path)
    html = docs.preview(build['dir']/'proc', out/'preview', pages)
    from PIL import Image
    import numpy as np
    for fn in html:
        page = fn.read_text(encoding='utf-8')
        assert page.count('<img') >= 1 and 'data:image/png;base64' in page, f'{fn.name}: no figure in HTML'
        shot = out/f'{fn.stem}.png'
        r = subprocess.run([browser, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
                            '--window-size=1200,2400', f'--screenshot={shot}', fn.resolve().as_uri()],
                           capture_output=True, text=True, timeout=120)
        assert shot.exists(), f'{browser} wrote no screenshot of {fn.name}: {r.stderr[-1000:]}'
        a = np.asarray(Image.open(shot).convert('L'), dtype=float)
        assert a.shape == (2400, 1200) and a.std() > 10, f'{shot.name}: blank screenshot (std {a.std():.1f})'
