"""What can be checked of the Quarto docs site without Quarto: the site config parses, the
sidebar lists every notebook in reading order and nothing else. nbdev's pre-processing (the step
before `quarto render`) is checked on the executed notebooks in tests/test_docs_build.py."""
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[1]

def _sidebar_entries(items):
    for it in items:
        if isinstance(it, str): yield it
        elif isinstance(it, dict): yield from _sidebar_entries(it.get('contents', []))

def test_quarto_config_parses_and_is_shared_with_nbs():
    cfg = yaml.safe_load((ROOT/'_quarto.yml').read_text())
    assert cfg['project']['type'] == 'website'
    assert 'sidebar.yml' in cfg['metadata-files']
    assert (ROOT/'nbs'/'_quarto.yml').resolve() == (ROOT/'_quarto.yml').resolve()

def test_sidebar_lists_every_notebook_in_order():
    sb = yaml.safe_load((ROOT/'nbs'/'sidebar.yml').read_text())
    entries = list(_sidebar_entries(sb['website']['sidebar']['contents']))
    nbs = sorted(p.name for p in (ROOT/'nbs').glob('*.ipynb'))
    assert sorted(entries) == nbs, f'sidebar {entries} vs notebooks {nbs}'
    numbered = [int(e[:2]) for e in entries if e[:2].isdigit()]
    assert numbered == sorted(numbered), 'sidebar is not in reading order (chapter numbers must not ' \
                                         'decrease; lettered notebooks of a chapter may be grouped by topic)'
    assert entries[0] == 'index.ipynb'

# nbdev's docs processing of every page is checked on the executed notebooks, the exact input of
# `quarto render`, in tests/test_docs_build.py (one execution for all docs checks).

# ---- cells nbdev's docs processing re-executes ----------------------------------------------
import ast, json, re, sys
import pytest
sys.path.insert(0, str(ROOT/'tools'))
from docs import directives, sidebar_entries  # noqa: E402

def _module_nodes(tree) -> list:
    "The nodes that run at module level: not inside function, lambda or class bodies."
    out, todo = [], list(ast.iter_child_nodes(tree))
    scoped = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    while todo:
        n = todo.pop()
        out.append(n)
        if not isinstance(n, scoped): todo += list(ast.iter_child_nodes(n))
    return out

def _bound(nodes) -> set:
    "Names a cell binds at module level (imports, assignments, defs; not a function's arguments or locals)."
    b = set()
    for n in nodes:
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            for a in n.names:
                if a.name == '*': b |= _star(n.module)
                else: b.add(a.asname or a.name.split('.')[0])
        elif isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)): b.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)): b.add(n.name)
        elif isinstance(n, ast.ExceptHandler) and n.name: b.add(n.name)
    return b

def _run_time_loads(tree) -> set:
    "Names read when the cell runs (not inside function or lambda bodies, which read them only when called)."
    out, todo = set(), list(ast.iter_child_nodes(tree))
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            todo += [*getattr(n, 'decorator_list', []), *n.args.defaults]
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load): out.add(n.id)
        todo += list(ast.iter_child_nodes(n))
    return out

def _star(module:str|None) -> set:
    "The names `from module import *` binds ({'*'}: unknown, check nothing)."
    import importlib
    try: m = importlib.import_module(module)
    except Exception: return {'*'}
    return set(getattr(m, '__all__', None) or [k for k in vars(m) if not k.startswith('_')])

def mixed_import_cells(nb_path) -> list[str]:
    """Cells that import and also use state nbdev's docs processing does not have.

    Before Quarto, nbdev (`exec_show_docs`) re-runs, in order and in a fresh shell, only the export cells and
    the cells that contain an import ("cells containing imports and other code", nbdev FAQ). A cell that
    imports and also uses a variable made by an ordinary cell therefore fails the docs build. Keep imports
    in the imports cell, apart from code."""
    import builtins
    known, out = set(dir(builtins)) | {'show_doc', '__file__'}, []
    for i, c in enumerate(json.loads(Path(nb_path).read_text(encoding='utf-8'))['cells']):
        if c['cell_type'] != 'code': continue
        s = ''.join(c['source']); d = directives(s)
        if d.get('eval:', [''])[0] == 'false': continue
        try: tree = ast.parse(re.sub(r'^\s*[%!].*$', '', s, flags=re.M))
        except SyntaxError: continue
        nodes = list(ast.walk(tree))
        export = bool(d.keys() & {'export', 'exports', 'exporti', 'exec_doc'})
        if not export and not any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in nodes): continue
        mine = _bound(_module_nodes(tree))
        missing = _run_time_loads(tree) - mine - known
        if missing and not export and '*' not in known:
            out.append(f'cell {i} (uses {sorted(missing)[:4]}): ' + s.strip().splitlines()[0][:60])
        known |= mine
    return out

def test_mixed_import_checker(tmp_path):
    fn = tmp_path/'x.ipynb'
    cells = [dict(cell_type='code', source=s, metadata={}) for s in
             ('import numpy as np', '#| export\nimport os\nX = 1', 'import os\nx = os.getcwd()', 'y = 1',
              'import torch\ntorch.set_num_threads(1)',
              'import os\nprint(X, x, y, np, [len(z) for z in os.listdir()])',
              '#| export\ndef f(seed): return seed', 'import os\nprint(seed)')]
    fn.write_text(json.dumps(dict(cells=cells)))
    assert mixed_import_cells(fn) == ["cell 5 (uses ['y']): import os", "cell 7 (uses ['seed']): import os"]

# Chapters with such cells at 22:00 UTC on 2026-12-01: their docs pages fail nbdev's processing
# (owners: H2 00, H4 05/05a, H5 08b, H6 09). Remove a chapter once its imports moved to the imports cell
# (an xpass says so).
MIXED_TODO: set = set()

_MIXED_XFAIL = pytest.mark.xfail(reason='imports mixed with code: the docs page fails nbdev processing',
                                 strict=False)

@pytest.mark.parametrize('page', [pytest.param(p, marks=_MIXED_XFAIL) if p in MIXED_TODO else p
    for p in sidebar_entries() if (ROOT/'nbs'/p).exists()])
def test_no_cells_mixing_imports_and_code(page):
    bad = mixed_import_cells(ROOT/'nbs'/page)
    assert not bad, (f'{page}: cells that import and use variables of earlier ordinary cells; nbdev re-runs '
                     f'import cells without those when it builds the docs, so the docs build fails there: '
                     f'move the imports to the imports cell:\n' + '\n'.join(bad))
