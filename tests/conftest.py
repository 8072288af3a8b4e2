import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))
os.environ.setdefault('MPLBACKEND', 'Agg')

def shared_data():
    "The local data mirror, or None (tests that need it skip with a reason)."
    from seisnb.data import shared_data_dir
    return shared_data_dir()

@pytest.fixture
def data_dir():
    d = shared_data()
    if d is None: pytest.skip('no ../shared/data or SEISNB_DATA_DIR: real-data test skipped')
    return d

# Under pytest-xdist (`make pytest` runs `-n 2 --dist loadgroup`) every test file is one group, so its module
# fixtures are built once, on one worker; the parameter sets (tests/test_known_answer.py), each a notebook run of
# minutes, are spread over the workers one by one.
UNGROUPED = {'test_known_answer.py'}

def pytest_collection_modifyitems(config, items):
    for it in items:
        if it.path.name not in UNGROUPED: it.add_marker(pytest.mark.xdist_group(it.path.stem))
