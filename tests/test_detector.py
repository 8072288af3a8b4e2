"""seisnb.detector: what notebook 05 does not check itself: the flat-Sequential contract that chapter 06 relies on,
seeded training through seisnb.learn (no temporary folder left), the paper's optimiser settings in one place, and
scanning equivalence with window-by-window prediction."""
import os, tempfile, warnings
import numpy as np, pytest, torch
from torch import nn
from seisnb.detector import (detector_cnn, layer_table, train_detector, predict_proba, scan_continuous,
                             sliding_windows, save_detector, load_detector, PAPER)
from seisnb.waveforms import normalize_windows, split_by_event
from seisnb.synth import synth_windows

torch.set_num_threads(1)

def test_flat_sequential_contract():
    m = detector_cnn()
    assert isinstance(m, nn.Sequential) and not any(isinstance(l, nn.Sequential) for l in m)
    assert [type(l).__name__ for l in m] == ['Conv1d', 'ReLU'] * 7 + ['Flatten', 'Linear', 'ReLU', 'Linear']
    for l in m:
        if isinstance(l, nn.Conv1d): assert (l.out_channels, l.kernel_size, l.stride, l.padding) == (32, (3,), (2,), (1,))
    assert layer_table(m).params.sum() == 23105 and m.config['fs'] == 20.

def test_default_init_is_near_constant_kaiming_is_not():
    x = torch.as_tensor(synth_windows(64, 64, seed=1)[0])
    torch.manual_seed(0)
    sd_default = detector_cnn(init='default')(x).std().item()
    torch.manual_seed(0)
    sd_kaiming = detector_cnn(init='kaiming')(x).std().item()
    assert sd_kaiming > 10 * sd_default

def _tmp_entries():
    return set(os.listdir(tempfile.gettempdir()))

def test_training_is_seeded_restores_best_and_leaves_no_folder():
    X, y, meta = synth_windows(300, 300, seed=3)
    split = split_by_event(meta.event_id, seed=0)
    kw = dict(split=split, epochs=3, lr=2e-2, bs=64, patience=2)
    before = _tmp_entries()
    l1 = train_detector(X, y, seed=1, **kw)
    l2 = train_detector(X, y, seed=1, **kw)
    assert not {e for e in _tmp_entries() - before if 'seisnb' in e or 'tmp' in e}
    te = split == 'test'
    np.testing.assert_allclose(predict_proba(l1.model, X[te]), predict_proba(l2.model, X[te]), atol=1e-6)
    vl = [v[1] for v in l1.recorder.values]
    dv = split == 'dev'
    with torch.no_grad():
        loss = nn.BCEWithLogitsLoss()(l1.model(torch.as_tensor(X[dv])), torch.as_tensor(y[dv], dtype=torch.float32)[:, None]).item()
    assert loss == pytest.approx(min(vl), rel=1e-4)

def test_paper_settings_in_one_place():
    "train_detector's defaults are PAPER (Majstorovic et al. 2023): SGD, momentum 0.9, lr 1e-2, batch 512, patience 50."
    import inspect
    assert PAPER == dict(opt='sgd', lr=1e-2, mom=0.9, bs=512, patience=50, epochs=1000)
    d = {k: v.default for k, v in inspect.signature(train_detector).parameters.items()}
    assert all(d[k] == v for k, v in PAPER.items())
    import yaml, pathlib
    p = yaml.safe_load((pathlib.Path(__file__).parents[1]/'nbs'/'params'/'05_paper.yaml').read_text())
    assert p['scale'] == 'paper' and not set(p) & {'lr', 'bs', 'patience', 'epochs'}   # read from PAPER

def test_weights_load_in_fastai_learner(tmp_path):
    "The .pth written by save_detector is a plain state_dict that torch (weights_only) and fastai accept."
    from fastai.learner import Learner
    from fastai.data.core import DataLoaders
    from torch.utils.data import DataLoader, TensorDataset
    X, y, _ = synth_windows(8, 8, seed=6)
    m = detector_cnn()
    save_detector(m, tmp_path/'det', seed=0)
    assert set(torch.load(tmp_path/'det.pth', weights_only=True)) == set(m.state_dict())
    ds = TensorDataset(torch.as_tensor(X), torch.as_tensor(y, dtype=torch.float32)[:, None])
    learn = Learner(DataLoaders(DataLoader(ds, 4), DataLoader(ds, 4)), detector_cnn(), loss_func=nn.BCEWithLogitsLoss(),
                    path=tmp_path, model_dir='.')
    learn.load('det', with_opt=False)
    np.testing.assert_allclose(predict_proba(learn.model, X), predict_proba(m, X), atol=1e-6)
    np.testing.assert_allclose(predict_proba(load_detector(tmp_path/'det'), X), predict_proba(m, X), atol=1e-6)

def test_scan_equals_window_by_window():
    torch.manual_seed(0)
    m = detector_cnn()
    data = np.random.default_rng(0).normal(size=(3, 20 * 120)).astype(np.float32)
    data[:, 900:960] *= 50
    sc = scan_continuous(m, data, stride_s=1., batch=7)
    assert len(sc) == 96 and sc.time.tolist()[:3] == [0., 1., 2.]
    w = normalize_windows(sliding_windows(data, 500, 20))
    np.testing.assert_allclose(sc.probability, predict_proba(m, w), atol=1e-5)
    sc2 = scan_continuous(m, data, stride_s=0.5, t0=100.)
    assert len(sc2) == 191 and sc2.time[1] == 100.5
    np.testing.assert_allclose(sc2.probability[::2].to_numpy(), sc.probability.to_numpy(), atol=1e-5)

def test_scan_bad_input():
    m = detector_cnn()
    data = np.random.default_rng(1).normal(size=(3, 1000)).astype(np.float32)
    with pytest.raises(ValueError, match='data sampled at 100.0 Hz; the detector expects 20.0 Hz'): scan_continuous(m, data, fs=100.)
    with pytest.raises(ValueError, match='longer than the record'): scan_continuous(m, data[:, :400])
    with pytest.raises(ValueError, match='not a whole number of samples'): scan_continuous(m, data, stride_s=0.033)
    with pytest.raises(ValueError, match='expected'): scan_continuous(m, data.T)
    bad = data.copy()
    bad[1, 5] = np.inf
    with pytest.raises(ValueError, match='NaN/Inf'): scan_continuous(m, bad)
    gap = data.copy()
    gap[:, 600:620] = np.nan                                  # NaN marks a gap: its windows are NaN, not an error
    with pytest.warns(UserWarning, match='touch a gap'): sc = scan_continuous(m, gap)
    assert sc.probability.isna().sum() == 20 and sc.probability.notna().sum() > 0
    flat = data.copy()
    flat[2] = 7.
    with pytest.warns(UserWarning, match='E flat over the whole record'): scan_continuous(m, flat)
    with pytest.warns(UserWarning, match=r'26 all-zero \(or constant\) window'):
        assert scan_continuous(m, np.zeros((3, 1000), np.float32)).probability.isna().all()
