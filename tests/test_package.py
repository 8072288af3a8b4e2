"""Installed-package checks: every exported module imports, the version matches settings.ini,
no module drags in torchvision (a CUDA build from PyPI breaks on CPU torch), and every numbered
notebook declares the module it exports."""
import configparser, importlib, json, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted((ROOT/'nbs').glob('[0-9]*.ipynb'))

def _default_exp(nb):
    for c in json.loads(nb.read_text())['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'code' and '#| default_exp' in src:
            return src.split('#| default_exp', 1)[1].split()[0]
    return None

def test_version_matches_settings():
    import seisnb
    cfg = configparser.ConfigParser(); cfg.read(ROOT/'settings.ini')
    assert seisnb.__version__ == cfg['DEFAULT']['version']

@pytest.mark.parametrize('nb', NBS, ids=[nb.stem for nb in NBS])
def test_notebook_exports_its_module(nb):
    mod = _default_exp(nb)
    assert mod, f'{nb.name} has no `#| default_exp` cell'
    assert (ROOT/'seisnb'/(mod.replace('.', '/') + '.py')).exists(), f'{nb.name} exports seisnb.{mod}, which is missing: run nbdev_export'

def test_one_module_per_notebook():
    mods = [_default_exp(nb) for nb in NBS]
    assert len(mods) == len(set(mods)), f'two notebooks export the same module: {mods}'

def test_modules_import_without_torchvision():
    mods = ['seisnb.' + m for m in filter(None, (_default_exp(nb) for nb in NBS))]
    code = ('import sys, importlib\n'
            f'for m in {mods!r}: importlib.import_module(m)\n'
            'import seisnb.synth\n'
            'assert "torchvision" not in sys.modules, "torchvision was imported"\n'
            'print("ok")')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and 'ok' in r.stdout, r.stderr[-3000:]

def test_light_modules_stay_light():
    "seisnb.data and seisnb.records (imported by every chapter and tool) load without torch or fastai."
    code = ('import sys\n'
            'import seisnb.data, seisnb.records\n'
            'heavy = [m for m in ("torch", "fastai", "cartopy") if m in sys.modules]\n'
            'assert not heavy, heavy\n'
            'print("ok")')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and 'ok' in r.stdout, r.stderr[-3000:]

def test_learn_uses_only_core_fastai():
    "seisnb.learn builds on fastai's Learner and callbacks, never on fastai.vision (which pulls in torchvision)."
    code = ('import sys\n'
            'import seisnb.learn\n'
            'bad = [m for m in sys.modules if m.startswith(("fastai.vision", "torchvision"))]\n'
            'assert not bad, bad\n'
            'print("ok")')
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and 'ok' in r.stdout, r.stderr[-3000:]
