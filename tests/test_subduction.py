"""seisnb.subduction beyond the notebooks: exhaustive no-leak splits (synthetic and real),
bad-input batteries, save/reload refusals, batch-norm LRP, transform properties and class balancing.
LRP = captum, the F1 averages, the hold-out score and the real-data regression are checked inside
nbs/08_subduction.ipynb itself."""
import json
import numpy as np
import pandas as pd
import pytest
import torch

from seisnb.subduction import (FEATURES, TARGET, BINARY, TERNARY, read_region, read_megathrust,
                               magnitude_classes, select_features, SegmentTransform, exclusion_split,
                               check_no_leak, segment_net, fit_scenario, save_fit, load_fit, predict_segments,
                               segment_relevance, train_segment_net)
from seisnb.learn import predict
from seisnb.synth import write_synth_subduction

DISTANCES = range(0, 650, 50)

@pytest.fixture(scope='module')
def synth(tmp_path_factory):
    d = tmp_path_factory.mktemp('synth')
    write_synth_subduction(d, seed=0)
    return d, read_megathrust(d)

def _assert_no_leak(table, d_km, scenario):
    tr, te = exclusion_split(table, scenario, d_km)
    assert not (tr & te).any()
    for r, g in table.groupby('region'):
        m = (table.region == r).to_numpy()
        a, b = table.pos_km.to_numpy()[m & tr], table.pos_km.to_numpy()[m & te]
        if len(a): assert np.abs(a[:, None] - b[None, :]).min() > d_km, (r, scenario, d_km)
        # everything farther than d from the test portion (and not in it) is used for training
        far = np.abs(table.pos_km.to_numpy()[m][:, None] - b[None, :]).min(1) > d_km
        assert (tr[m] == far).all()
    return tr, te

def test_no_leak_synthetic(synth):
    _, t = synth
    for d in DISTANCES:
        tested = np.zeros(len(t), int)
        for s in range(5):
            tr, te = _assert_no_leak(t, d, s)
            tested += te
        assert (tested == 1).all()

def test_no_leak_real(data_dir):
    t = read_megathrust()
    assert len(t) == 591 and t.region.nunique() == 8
    for d in DISTANCES:
        for s in range(5):
            tr, te = _assert_no_leak(t, d, s)
            assert check_no_leak(t, tr, te, d) > d

def test_bad_region_files(synth, tmp_path):
    folder, _ = synth
    df = pd.read_csv(folder/'alu.csv', index_col=0)
    df.drop(columns=TARGET).to_csv(tmp_path/'a.csv')
    with pytest.raises(ValueError, match="target column 'MR_GCMT' missing"): read_region(tmp_path/'a.csv')
    df.drop(columns=['SED_AVE']).to_csv(tmp_path/'b.csv')
    with pytest.raises(ValueError, match=r"missing \['SED_AVE'\], unexpected \[\]"):
        read_region(tmp_path/'b.csv')
    df.assign(EXTRA=1.0).to_csv(tmp_path/'c.csv')
    with pytest.raises(ValueError, match=r"unexpected \['EXTRA'\]"): read_region(tmp_path/'c.csv')
    df.assign(MR_GCMT='x').to_csv(tmp_path/'d.csv')
    with pytest.raises(ValueError): read_region(tmp_path/'d.csv')
    with pytest.raises(FileNotFoundError, match="no"): read_megathrust(tmp_path, regions=['alu'])

def test_bad_splits_and_thresholds(synth):
    _, t = synth
    with pytest.raises(ValueError, match='leaves no training segments'): exclusion_split(t, 2, 10_000)
    with pytest.raises(ValueError, match='expected 0..4'): exclusion_split(t, -1, 0)
    with pytest.raises(ValueError, match='>= 0 km'): exclusion_split(t, 0, -50)
    with pytest.raises(ValueError, match='at least n_portions'):
        exclusion_split(t[t.region == 'alu'].head(3), 0, 0)
    with pytest.raises(ValueError, match='increasing'): magnitude_classes([7.0], [8.3, 6.4])
    with pytest.raises(ValueError, match='leaves no training segments'): fit_scenario(t, BINARY, 2, 10_000)

def test_missing_value_rule(synth):
    _, t = synth
    feats, dropped = select_features(t, max_missing=0.5)
    assert list(dropped) == ['LRO_DG_STD'] and dropped['LRO_DG_STD'] > 0.5 and len(feats) == 48
    tr, _ = exclusion_split(t, 0, 0)
    tf = SegmentTransform(feats).fit(t[tr])
    assert set(tf.n_imputed) <= {f for f in feats if f[:3] in ('SRO', 'IRO', 'LRO')} and tf.n_imputed
    Z = tf.transform(t)
    assert np.isfinite(Z).all() and np.abs(Z).max() <= tf.clip
    # training medians, not whole-table ones
    col = 'SRO_DG_AVE'
    j = feats.index(col)
    assert tf.medians[j] == t.loc[tr, col].median()
    with pytest.raises(ValueError, match='entirely blank'):
        SegmentTransform(['LRO_DG_STD']).fit(t.assign(LRO_DG_STD=np.nan))

def test_save_reload_predict(synth, tmp_path):
    _, t = synth
    f = fit_scenario(t, TERNARY, 1, 100, seed=3, epochs=3)
    save_fit(f, tmp_path/'m'/'3cls'/'d0100'/'scenario1_seed3')
    side = json.loads((tmp_path/'m'/'3cls'/'d0100'/'scenario1_seed3.json').read_text())
    assert side['thresholds'] == [6.4, 8.3] and side['seed'] == 3 and side['d_km'] == 100
    assert len(side['transform']['lambdas']) == 48 and len(side['transform']['iqr']) == 48
    model, tf, _ = load_fit(tmp_path/'m'/'3cls'/'d0100'/'scenario1_seed3')
    for a, b in zip(model.state_dict().values(), f['model'].state_dict().values()): assert torch.equal(a, b)
    new = t[f['test']].drop(columns=[TARGET, 'mw'])   # new segments: no target needed
    p = predict_segments(tmp_path/'m', new)
    assert (p.pred_class.to_numpy() == f['y_pred']).all() and p.attrs['n_models'] == 1
    # a second model with other thresholds in the same folder is refused
    save_fit(fit_scenario(t, BINARY, 1, 100, seed=3, epochs=2), tmp_path/'m'/'2cls'/'x')
    with pytest.raises(ValueError, match='thresholds'): predict_segments(tmp_path/'m', new)
    with pytest.raises(ValueError, match='lacks features'):
        predict_segments(tmp_path/'m'/'3cls', new.drop(columns='AGE'))

def test_relevance_with_batchnorm():
    "The optional batch norm stays LRP-compatible (seisnb.interpret folds it into the preceding Linear)."
    torch.manual_seed(1)
    net = segment_net(10, 2, hidden=(16, 8), bn=True)
    net.train()
    net(torch.randn(64, 10))     # non-trivial running statistics
    net.eval()
    X = np.random.default_rng(0).normal(size=(5, 10)).astype(np.float32)
    R = segment_relevance(net, X)
    assert R.shape == (5, 10) and np.isfinite(R).all() and np.abs(R).sum() > 0

def test_transform_fitted_on_training_rows_only(synth):
    "The sweep's power transform and medians come from the training rows of the split, not the whole table."
    _, t = synth
    f = fit_scenario(t, BINARY, 1, 300, epochs=1)
    feats = f['transform'].features
    ref = SegmentTransform(feats).fit(t[f['train']])
    whole = SegmentTransform(feats).fit(t)
    assert np.allclose(f['transform'].lambdas, ref.lambdas) and np.allclose(f['transform'].mean, ref.mean)
    assert not np.allclose(f['transform'].mean, whole.mean)

def test_oversample_balances_classes():
    "balance='oversample' draws balanced batches: the rare class is found, unbalanced training drops it."
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    y = (X[:, 0] > 1.3).astype(int)   # about 9 % positives
    recall = {}
    for bal in ('oversample', None):
        p = predict(train_segment_net(X, y, 2, hidden=(16,), epochs=15, balance=bal, seed=0), X).argmax(1)
        recall[bal] = (p[y == 1] == 1).mean()
    assert recall['oversample'] > 0.8 and recall[None] < 0.5, recall

def test_prescaled_transform_is_finite_and_stable(synth):
    "Tiny-valued features (~1e-4) get huge Yeo-Johnson lambdas unless prescaled; prescaled fits agree."
    _, t = synth
    feats = select_features(t)[0]
    tr0, tr1 = exclusion_split(t, 0, 0)[0], exclusion_split(t, 1, 0)[0]
    raw = SegmentTransform(feats, prescale=False).fit(t[tr0])
    a, b = SegmentTransform(feats).fit(t[tr0]), SegmentTransform(feats).fit(t[tr1])
    assert np.abs(raw.lambdas).max() > 100 and np.abs(a.lambdas).max() < 10
    Za, Zb = a.transform(t), b.transform(t)
    assert np.isfinite(Za).all() and np.isfinite(a.lambdas).all() and np.abs(Za).max() <= a.clip
    corr = [np.corrcoef(Za[:, j], Zb[:, j])[0, 1] for j in range(len(feats))]
    assert np.median(corr) > 0.98, np.median(corr)
    back = SegmentTransform.from_dict(json.loads(json.dumps(a.to_dict())))
    assert np.array_equal(back.transform(t), Za)
