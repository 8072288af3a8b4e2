"""seisnb.detector: architecture contract (flat Sequential, sizes), training sanity, sidecar save/load refusal,
scanning equivalence with window-by-window prediction, and bad input."""
import warnings
import numpy as np, pandas as pd, pytest, torch
from torch import nn
from seisnb.detector import (detector_cnn, layer_table, train_detector, predict_proba, classification_metrics,
                             scan_continuous, detections, sliding_windows, save_detector, load_detector, data_hash)
from seisnb.waveforms import normalize_windows, split_by_event
from seisnb.synth import synth_windows
from seisnb.data import load_sidecar

torch.set_num_threads(1)

def test_flat_sequential_contract():
    m = detector_cnn()
    assert isinstance(m, nn.Sequential) and not any(isinstance(l, nn.Sequential) for l in m)
    kinds = [type(l).__name__ for l in m]
    assert kinds == ['Conv1d', 'ReLU'] * 7 + ['Flatten', 'Linear', 'ReLU', 'Linear']
    for l in m:
        if isinstance(l, nn.Conv1d): assert (l.out_channels, l.kernel_size, l.stride, l.padding) == (32, (3,), (2,), (1,))
    tab = layer_table(m)
    assert [o[-1] for o in tab.output[::2][:7]] == [250, 125, 63, 32, 16, 8, 4]
    assert m(torch.zeros(2, 3, 500)).shape == (2, 1)
    assert tab.params.sum() == 23105

def test_default_init_is_near_constant_kaiming_is_not():
    x = torch.as_tensor(synth_windows(64, 64, seed=1)[0])
    torch.manual_seed(0); sd_default = detector_cnn(init='default')(x).std().item()
    torch.manual_seed(0); sd_kaiming = detector_cnn(init='kaiming')(x).std().item()
    assert sd_kaiming > 10 * sd_default

def test_training_learns_and_is_seeded():
    X, y, meta = synth_windows(600, 600, seed=3)
    split = split_by_event(meta.event_id, seed=0)
    kw = dict(split=split, epochs=3, lr=2e-2, bs=64, patience=2)
    l1 = train_detector(X, y, seed=1, **kw); l2 = train_detector(X, y, seed=1, **kw)
    te = split == 'test'
    p1, p2 = predict_proba(l1.model, X[te]), predict_proba(l2.model, X[te])
    np.testing.assert_allclose(p1, p2, atol=1e-6)                        # same seed, same model
    acc = classification_metrics(y[te], p1)['accuracy']
    assert acc > 0.75, acc                                                # learns something in 3 short epochs
    # the restored model is the best-validation epoch
    vl = [v[1] for v in l1.recorder.values]
    dv = split == 'dev'
    loss = nn.BCEWithLogitsLoss()(l1.model(torch.as_tensor(X[dv])), torch.as_tensor(y[dv], dtype=torch.float32)[:, None]).item()
    assert loss == pytest.approx(min(vl), rel=1e-4)

def test_early_stopping_stops():
    X, y, meta = synth_windows(200, 200, seed=4)
    split = split_by_event(meta.event_id)
    l = train_detector(X, y, split=split, epochs=40, lr=0., bs=64, patience=2)   # lr 0: the validation loss never improves
    assert len(l.recorder.values) == 3                                           # epoch 0 sets the best, 2 more without gain

def test_save_load_sidecar(tmp_path):
    X, y, _ = synth_windows(20, 20, seed=5)
    m = detector_cnn(n_hidden=16)
    save_detector(m, tmp_path/'det', seed=7, X=X, y=y)
    side = load_sidecar(tmp_path/'det')
    assert side['sampling_rate_hz'] == 20 and side['component_order'] == 'ZNE' and side['input_shape'] == [3, 500]
    assert side['seed'] == 7 and side['data_hash'] == data_hash(X, y) and side['architecture']['n_hidden'] == 16
    m2 = load_detector(tmp_path/'det', data_hash=data_hash(X, y))
    np.testing.assert_allclose(predict_proba(m2, X), predict_proba(m, X), atol=1e-6)
    with pytest.raises(ValueError, match='sampling_rate_hz=20.0, but the input given has sampling_rate_hz=100'):
        load_detector(tmp_path/'det', sampling_rate_hz=100)
    with pytest.raises(ValueError, match='component_order'): load_detector(tmp_path/'det', component_order='ENZ')
    with pytest.raises(ValueError, match='input_shape'): load_detector(tmp_path/'det', input_shape=(3, 6000))
    with pytest.raises(ValueError, match='data_hash'): load_detector(tmp_path/'det', data_hash='x')
    # weights load with weights_only=True
    sd = torch.load(tmp_path/'det.pth', weights_only=True)
    assert set(sd) == set(m.state_dict())

def test_scan_equals_window_by_window():
    torch.manual_seed(0); m = detector_cnn()
    data = np.random.default_rng(0).normal(size=(3, 20 * 120)).astype(np.float32)
    data[:, 900:960] *= 50
    sc = scan_continuous(m, data, stride_s=1., batch=7)
    assert len(sc) == 96 and sc.time.tolist()[:3] == [0., 1., 2.]
    w = normalize_windows(sliding_windows(data, 500, 20), demean=True)
    np.testing.assert_allclose(sc.probability, predict_proba(m, w), atol=1e-5)
    sc2 = scan_continuous(m, data, stride_s=0.5, t0=100.)
    assert len(sc2) == 191 and sc2.time[1] == 100.5
    np.testing.assert_allclose(sc2.probability[::2].to_numpy(), sc.probability.to_numpy(), atol=1e-5)

def test_scan_bad_input():
    m = detector_cnn(); data = np.ones((3, 1000), np.float32)
    with pytest.raises(ValueError, match='expects 20.0 Hz'): scan_continuous(m, data, fs=100.)
    with pytest.raises(ValueError, match='longer than the record'): scan_continuous(m, data[:, :400])
    with pytest.raises(ValueError, match='not a whole number of samples'): scan_continuous(m, data, stride_s=0.033)
    bad = data.copy(); bad[1, 5] = np.nan
    with pytest.raises(ValueError, match='NaN/Inf'): scan_continuous(m, bad)
    with pytest.raises(ValueError, match='expected'): scan_continuous(m, data.T)
    z = np.zeros((3, 1000), np.float32)
    with pytest.warns(UserWarning, match=r'26 all-zero \(or constant\) window'): sc = scan_continuous(m, z)
    assert sc.probability.isna().all()

def test_detections_grouping():
    sc = pd.DataFrame(dict(time=np.arange(6.), probability=[.9, .9, .1, np.nan, .7, .2]))
    d = detections(sc, .5)
    assert d.start.tolist() == [0., 4.] and d.n_windows.tolist() == [2, 1]
    assert len(detections(sc, .95)) == 0

def test_train_bad_input():
    X = np.random.default_rng(0).normal(size=(10, 3, 500)).astype(np.float32)
    with pytest.raises(ValueError, match='expected 0 \\(noise\\) and 1'): train_detector(X, np.arange(10))
    with pytest.raises(ValueError, match="No 'dev' windows"): train_detector(X, np.r_[np.zeros(5), np.ones(5)], split=['train'] * 10)
    X[0, 0, 0] = np.inf
    with pytest.raises(ValueError, match='NaN/Inf'): predict_proba(detector_cnn(), X)

def test_weights_load_in_fastai_learner(tmp_path):
    "The .pth written by save_detector is a plain state_dict that fastai's Learner.load accepts."
    from fastai.learner import Learner
    from fastai.data.core import DataLoaders
    from torch.utils.data import DataLoader, TensorDataset
    X, y, _ = synth_windows(8, 8, seed=6)
    m = detector_cnn(); save_detector(m, tmp_path/'det', seed=0)
    ds = TensorDataset(torch.as_tensor(X), torch.as_tensor(y, dtype=torch.float32)[:, None])
    learn = Learner(DataLoaders(DataLoader(ds, 4), DataLoader(ds, 4)), detector_cnn(), loss_func=nn.BCEWithLogitsLoss(),
                    path=tmp_path, model_dir='.')
    learn.load('det', with_opt=False)
    np.testing.assert_allclose(predict_proba(learn.model, X), predict_proba(m, X), atol=1e-6)

def test_paper_optimiser_defaults():
    "train_detector's defaults are the paper's: fastai SGD with momentum 0.9, lr 1e-2, batch 512, patience 50; 80/10/10 by event."
    import inspect
    from fastai.callback.tracker import EarlyStoppingCallback
    d = {k: v.default for k, v in inspect.signature(train_detector).parameters.items()}
    assert (d['lr'], d['mom'], d['bs'], d['patience']) == (1e-2, 0.9, 512, 50)
    X, y, meta = synth_windows(300, 300, seed=8)
    l = train_detector(X, y, event_ids=meta.event_id, epochs=1)
    h = l.opt.hypers[0]
    assert type(l.opt).__name__ == 'Optimizer' and h['mom'] == 0.9 and h['lr'] == 1e-2, h
    assert l.dls.train.batch_size == 512 and l.loss_func.__class__ is nn.BCEWithLogitsLoss
    assert [c.patience for c in l.cbs if isinstance(c, EarlyStoppingCallback)] == [50]
    n = pd.Series(l.split_labels).value_counts(normalize=True)
    assert abs(n['train'] - .8) < .05 and abs(n['dev'] - .1) < .03 and abs(n['test'] - .1) < .03
