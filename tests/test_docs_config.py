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
    assert numbered == sorted(numbered), 'sidebar is not in reading order (chapter numbers must not decrease; ' \
                                         'lettered notebooks of one chapter may be grouped by topic)'
    assert entries[0] == 'index.ipynb'

# nbdev's docs processing of every page is checked on the executed notebooks, the exact input of
# `quarto render`, in tests/test_docs_build.py (one execution for all docs checks).
