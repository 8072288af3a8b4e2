"""tools/nbtest.py (nbdev_test keeping what it executed) and the docs build reusing those pages: a notebook
runs once per `make test`, and a page whose notebook changed since is executed again, never reused stale."""
import json
from pathlib import Path
import pytest
import docs
import nbtest
import nbdev.test as nbdev_test

def _nb(cells):
    mk = lambda t, s: dict(cell_type=t, id=f'c{abs(hash(s)) % 10**8}', metadata={}, source=s,
                           **(dict(outputs=[], execution_count=None) if t == 'code' else {}))
    meta = dict(kernelspec=dict(name='python3', language='python'))
    return dict(cells=[mk(t, s) for t, s in cells], metadata=meta, nbformat=4, nbformat_minor=5)

CELLS = [('markdown', '# A page\n> what it is'), ('code', '#| export\nx = 2\nx * 3'),
         ('code', '#| eval: false\nraise RuntimeError("never runs")'), ('code', 'print("hello")')]

def _run(fn, save_dir, monkeypatch):
    "nbdev's own `test_nb` on `fn` (the settings.ini skip flags), with the saving shell; True if it passed."
    monkeypatch.setattr(nbtest.SavingShell, 'save_dir', str(save_dir))
    monkeypatch.setattr(nbdev_test, 'CaptureShell', nbtest.SavingShell)
    monkeypatch.setenv('IN_TEST', '1')   # test_nb sets it; restored afterwards
    return nbdev_test.test_nb(fn, skip_flags=['slow'], showerr=False)[0]

def test_saves_outputs_on_the_source_cells(tmp_path, monkeypatch):
    fn = tmp_path/'a.ipynb'
    fn.write_text(json.dumps(_nb(CELLS)))
    assert _run(fn, tmp_path/'save', monkeypatch)
    st = json.loads((tmp_path/'save'/'a.status.json').read_text())
    assert st['status'] == 'ok' and st['sha256'] == nbtest.sha256(fn) and st['figures'] == []
    out = json.loads((tmp_path/'save'/'a.ipynb').read_text())
    assert [c['source'] for c in out['cells']] == [s for _, s in CELLS]   # the source notebook, cell for cell
    code = [c for c in out['cells'] if c['cell_type'] == 'code']
    assert code[0]['outputs'][0]['data']['text/plain'] in ('6', ['6'])
    assert code[1]['outputs'] == []                                        # eval: false never ran
    assert ''.join(code[2]['outputs'][0]['text']) == 'hello\n'

def test_failed_notebook_is_not_saved(tmp_path, monkeypatch):
    fn = tmp_path/'b.ipynb'
    fn.write_text(json.dumps(_nb(CELLS[:1] + [('code', 'raise RuntimeError("fails")')])))
    assert not _run(fn, tmp_path/'save', monkeypatch)
    st = json.loads((tmp_path/'save'/'b.status.json').read_text())
    assert st['status'] == 'FAILED' and not (tmp_path/'save'/'b.ipynb').exists()

def test_merge_refuses_other_cells():
    class C(dict):
        __getattr__ = dict.get
    ex = type('NB', (), {'cells': [C(cell_type='code', source='y = 1', outputs=[])]})()
    with pytest.raises(ValueError, match='differs'): nbtest.merge_outputs(_nb([('code', 'x = 1')]), ex)
    with pytest.raises(ValueError, match='1 code cells in the source, 0'):
        nbtest.merge_outputs(_nb([('code', 'x = 1')]), type('NB', (), {'cells': []})())

def test_docs_reuse_only_unchanged_pages(tmp_path, monkeypatch):
    nbs, save = tmp_path/'nbs', tmp_path/'save'
    nbs.mkdir()
    for p in ('a.ipynb', 'b.ipynb', 'c.ipynb'): (nbs/p).write_text(json.dumps(_nb(CELLS)))
    assert _run(nbs/'a.ipynb', save, monkeypatch) and _run(nbs/'b.ipynb', save, monkeypatch)
    (nbs/'b.ipynb').write_text(json.dumps(_nb(CELLS + [('code', '1')])))   # edited after nbdev_test
    monkeypatch.setattr(docs, 'NBS', nbs)
    done, todo = docs.reuse_executed(save, tmp_path/'exec', ['a.ipynb', 'b.ipynb', 'c.ipynb'])
    assert [r['page'] for r in done] == ['a.ipynb'] and todo == ['b.ipynb', 'c.ipynb']
    assert done[0]['executed_by'] == 'nbdev_test' and done[0]['skipped_cells'] == 1
    assert (tmp_path/'exec'/'a.ipynb').read_text() == (save/'a.ipynb').read_text()
    done, todo = docs.reuse_executed(save, tmp_path/'exec2', ['a.ipynb'], slow=True)   # slow cells not run
    assert done == [] and todo == ['a.ipynb']
