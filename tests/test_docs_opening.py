"""Each chapter opens like a chapter: its title, a one-line summary and a first paragraph of prose
come before any code a reader must scroll past (issue 13).

Only the committed notebooks are read (no execution). Cells nbdev hides on the docs page do not
count as code a reader sees: `#| hide`, `#| default_exp`, `#| export`/`#| exporti` (the page shows
their documentation, not their source), `#| include: false`, `#| echo: false`, and cells collapsed
with Quarto's `#| code-fold: true` (the reader sees one "Code" line, not the code).
"""
import json, re
from pathlib import Path
import pytest
from docs import directives, sidebar_entries

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
HIDDEN = {'hide', 'default_exp', 'export', 'exporti'}
MIN_WORDS = 15  # a paragraph of prose, not a caption

def _src(c): return ''.join(c['source'])

def visible_code(cell:dict) -> bool:
    "True if the docs page shows this cell's code."
    if cell['cell_type'] != 'code' or not _src(cell).strip(): return False
    d = directives(_src(cell))
    if d.keys() & HIDDEN: return False
    if d.get('include:', [''])[0] == 'false' or d.get('echo:', [''])[0] == 'false': return False
    if d.get('code-fold:', [''])[0] == 'true': return False
    return True

def prose_paragraphs(md:str) -> list[str]:
    "Paragraphs of running text in markdown (not headings, quotes, tables, lists, code or HTML)."
    out = []
    for block in re.split(r'\n\s*\n', md):
        b = block.strip()
        if not b or b[0] in '#>|-*`<!' or re.match(r'\d+\.\s', b) or b.startswith(':::'): continue
        if len(re.findall(r'[A-Za-z]{2,}', b)) >= MIN_WORDS: out.append(b)
    return out

def opening_problems(nb_path:Path) -> list[str]:
    "What is wrong with the opening of a chapter (empty list: it opens with title, summary, prose)."
    cells = json.loads(Path(nb_path).read_text(encoding='utf-8'))['cells']
    if not cells: return ['the notebook has no cells']
    probs, first = [], cells[0]
    lines = _src(first).strip().splitlines() if first['cell_type'] == 'markdown' else []
    if not lines or not re.match(r'#\s+\S', lines[0]):
        probs.append('first cell is not a markdown `# Title` cell')
    if not any(re.match(r'>\s*\S', l) for l in lines[1:4]):
        probs.append('no `> summary` line right under the title')
    prose_before_code = bool(prose_paragraphs('\n'.join(l for l in lines if not re.match(r'>|#\s', l))))
    for i, c in enumerate(cells[1:], 1):
        if visible_code(c):
            if not prose_before_code:
                first_line = _src(c).strip().splitlines()[0][:70]
                probs.append(f'code cell {i} ({first_line!r}) comes before any paragraph of prose: move the '
                             f'science paragraph above it, or collapse the cell (`#| code-fold: true`)')
            break
        if c['cell_type'] == 'markdown' and prose_paragraphs(_src(c)): prose_before_code = True
    return probs

CHAPTERS = [p for p in sidebar_entries() if p != 'index.ipynb' and (NBS/p).exists()]

def test_checker_on_examples(tmp_path):
    def nb(*cells):
        fn = tmp_path/'x.ipynb'
        fn.write_text(json.dumps({'cells': [dict(cell_type=t, source=s, metadata={}) for t, s in cells]}))
        return opening_problems(fn)
    para = 'The b-value is the slope of the magnitude-frequency distribution, and this chapter ' \
           'estimates it from a catalog with the maximum-likelihood method of Aki (1965).'
    assert nb(('markdown', '# T\n> s'), ('code', '#| default_exp x'), ('code', '#| hide\nimport os'),
              ('markdown', para), ('code', 'x = 1')) == []
    assert nb(('markdown', f'# T\n> s\n\n{para}'), ('code', 'x = 1')) == []
    p = nb(('markdown', '# T\n> s'), ('code', 'out_dir = None  # parameters'), ('markdown', para))
    assert len(p) == 1 and 'before any paragraph' in p[0]
    assert any('summary' in x for x in nb(('markdown', '# T'), ('markdown', para)))
    assert nb(('markdown', '# T\n> s'), ('markdown', '## Heading only'), ('code', 'x')) != []
    folded = ('code', '#| code-fold: true\nout_dir = None')
    assert nb(('markdown', '# T\n> s'), folded, ('markdown', para)) == []

# Chapters whose opening still put the parameters cell before any prose at 22:00 UTC on 2026-12-01 (issue 13).
# The fix is one command per chapter, by its owner or the lead:
# `python tools/fix_openings.py --apply nbs/X.ipynb`, then `nbdev_clean --fname nbs/X.ipynb`.
# Remove a chapter from this list once fixed (an xpass says so).
OPENING_TODO: set = set()

@pytest.mark.parametrize('page', [pytest.param(p, marks=pytest.mark.xfail(
    reason='opening not fixed yet: tools/fix_openings.py --apply', strict=False)) if p in OPENING_TODO else p
    for p in CHAPTERS])
def test_chapter_opens_with_title_summary_and_prose(page):
    probs = opening_problems(NBS/page)
    assert not probs, f'{page}: ' + '; '.join(probs)

# ---- papermill from the repository root -----------------------------------------------------
_re_rel = re.compile(r"""['"]\.\./[^'"]*['"]|Path\(\s*['"]\.\.['"]\s*\)""")

def cwd_relative_paths(nb_path:Path) -> list[str]:
    "Code using paths relative to `nbs/` (breaks `papermill nbs/X.ipynb out.ipynb` run from the root)."
    out = []
    for i, c in enumerate(json.loads(Path(nb_path).read_text(encoding='utf-8'))['cells']):
        if c['cell_type'] != 'code': continue
        for ln in _src(c).splitlines():
            code = ln.split('#', 1)[0]
            if _re_rel.search(code): out.append(f'cell {i}: {ln.strip()[:100]}')
    return out

def test_relative_path_checker():
    assert _re_rel.search("EX = Path('../data/examples')") and not _re_rel.search("EX = examples_dir()")

@pytest.mark.parametrize('page', [p for p in sidebar_entries() if (NBS/p).exists()])
def test_runs_from_repository_root(page):
    "No chapter depends on being run from nbs/: the README runs `papermill nbs/X.ipynb out.ipynb` from root."
    bad = cwd_relative_paths(NBS/page)
    assert not bad, (f'{page}: paths relative to nbs/ (use seisnb.data.examples_dir() / shared_data_dir() '
                     f'or a path built from the module):\n' + '\n'.join(bad))
