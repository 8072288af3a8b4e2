"""seisnb.waveforms and seisnb.synth.waveforms: readers on tiny fixtures written in tmp_path, the real
DeepDenoiser files (skipped without the data mirror), and a bad-input battery."""
import warnings
import numpy as np, pandas as pd, pytest
from seisnb.waveforms import (check_waveforms, component_order, to_zne, resample, normalize_windows, dead_components,
                              cut_window, window_samples, log_spectrogram, spectrogram_axes, read_npz, read_seisbench,
                              write_seisbench, read_stead, write_stead, stream_to_array, make_windows, split_by_event,
                              read_deepdenoiser)
from seisnb.synth import synth_windows, synth_continuous

RNG = np.random.default_rng(0)

# ---------- readers ----------
def test_seisbench_roundtrip_buckets(tmp_path):
    X = RNG.normal(size=(7, 3, 64))
    md = pd.DataFrame(dict(trace_sampling_rate_hz=20., source_id=[f'e{i//2}' for i in range(7)],
                           path_ep_distance_km=np.linspace(5, 50, 7), trace_p_arrival_sample=10))
    write_seisbench(tmp_path, X, md, bucket_size=3)
    names = pd.read_csv(tmp_path/'metadata.csv').trace_name.tolist()
    assert names[0] == 'bucket0$0,:3,:64' and names[6] == 'bucket2$0,:3,:64'
    X2, md2 = read_seisbench(tmp_path, fs=20., component_order='ZNE')
    np.testing.assert_allclose(X2, X)
    assert md2.path_ep_distance_km.tolist() == pytest.approx(md.path_ep_distance_km.tolist())

def test_seisbench_plain_names_and_enz_order(tmp_path):
    import h5py
    x = RNG.normal(size=(3, 50))          # stored E, N, Z
    with h5py.File(tmp_path/'waveforms.hdf5', 'w') as f:
        g = f.create_group('data_format'); g.create_dataset('component_order', data='ENZ'); g.create_dataset('dimension_order', data='WC')
        f.create_dataset('data/tr1', data=x.T)
    pd.DataFrame(dict(trace_name=['tr1'], trace_sampling_rate_hz=[100.])).to_csv(tmp_path/'metadata.csv', index=False)
    X, md = read_seisbench(tmp_path)
    np.testing.assert_allclose(X[0], x[[2, 1, 0]])
    with pytest.raises(ValueError, match="declares component_order='ENZ'; expected 'ZNE'"): read_seisbench(tmp_path, component_order='ZNE')
    with pytest.raises(ValueError, match='expected 20'): read_seisbench(tmp_path, fs=20)

def test_stead_roundtrip(tmp_path):
    X = RNG.normal(size=(2, 3, 300))
    md = pd.DataFrame(dict(trace_name=['A_EV', 'B_NO'], trace_category=['earthquake_local', 'noise'],
                           trace_p_arrival_sample=[100., np.nan], trace_s_arrival_sample=[150., np.nan], source_magnitude=[2.1, np.nan]))
    write_stead(tmp_path/'s.hdf5', X, md)
    import h5py
    with h5py.File(tmp_path/'s.hdf5') as f:          # on disk: (n, 3) in E, N, Z as STEAD
        np.testing.assert_allclose(f['data/A_EV'][:, 2], X[0, 0])
        assert f['data/A_EV'].attrs['p_arrival_sample'] == 100
    X2, md2 = read_stead(tmp_path/'s.hdf5')
    np.testing.assert_allclose(X2, X)
    assert md2.trace_s_arrival_sample[0] == 150 and md2.source_magnitude[0] == 2.1

def test_npz_single_channel_and_order(tmp_path):
    d = np.zeros((500, 3)); d[:, 2] = RNG.normal(size=500)
    np.savez(tmp_path/'a.npz', data=d, itp=100, channels='EHE_EHN_EHZ')
    r = read_npz(tmp_path/'a.npz')
    assert r['single_channel'] and r['dead'] == 'NE' and r['s_sample'] is None
    np.testing.assert_allclose(r['data'][0], d[:, 2])
    np.savez(tmp_path/'b.npz', data=d, itp=100)
    with pytest.raises(ValueError, match="no 'channels' entry"): read_npz(tmp_path/'b.npz')
    assert read_npz(tmp_path/'b.npz', channels='ENZ')['single_channel']

def test_obspy_stream_checks(tmp_path):
    from obspy import Stream, Trace, UTCDateTime, read
    def tr(ch, fs=20.):
        return Trace(RNG.normal(size=400).astype(np.float32), header=dict(channel=ch, sampling_rate=fs, starttime=UTCDateTime(2021, 1, 1)))
    st = Stream([tr('HHN'), tr('HHE'), tr('HHZ')])
    st.write(str(tmp_path/'x.sac').replace('.sac', ''), format='MSEED')
    st2 = read(str(tmp_path/'x'))
    x, fs, t0 = stream_to_array(st2, fs=20.)
    assert x.shape == (3, 400) and fs == 20.
    np.testing.assert_allclose(x[0], st.select(channel='HHZ')[0].data)
    with pytest.raises(ValueError, match='expected 100'): stream_to_array(st2, fs=100.)
    with pytest.raises(ValueError, match="2 traces of component 'Z'"): stream_to_array(Stream([tr('HHN'), tr('HHE'), tr('HHZ'), tr('HHZ')]))
    with pytest.raises(ValueError, match='besides'): stream_to_array(Stream([tr('HHN'), tr('HHE'), tr('HHZ'), tr('HH1')]))

# ---------- real data ----------
def test_deepdenoiser_real(data_dir):
    folder = data_dir/'waveforms'/'deepdenoiser'
    if not folder.is_dir(): pytest.skip(f'{folder} absent')
    recs = read_deepdenoiser(folder)
    assert len(recs) == 99
    assert all(r['data'].shape == (3, 9001) and r['p_sample'] == 3000 and r['fs'] == 100. for r in recs)
    # component order handled: the file's E column is our row 2
    raw = np.load(sorted((folder/'train').glob('*.npz'))[0])
    assert str(raw['channels']).endswith('Z')
    np.testing.assert_allclose(recs[0]['data'][2], raw['data'][:, 0]); np.testing.assert_allclose(recs[0]['data'][0], raw['data'][:, 2])
    n_single = sum(r['single_channel'] for r in recs)
    X, y, meta = make_windows(recs, p_offset=5.)
    assert X.shape == (2 * 99, 3, 500) and y.sum() == 99 and np.isfinite(X).all()
    assert np.abs(X).max(axis=(1, 2)) == pytest.approx(1)
    # P energy: earthquake windows have much more energy after 5 s than before
    eq = X[y == 1]
    ratio = np.median((eq[:, :, 110:200] ** 2).mean((1, 2)) / (eq[:, :, :90] ** 2).mean((1, 2)))
    assert ratio > 4, ratio
    meta['split'] = split_by_event(meta.event_id)
    assert meta.groupby('event_id').split.nunique().max() == 1
    print(f'{len(recs)} DeepDenoiser records, {n_single} single-channel, P-energy ratio {ratio:.1f}')

# ---------- bad input battery ----------
def test_wrong_shape():
    with pytest.raises(ValueError, match=r'shape \(3, 500, 3\); expected \(\.\.\., 3, n_samples\)'): normalize_windows(np.ones((3, 500, 3)))
    with pytest.raises(ValueError, match='expected'): log_spectrogram(np.ones((2, 500)))
    with pytest.raises(ValueError, match='expected'): write_seisbench('/tmp/never', np.ones((3, 500)), pd.DataFrame(dict(trace_sampling_rate_hz=[20.] * 3)))

@pytest.mark.parametrize('bad', [np.nan, np.inf, -np.inf])
def test_nan_inf(bad):
    x = np.ones((2, 3, 500)); x[1, 2, 99] = bad
    with pytest.raises(ValueError, match=r'1 NaN/Inf samples \(first at index \(1, 2, 99\)\)'): normalize_windows(x)
    with pytest.raises(ValueError, match='NaN/Inf'): log_spectrogram(x)
    with pytest.raises(ValueError, match='NaN/Inf'): make_windows([dict(data=x[1], fs=20., p_sample=100)])

def test_all_zero_window():
    x = RNG.normal(size=(3, 3, 500)); x[1] = 0
    with pytest.raises(ValueError, match=r'1 all-zero window\(s\) \(first at \[1\]\)'): normalize_windows(x)
    with pytest.warns(UserWarning, match='kept as zeros'): xn, s = normalize_windows(x, on_zero='flag', return_scale=True)
    assert s[1] == 0 and not xn[1].any() and np.isfinite(xn).all()
    with pytest.raises(ValueError, match="expected 'raise' or 'flag'"): normalize_windows(x, on_zero='ignore')
    rec = dict(data=np.zeros((3, 2000)), fs=20., p_sample=1000)
    with pytest.raises(ValueError, match='all-zero'): make_windows([rec])

def test_sampling_rate_and_order_not_as_declared(tmp_path):
    with pytest.raises(ValueError, match='positive'): resample(np.ones(100), -20, 20)
    with pytest.raises(ValueError, match='exactly'): resample(np.ones(100), 100, 20 * np.pi)
    with pytest.raises(ValueError, match="'Z1E' cannot be mapped"): to_zne(np.ones((3, 10)), 'Z1E')
    with pytest.raises(ValueError, match="'ZZE' cannot be mapped"): to_zne(np.ones((3, 10)), 'ZZE')
    write_seisbench(tmp_path, np.ones((2, 3, 10)), pd.DataFrame(dict(trace_sampling_rate_hz=[20., 40.])))
    with pytest.raises(ValueError, match='1 traces have trace_sampling_rate_hz=40.0; expected 20'): read_seisbench(tmp_path, fs=20.)

def test_window_longer_than_trace():
    with pytest.raises(ValueError, match=r'Window of 500 samples is longer than the trace \(400 samples\)'): cut_window(np.ones((3, 400)), 0, 500)
    with pytest.raises(ValueError, match='nperseg=1000 is longer than the trace'): log_spectrogram(np.ones((3, 500)), nperseg=1000)
    with pytest.warns(UserWarning, match='eq window outside trace'):
        with pytest.raises(ValueError, match='No window could be cut'):
            make_windows([dict(data=RNG.normal(size=(3, 400)), fs=20., p_sample=100)], noise=False)

# ---------- spectrogram and synthetic contract ----------
def test_spectrogram_contract():
    X, y, meta = synth_windows(4, 4, seed=1)
    S = log_spectrogram(X, 20, nperseg=64, noverlap=32)
    f, t = spectrogram_axes(500, 20, 64, 32)
    assert S.shape == (8, 3, len(f), len(t)) and S.dtype == np.float32 and np.isfinite(S).all()

def test_synth_windows_contract():
    X, y, meta = synth_windows(300, 300, seed=5)
    assert X.shape == (600, 3, 500) and X.dtype == np.float32 and set(np.unique(y)) == {0, 1}
    for c in ('distance_km', 'magnitude', 'p_sample', 's_sample', 'event_id', 'kind'): assert c in meta
    eq = meta[meta.label == 1]
    # S-P grows with distance at 1/Vs - 1/Vp
    slope = np.polyfit(eq.distance_km, (eq.s_sample - eq.p_sample) / 20, 1)[0]
    assert slope == pytest.approx(1 / 3.5 - 1 / 6, rel=0.02)
    # P stronger on Z, S stronger on horizontals (window-wise energy 1 s after each onset)
    Xe = X[:300]; p = eq.p_sample.astype(int).to_numpy(); s = eq.s_sample.astype(int).to_numpy()
    far = (s - p) > 40
    ez = np.array([(Xe[i, 0, p[i]:p[i] + 20] ** 2).sum() / (Xe[i, 1:, p[i]:p[i] + 20] ** 2).sum(0).mean() for i in np.flatnonzero(far)])
    es = np.array([(Xe[i, 1:, s[i]:s[i] + 20] ** 2).sum(1).mean() / (Xe[i, 0, s[i]:s[i] + 20] ** 2).sum() for i in np.flatnonzero(far)])
    assert np.median(ez) > 2 and np.median(es) > 2
    # larger events have lower corner frequencies
    assert np.corrcoef(eq.magnitude, np.log(eq.corner_hz))[0, 1] < -0.99
    assert meta[meta.label == 0].kind.nunique() == 4

def test_synth_continuous():
    x, cat = synth_continuous(1200, 6, seed=2)
    assert x.shape == (3, 24000) and len(cat) == 6 and (np.diff(cat.p_time_s) > 0).all()
    np.testing.assert_allclose(cat.s_time_s - cat.p_time_s, cat.distance_km * (1 / 3.5 - 1 / 6), rtol=1e-6)

# ---------- window builder ----------
def test_make_windows_random_p_offset():
    "p_offset=None draws the P position uniformly in p_offset_range, reproducibly for a seed; S stays inside."
    recs = [dict(data=RNG.normal(size=(3, 9000)), fs=100., p_sample=4000, s_sample=4600, event_id=f'e{i}') for i in range(40)]
    X, y, m = make_windows(recs, p_offset=None, p_offset_range=(2., 12.), noise=False, seed=5)
    off = m.p_sample.to_numpy() / 20                       # s from window start to P
    assert X.shape == (40, 3, 500) and (y == 1).all()
    assert off.min() >= 2 - 0.05 and off.max() <= 12 + 0.05 and off.std() > 1.5   # spread over the range, not fixed
    assert ((m.s_sample >= 0) & (m.s_sample < 500)).all()
    np.testing.assert_array_equal(make_windows(recs, p_offset=None, noise=False, seed=5)[2].p_sample, m.p_sample)
    assert not np.array_equal(make_windows(recs, p_offset=None, noise=False, seed=6)[2].p_sample, m.p_sample)
