"""Move a chapter's first paragraph of prose above its first visible code cell (issue 13).

    python tools/fix_openings.py                 # report what would move, for every chapter
    python tools/fix_openings.py --apply nbs/01_bvalue.ipynb   # move it in one notebook (its owner runs this)

The first markdown cell after the title that holds a paragraph of prose moves to just after the title
cell; code cells keep their order (the parameters cell stays before the code that uses it, so papermill
and nbdev_test behave as before). Cell ids and metadata are kept; run `nbdev_clean --fname` afterwards.
"""
import argparse, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tests'))
from test_docs_opening import opening_problems, prose_paragraphs, visible_code  # noqa: E402

def _src(c): return ''.join(c['source'])

def plan(nb:dict) -> int|None:
    "Index of the markdown cell to move right after the title, or None if nothing needs to move."
    cells = nb['cells']
    first_code = next((i for i, c in enumerate(cells[1:], 1) if visible_code(c)), None)
    if first_code is None: return None
    if any(c['cell_type'] == 'markdown' and prose_paragraphs(_src(c)) for c in cells[1:first_code]): return None
    return next((i for i, c in enumerate(cells[first_code:], first_code)
                 if c['cell_type'] == 'markdown' and prose_paragraphs(_src(c))), None)

def apply(fn:Path) -> str:
    nb = json.loads(fn.read_text(encoding='utf-8'))
    i = plan(nb)
    if i is None: return f'{fn.name}: nothing to move'
    c = nb['cells'].pop(i)
    nb['cells'].insert(1, c)
    fn.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    return f'{fn.name}: moved cell {i} ({_src(c)[:60]!r}) to just after the title'

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--apply', nargs='+', metavar='NOTEBOOK', help='notebooks to change (default: report only)')
    a = ap.parse_args(argv)
    if a.apply:
        for f in a.apply: print(apply(Path(f)))
        return 0
    for fn in sorted((ROOT/'nbs').glob('[0-9]*.ipynb')):
        probs = opening_problems(fn)
        if not probs: continue
        i = plan(json.loads(fn.read_text(encoding='utf-8')))
        fix = f'would move markdown cell {i} up' if i is not None else 'no prose cell to move: write one'
        print(f'{fn.name}: {probs[0][:90]}... -> {fix}')
    return 0

if __name__ == '__main__': sys.exit(main())
