"""seisnb.waveforms: the bad-input battery of the readers and writers (files written in tmp_path), and the few
contracts the notebooks 04/04a do not check themselves."""
import warnings
import numpy as np, pandas as pd, pytest
from obspy import Stream, Trace, UTCDateTime
from seisnb.waveforms import (check_waveforms, normalize_windows, log_spectrogram, spectrogram_axes, read_npz,
                              read_seisbench, write_seisbench, read_stead, write_stead, stream_to_array, make_windows,
                              resample, to_zne, cut_window, component_order)
from seisnb.synth import synth_windows

RNG = np.random.default_rng(0)
ZNE = np.stack([np.arange(100.), np.arange(100.) % 7, np.arange(100.) % 5], axis=1)   # (n, 3) columns E, N, Z


# ---------- fixtures written on demand: each returns the callable that must fail ----------
def _npz(tmp, **fields):
    fn = tmp/'x.npz'
    np.savez(fn, **fields)
    return fn

def _empty_npz(tmp):
    (tmp/'x.npz').write_bytes(b'')
    return lambda: read_npz(tmp/'x.npz')

def _truncated_npz(tmp):
    fn = _npz(tmp, data=ZNE, itp=10, channels='HHE_HHN_HHZ')
    fn.write_bytes(fn.read_bytes()[:200])
    return lambda: read_npz(fn)

def _npy_named_npz(tmp):
    np.save(tmp/'x.npy', ZNE)
    (tmp/'x.npy').rename(tmp/'x.npz')
    return lambda: read_npz(tmp/'x.npz')

def _nan_itp(tmp): return lambda: read_npz(_npz(tmp, data=ZNE, itp=np.nan, channels='HHE_HHN_HHZ'))
def _text_itp(tmp): return lambda: read_npz(_npz(tmp, data=ZNE, itp='300', channels='HHE_HHN_HHZ'))
def _numeric_channels(tmp): return lambda: read_npz(_npz(tmp, data=ZNE, itp=10, channels=np.arange(3)))
def _bytes_channels(tmp): return lambda: read_npz(_npz(tmp, data=ZNE, itp=10, channels=np.bytes_(b'HHE_HHN_HHZ')))

def _complex_npz(tmp): return lambda: read_npz(_npz(tmp, data=ZNE.astype(complex), itp=10, channels='ENZ'))
def _one_sample_npz(tmp): return lambda: read_npz(_npz(tmp, data=ZNE[:1], itp=0, channels='ENZ'))
def _zero_sample_npz(tmp): return lambda: read_npz(_npz(tmp, data=ZNE[:0], channels='ENZ'))
def _no_z_npz(tmp): return lambda: read_npz(_npz(tmp, data=ZNE[:, :2], itp=10, channels='HHE_HHN'))
def _single_code_nonzero(tmp): return lambda: read_npz(_npz(tmp, data=ZNE, itp=10, channels='EHZ'))

def _seisbench(tmp, n=3):
    write_seisbench(tmp, RNG.normal(size=(n, 3, 50)), pd.DataFrame(dict(trace_sampling_rate_hz=[20.] * n)),
                    bucket_size=2)
    return tmp

def _past_bucket(tmp):
    _seisbench(tmp)
    md = pd.read_csv(tmp/'metadata.csv')
    md.loc[2, 'trace_name'] = 'bucket1$3,:3,:50'
    md.to_csv(tmp/'metadata.csv', index=False)
    return lambda: read_seisbench(tmp)

def _past_bucket_samples(tmp):
    _seisbench(tmp)
    md = pd.read_csv(tmp/'metadata.csv')
    md.loc[0, 'trace_name'] = 'bucket0$0,:3,:80'
    md.to_csv(tmp/'metadata.csv', index=False)
    return lambda: read_seisbench(tmp)

def _empty_metadata(tmp):
    _seisbench(tmp)
    (tmp/'metadata.csv').write_text('')
    return lambda: read_seisbench(tmp)

def _header_only_metadata(tmp):
    _seisbench(tmp)
    (tmp/'metadata.csv').write_text('trace_name,trace_sampling_rate_hz\n')
    return lambda: read_seisbench(tmp)

def _order_wrong_type(tmp):
    import h5py
    _seisbench(tmp)
    with h5py.File(tmp/'waveforms.hdf5', 'a') as f:
        del f['data_format/component_order']
        f['data_format'].create_dataset('component_order', data=np.arange(3))
    return lambda: read_seisbench(tmp)

def _order_arg_wrong_type(tmp):
    _seisbench(tmp)
    return lambda: read_seisbench(tmp, component_order=['Z', 'N', 'E'])

def _empty_stead(tmp):
    import h5py
    with h5py.File(tmp/'s.hdf5', 'w') as f: f.create_group('data')
    return lambda: read_stead(tmp/'s.hdf5')

def _stead_md(names): return pd.DataFrame(dict(trace_name=names, trace_p_arrival_sample=[10.] * len(names)))
def _stead_dup(tmp): return lambda: write_stead(tmp/'s.hdf5', RNG.normal(size=(3, 3, 50)), _stead_md(['a', 'b', 'a']))
def _stead_slash(tmp): return lambda: write_stead(tmp/'s.hdf5', RNG.normal(size=(2, 3, 50)), _stead_md(['a', 'x/y']))
def _stead_short(tmp): return lambda: write_stead(tmp/'s.hdf5', RNG.normal(size=(3, 3, 50)), _stead_md(['a', 'b']))

def _tr(ch, n=400, fs=20., dtype=np.float32, off=0.):
    return Trace(RNG.normal(size=n).astype(dtype), header=dict(channel=ch, sampling_rate=fs, station='S',
                                                               starttime=UTCDateTime(2021, 1, 1) + off))

def _masked_stream(tmp):
    st = Stream([_tr(c, dtype=np.int32) for c in ('HHZ', 'HHN', 'HHE')])
    st += Stream([_tr(c, dtype=np.int32, off=30.) for c in ('HHZ', 'HHN', 'HHE')])
    return lambda: stream_to_array(st.merge())

def _one_sample_stream(tmp): return lambda: stream_to_array(Stream([_tr(c, n=1) for c in ('HHZ', 'HHN', 'HHE')]))
def _z_only_stream(tmp): return lambda: stream_to_array(Stream([_tr('HHZ')]))
def _complex_array(tmp): return lambda: normalize_windows(np.ones((2, 3, 50), complex))

BATTERY = [  # (case, fixture, exception, message that must appear)
    ('empty npz', _empty_npz, ValueError, 'empty file (0 bytes)'),
    ('truncated npz', _truncated_npz, ValueError, 'truncated or corrupt'),
    ('npy named npz', _npy_named_npz, ValueError, 'single .npy array'),
    ('NaN itp', _nan_itp, ValueError, "field 'itp' is nan"),
    ('text itp', _text_itp, ValueError, "field 'itp'"),
    ('numeric channels', _numeric_channels, ValueError, "field 'channels' has dtype"),
    ('channels stored as bytes', _bytes_channels, ValueError, "field 'channels' is stored as bytes"),
    ('complex npz', _complex_npz, TypeError, 'complex'),
    ('one-sample npz', _one_sample_npz, ValueError, '1 sample(s) per trace'),
    ('zero-sample npz', _zero_sample_npz, ValueError, '0 sample(s) per trace'),
    ('no Z in npz', _no_z_npz, ValueError, 'no vertical (Z) component'),
    ('single code, 3 full columns', _single_code_nonzero, ValueError, 'names one channel'),
    ('metadata past a bucket (row)', _past_bucket, ValueError, "points past bucket 'data/bucket1'"),
    ('metadata past a bucket (samples)', _past_bucket_samples, ValueError, "points past bucket 'data/bucket0'"),
    ('empty metadata.csv', _empty_metadata, ValueError, 'is empty (no header, no rows)'),
    ('header-only metadata.csv', _header_only_metadata, ValueError, 'has a header but no rows'),
    ('component order of wrong type (file)', _order_wrong_type, TypeError, 'data_format/component_order'),
    ('component order of wrong type (argument)', _order_arg_wrong_type, TypeError, 'expected a str'),
    ('empty STEAD group', _empty_stead, ValueError, "'data' group is empty"),
    ('duplicated STEAD names', _stead_dup, ValueError, "duplicated trace name(s) (e.g. 'a')"),
    ("'/' in STEAD names", _stead_slash, ValueError, "without '/'"),
    ('short STEAD metadata', _stead_short, ValueError, 'metadata has 2 rows but X has 3'),
    ('masked (gap) stream', _masked_stream, ValueError, 'masked (gap) samples'),
    ('one-sample stream', _one_sample_stream, ValueError, '1 sample(s) per trace'),
    ('Z-only stream', _z_only_stream, ValueError, "0 traces of component 'N'"),
    ('complex windows', _complex_array, TypeError, 'expected real samples'),
]

@pytest.mark.parametrize('case,make,exc,msg', BATTERY, ids=[b[0] for b in BATTERY])
def test_bad_input_battery(tmp_path, case, make, exc, msg):
    with pytest.raises(exc) as e: make(tmp_path)()
    assert msg in str(e.value), f'{case}: {e.value}'
    if 'npz' in case and 'x.npz' in [p.name for p in tmp_path.iterdir()]: assert 'x.npz' in str(e.value)

@pytest.mark.parametrize('make', [_stead_dup, _stead_slash, _stead_short])
def test_no_half_written_stead(tmp_path, make):
    with pytest.raises(ValueError): make(tmp_path)()
    assert list(tmp_path.iterdir()) == []

def test_channels_as_bytes_and_override(tmp_path):
    """Bytes in 'channels' are an error naming file and field; an explicit channels= reads the file, and wins
    over a str entry with a warning."""
    fn = _npz(tmp_path, data=ZNE, itp=10, channels=np.bytes_(b'HHE_HHN_HHZ'))
    with pytest.raises(ValueError, match=r"x.npz: field 'channels' is stored as bytes"): read_npz(fn)
    np.testing.assert_allclose(read_npz(fn, channels='HHE_HHN_HHZ')['data'][0], ZNE[:, 2])
    with pytest.raises(TypeError, match='is bytes; expected a str'): component_order(b'HHE_HHN_HHZ')
    fn = _npz(tmp_path, data=ZNE, itp=10, channels='HHE_HHN_HHZ')
    with pytest.warns(UserWarning, match='overrides'): r = read_npz(fn, channels='ZNE')
    np.testing.assert_allclose(r['data'][0], ZNE[:, 0])
    assert component_order('EHZ') == 'Z' and component_order(['ENZ']) == 'Z'

def test_seisbench_plain_names_and_enz_order(tmp_path):
    import h5py
    x = RNG.normal(size=(3, 50))          # stored E, N, Z
    with h5py.File(tmp_path/'waveforms.hdf5', 'w') as f:
        g = f.create_group('data_format')
        g.create_dataset('component_order', data='ENZ')
        g.create_dataset('dimension_order', data='WC')
        f.create_dataset('data/tr1', data=x.T)
    pd.DataFrame(dict(trace_name=['tr1'], trace_sampling_rate_hz=[100.])).to_csv(tmp_path/'metadata.csv', index=False)
    X, md = read_seisbench(tmp_path)
    np.testing.assert_allclose(X[0], x[[2, 1, 0]])
    with pytest.raises(ValueError, match="declares component_order='ENZ'; expected 'ZNE'"):
        read_seisbench(tmp_path, component_order='ZNE')

@pytest.mark.parametrize('bad', [np.nan, np.inf, -np.inf])
def test_nan_inf(bad):
    x = np.ones((2, 3, 500))
    x[1, 2, 99] = bad
    with pytest.raises(ValueError, match=r'1 NaN/Inf samples \(first at index \(1, 2, 99\)\)'): normalize_windows(x)
    with pytest.raises(ValueError, match='NaN/Inf'): log_spectrogram(x)
    with pytest.raises(ValueError, match='NaN/Inf'): make_windows([dict(data=x[1], fs=20., p_sample=100)])

def test_rates_and_orders_not_as_declared():
    with pytest.raises(ValueError, match='positive'): resample(np.ones(100), -20, 20)
    with pytest.raises(ValueError, match='exactly'): resample(np.ones(100), 100, 20 * np.pi)
    with pytest.raises(ValueError, match="'ZZE' cannot be mapped"): to_zne(np.ones((3, 10)), 'ZZE')
    with pytest.raises(ValueError, match=r'longer than the trace \(400 samples\)'): cut_window(np.ones((3, 400)), 0, 500)

def test_make_windows_random_p_offset():
    "p_offset=None draws the P position uniformly in p_offset_range, reproducibly for a seed; S stays inside."
    recs = [dict(data=RNG.normal(size=(3, 9000)), fs=100., p_sample=4000, s_sample=4600, event_id=f'e{i}')
            for i in range(40)]
    X, y, m = make_windows(recs, p_offset=None, p_offset_range=(2., 12.), noise=False, seed=5)
    off = m.p_sample.to_numpy() / 20                       # s from window start to P
    assert X.shape == (40, 3, 500) and (y == 1).all()
    assert off.min() >= 2 - 0.05 and off.max() <= 12 + 0.05 and off.std() > 1.5
    assert ((m.s_sample >= 0) & (m.s_sample < 500)).all()
    np.testing.assert_array_equal(make_windows(recs, p_offset=None, noise=False, seed=5)[2].p_sample, m.p_sample)
    assert not np.array_equal(make_windows(recs, p_offset=None, noise=False, seed=6)[2].p_sample, m.p_sample)

def test_synth_polarisation():
    "P stronger on Z, S stronger on the horizontals (energy 1 s after each onset); corner frequency falls with M."
    X, y, meta = synth_windows(300, 300, seed=5)
    eq = meta[meta.label == 1]
    Xe, p, s = X[:300], eq.p_sample.astype(int).to_numpy(), eq.s_sample.astype(int).to_numpy()
    far = np.flatnonzero((s - p) > 40)
    ez = [(Xe[i, 0, p[i]:p[i] + 20] ** 2).sum() / (Xe[i, 1:, p[i]:p[i] + 20] ** 2).sum(1).mean() for i in far]
    es = [(Xe[i, 1:, s[i]:s[i] + 20] ** 2).sum(1).mean() / (Xe[i, 0, s[i]:s[i] + 20] ** 2).sum() for i in far]
    assert np.median(ez) > 2 and np.median(es) > 2
    assert np.corrcoef(eq.magnitude, np.log(eq.corner_hz))[0, 1] < -0.99
