"""The installed `seisnb` console script (what the notebook 09d_cli cannot check from inside a kernel):
the entry point exists, every subcommand answers `--help`, and input errors are one line and exit 2."""
import os, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ('run', 'catalog', 'bgrid', 'scan', 'sweep')

def _script():
    s = Path(sys.executable).with_name('seisnb')
    if s.exists(): return str(s)
    s = shutil.which('seisnb')
    if s is None: pytest.fail('no `seisnb` console script: reinstall (make install, or pip install -e .)')
    return s

def _run(*args, cwd=ROOT):
    return subprocess.run([_script(), *args], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env=dict(os.environ, SEISNB_PROGRESS='0'))

def test_entry_point_declared():
    from importlib.metadata import distributions
    eps = [e.value for d in distributions() if d.metadata['Name'] == 'seisnb'
           for e in d.entry_points if e.group == 'console_scripts' and e.name == 'seisnb']
    assert 'seisnb.cli:main' in eps, f'console_scripts of the installed seisnb: {eps}'

@pytest.mark.parametrize('cmd', COMMANDS)
def test_help(cmd):
    r = _run(cmd, '--help')
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f'usage: seisnb {cmd}') and '--debug' in r.stdout

def test_top_level_help_lists_commands():
    r = _run('--help')
    assert r.returncode == 0 and all(c in r.stdout for c in COMMANDS)

def test_errors_are_one_line(tmp_path):
    r = _run('catalog', str(tmp_path/'missing.csv'), '-o', str(tmp_path/'x.csv'))
    assert r.returncode == 2 and r.stderr.strip().count('\n') == 0, r.stderr
    assert 'does not exist' in r.stderr
    r = _run('run', '--only', 'no_such_chapter', '--out', str(tmp_path/'run'))
    assert r.returncode == 2 and 'no_such_chapter' in r.stderr, r.stderr

def test_catalog_on_bundled_example(tmp_path):
    r = _run('catalog', str(ROOT/'data'/'examples'/'comcat_japan.csv'), '-o', str(tmp_path/'c.csv'), '--quiet')
    assert r.returncode == 0, r.stderr
    assert (tmp_path/'c.csv').exists() and (tmp_path/'c.csv.report.json').exists()

def test_run_from_outside_the_checkout_with_repo(tmp_path):
    "`seisnb run --repo` finds the run loop of a checkout from any working directory (one tiny chapter)."
    r = _run('run', '--repo', str(ROOT), '--only', 'index', '--out', str(tmp_path/'run'), cwd=tmp_path)
    assert r.returncode in (0, 2), r.stderr   # index is not a numbered chapter: a clear 'no notebook' error
    assert 'no notebook' in r.stderr or (tmp_path/'run'/'summary.md').exists()
