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
