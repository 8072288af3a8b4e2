"""seisnb.progressive beyond its notebooks (09-09f): the leakage guard on a violating training set, resume after a
killed process (identical weights and records), a damaged checkpoint in a run folder, a 4-configuration parameter
search on a dask LocalCluster with retry and failure reporting, and the bad-input battery."""
import json, os, signal, subprocess, sys, time
from functools import partial
from pathlib import Path
import numpy as np, pandas as pd, pytest, torch
from seisnb.synth.blocks import ToyBlocks, toy_samples_fn, toy_store_fn
from seisnb.progressive import ProgressiveTrainer, param_grid, parameter_search, BValueNet

ROOT = Path(__file__).resolve().parents[1]
TOY = dict(n_days=230, T=32, H=8, drop=0.4, seed=5)
KW = dict(meta_days=14, epochs=3, c_out=8, seed=1)
SCRIPT = f"""
import sys, torch
torch.set_num_threads(1)
from seisnb.synth.blocks import ToyBlocks
from seisnb.progressive import ProgressiveTrainer
ProgressiveTrainer(ToyBlocks(**{TOY!r}), sys.argv[1], **{KW!r}).run()
"""

def _strip(h): return json.dumps([{k: v for k, v in r.items() if k != 'wall_s'} for r in h])

def test_leakage_guard_in_trainer(tmp_path):
    "A training pool that wrongly contains a sample from the validation segment makes the meta-epoch fail."
    torch.set_num_threads(1)
    tr = ProgressiveTrainer(ToyBlocks(**TOY), tmp_path, **KW)
    orig = tr._grow_pool
    def leaky(v):
        out = orig(v)
        tr.pool.append(int(np.flatnonzero(tr.seg == v)[0])); tr.added.append(len(tr.history))
        return out
    tr._grow_pool = leaky
    with pytest.raises(AssertionError, match='leakage'): tr.step()

def test_resume_after_kill(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS='1')
    a, b = tmp_path/'a', tmp_path/'b'
    subprocess.run([sys.executable, '-c', SCRIPT, str(a)], check=True, env=env, timeout=240)
    p = subprocess.Popen([sys.executable, '-c', SCRIPT, str(b)], env=env)
    t0, killed_at = time.time(), None
    while time.time() - t0 < 200:
        h = b/'history.json'
        if h.exists():
            try: n = len(json.loads(h.read_text())['history'])
            except (json.JSONDecodeError, KeyError): n = 0
            if n >= 3: time.sleep(0.15); p.send_signal(signal.SIGKILL); killed_at = n; break
        if p.poll() is not None: break
        time.sleep(0.05)
    p.wait()
    assert killed_at is not None and p.returncode == -signal.SIGKILL, 'the run finished before it could be killed'
    n_a = len(json.loads((a/'history.json').read_text())['history'])
    n_b = len(json.loads((b/'history.json').read_text())['history'])
    assert n_b < n_a, f'killed run already complete ({n_b} of {n_a} meta-epochs)'
    subprocess.run([sys.executable, '-c', SCRIPT, str(b)], check=True, env=env, timeout=240)   # resume
    ca = torch.load(a/'checkpoint.pth', weights_only=True); cb = torch.load(b/'checkpoint.pth', weights_only=True)
    assert ca['model'].keys() == cb['model'].keys()
    for k in ca['model']: assert torch.equal(ca['model'][k], cb['model'][k]), k
    for sa, sb in zip(ca['opt']['state'], cb['opt']['state']):
        for k in sa: assert torch.equal(torch.as_tensor(sa[k]), torch.as_tensor(sb[k])), k
    assert _strip(json.loads(ca['state'])['history']) == _strip(json.loads(cb['state'])['history'])
    assert ca['sampler'] == cb['sampler']

def test_damaged_checkpoint_in_run_folder(tmp_path):
    "Resuming from a truncated checkpoint names the file and the problem instead of an OSError or EOFError."
    torch.set_num_threads(1)
    tr = ProgressiveTrainer(ToyBlocks(**TOY), tmp_path, **KW); tr.run(n=2)
    raw = (tmp_path/'checkpoint.pth').read_bytes()
    (tmp_path/'checkpoint.pth').write_bytes(raw[:len(raw)//3])
    with pytest.raises(ValueError, match=r'checkpoint .*checkpoint.pth .*probably truncated'):
        ProgressiveTrainer(ToyBlocks(**TOY), tmp_path, **KW)
    (tmp_path/'checkpoint.pth').write_bytes(b'')
    with pytest.raises(ValueError, match='is empty'): ProgressiveTrainer(ToyBlocks(**TOY), tmp_path, **KW)

def test_dask_search_four_configs(tmp_path):
    grid = param_grid(b_radius=[0.3, 0.6], b_window=[60], m_lim=[4.0], loss=['mae', 'bce'], meta_days=[30], autoencoder=[False])
    assert len(grid) == 4
    grid['_fail_once'] = [None, str(tmp_path/'flag'), None, None]       # cfg001 fails on its first attempt only
    grid.loc[3, 'loss'] = 'bogus'                                        # cfg003 always fails
    res = parameter_search(grid, partial(toy_samples_fn, n_days=320), tmp_path/'runs', store_fn=partial(toy_store_fn, root=tmp_path/'stores'),
                           retries=1, n_workers=2, train_kw=dict(epochs=2, c_out=8), log=lambda *a: None)
    tab = res['table'].set_index('config')
    assert list(tab.index) == ['cfg000', 'cfg001', 'cfg002', 'cfg003']  # nothing missing
    assert tab.loc[['cfg000', 'cfg001', 'cfg002'], 'status'].tolist() == ['ok']*3
    assert tab.loc['cfg001', 'attempts'] == 2 and tab.loc['cfg000', 'attempts'] == 1
    assert tab.loc['cfg003', 'status'] == 'failed' and tab.loc['cfg003', 'attempts'] == 2 and 'bogus' in tab.loc['cfg003', 'error']
    ev = res['events']
    assert sorted(ev.config) == ['cfg001', 'cfg003', 'cfg003']
    calls = sorted((tmp_path/'stores'/'calls.log').read_text().split('\n')[:-1])
    assert calls == ['0.3 60', '0.6 60'], calls                         # one store per (r, t), shared
    assert tab.loc['cfg000', 'n_meta'] >= 2 and 0 <= tab.loc['cfg000', 'acc_all'] <= 1
    assert {'acc_P1', 'acc_P4'} <= set(tab.columns)
    assert set(res['histories']) == {'cfg000', 'cfg001', 'cfg002'}

def test_bad_inputs(tmp_path):
    "Bad input is refused with a message naming what was found and what was expected."
    class S:                                   # minimal BlockSamples-like object
        def __init__(self, meta, shape=(32, 8, 8)): self.meta, self.shape = meta, shape
        def block(self, i): return np.zeros(self.shape, np.float32)
    good = ToyBlocks(**TOY).meta
    with pytest.raises(ValueError, match=r"lacks columns \['label'\]"): ProgressiveTrainer(S(good.drop(columns='label')), tmp_path/'a')
    with pytest.raises(ValueError, match=r'found \[2\]'): ProgressiveTrainer(S(good.assign(label=2)), tmp_path/'b')
    with pytest.raises(ValueError, match=r'\(T, H, H\)'): ProgressiveTrainer(S(good, (32, 8, 6)), tmp_path/'c')
    with pytest.raises(ValueError, match="loss must be one of"): ProgressiveTrainer(S(good), tmp_path/'d', loss='hinge')
    with pytest.raises(ValueError, match='T must be a power of two'): ProgressiveTrainer(S(good, (30, 8, 8)), tmp_path/'e')
    with pytest.raises(ValueError, match='before start'): ProgressiveTrainer(S(good), tmp_path/'f', start='2030-01-01')
    with pytest.raises(ValueError, match='min_segments must be >= 1'): ProgressiveTrainer(S(good), tmp_path/'g', min_segments=0)
    with pytest.raises(ValueError, match='grid lacks columns'): parameter_search(pd.DataFrame(dict(config=['x'])), toy_samples_fn, tmp_path, client='tcp://127.0.0.1:1')
    with pytest.raises(ValueError, match=r'expects blocks \(batch, \[1,\] 32, 8, 8\)'): BValueNet(32, 8, c_out=8)(torch.zeros(2, 16, 8, 8))

def test_block_cache_changes_nothing(tmp_path):
    "Keeping decoded blocks in memory (the default) gives exactly the weights and records of reading every block each time."
    torch.set_num_threads(1)
    a = ProgressiveTrainer(ToyBlocks(**TOY), tmp_path/'a', **KW); a.run(n=3)
    b = ProgressiveTrainer(ToyBlocks(**TOY), tmp_path/'b', cache_mb=0, **KW); b.run(n=3)
    assert a.samples.hits > 0 and not hasattr(b.samples, 'hits')
    for k, v in a.model.state_dict().items(): assert torch.equal(v, b.model.state_dict()[k]), k
    assert _strip(a.history) == _strip(b.history)
