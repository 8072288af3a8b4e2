"""seisnb.bsamples: EQ labels on planted events are exactly the expected set; the nEQ pool equals a brute-force
evaluation of the paper's rules on every candidate; no block reaches past its label day; bad parameters fail loudly."""
import numpy as np, pandas as pd, pytest, xarray as xr
from seisnb.bgrid import compute_bgrid
from seisnb.bsamples import (find_eq_samples, find_neq_pool, sample_neq, make_samples, block_mean_counts, BlockSamples,
                             cell_index)
from seisnb.synth import simulate_etas

REGION = (140.0, 143.2, 38.0, 41.2)      # 32 x 32 cells
BLOCK = (64, 16, 16)
KW = dict(r=0.3, t=120, lon=REGION[:2], lat=REGION[2:])
# (t_days, lat, lon, mag, expected fate)
PLANTED = [(300.2, 39.55, 141.55, 5.5, 'eq'),
           (300.6, 39.58, 141.51, 5.9, 'eq'),            # same cell and day as the previous, larger: this one stays
           (300.9, 39.45, 141.55, 5.0, 'eq'),            # same day, the cell below: its own sample
           (301.1, 39.55, 141.55, 5.2, 'eq'),            # same cell, next day: its own sample
           (420.0, 38.75, 141.00, 6.0, 'border'),        # row 7: a 16-cell block needs rows >= 8
           (420.0, 38.85, 141.00, 5.3, 'eq'),            # row 8: fits
           (520.0, 40.44, 140.82, 5.1, 'eq'),            # row 24, col 8: the last / first rows and columns that fit
           (520.0, 40.55, 140.82, 5.1, 'border'),        # row 25
           (600.0, 39.50, 140.75, 5.1, 'border'),        # col 7
           (650.0, 39.50, 142.45, 5.1, 'eq'),            # col 24
           (700.0, 39.50, 142.55, 5.1, 'border'),        # col 25
           (150.0, 39.50, 141.50, 5.5, 'history'),       # field starts on day t-1 = 119; block needs 64 days
           (190.0, 39.50, 141.50, 5.5, 'history'),       # field index 71 ... still < 64? no: 190-119 = 71 >= 64 -> eq
           (800.0, 39.50, 141.50, 4.9, 'small'),         # below 5 (but above m_lim: it excludes nEQ)
          ]
PLANTED[12] = PLANTED[12][:4] + ('eq',)

@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    ms = pd.DataFrame([p[:4] for p in PLANTED], columns=['t_days', 'latitude', 'longitude', 'mag'])
    cat = simulate_etas(t_days=1000., region=REGION, mu=10., m_max=4.8, mainshocks=ms, seed=5, start='2000-01-01')
    st = tmp_path_factory.mktemp('bs') / 'b.zarr'
    ds = compute_bgrid(cat, store=st, chunks=(128, 16, 16), progress=False, **KW)
    return cat, st, ds

def _planted_ids(cat, fate):
    key = set((p[0], p[1], p[2]) for p in PLANTED if p[4] == fate)
    k = list(zip(cat.t_days.round(6), cat.latitude.round(6), cat.longitude.round(6)))
    return set(cat.event_id[[x in key for x in k]])

def test_eq_labels_exact(setup):
    cat, st, ds = setup
    eq = find_eq_samples(cat, st, block=BLOCK, verbose=False)
    assert set(eq.event_id) == _planted_ids(cat, 'eq') - set(cat.event_id[cat.t_days.round(6) == 300.2])
    sel = eq.attrs['selection']
    assert sel == dict(n_large=13, outside_grid=0, near_border=4, short_history_or_outside_time=1, duplicate_bin=1, n_eq=7), sel
    e = eq.set_index('event_id')
    big = cat.set_index('event_id').loc[list(eq.event_id)]
    i, j = cell_index(big.latitude, big.longitude, ds)
    assert (e.i_lat.values == i).all() and (e.i_lon.values == j).all()
    lab = big.time.dt.tz_convert('UTC').dt.tz_localize(None).dt.normalize().values
    assert (eq.time.values == lab).all(), 'the label day is the day of the event'
    assert np.allclose(eq.lat, ds.lat.values[eq.i_lat]) and (eq.label == 1).all()
    assert np.isfinite(eq.n_mean).all() and (eq.n_mean > 0).all()

def test_block_mean_counts_brute(setup):
    cat, st, ds = setup
    nm = block_mean_counts(st, BLOCK); n = ds.n_events.values
    T, H, W = BLOCK
    rng = np.random.default_rng(0)
    for d, i, j in zip(rng.integers(T, n.shape[0], 50), rng.integers(H//2, 32 - H + H//2 + 1, 50), rng.integers(W//2, 32 - W + W//2 + 1, 50)):
        assert np.isclose(nm[d, i, j], n[d - T:d, i - H//2:i - H//2 + H, j - W//2:j - W//2 + W].mean(), rtol=1e-6)
    assert np.isnan(nm[:T]).all() and np.isnan(nm[:, :H//2]).all() and np.isnan(nm[:, :, 32 - W + W//2 + 1:]).all()

def test_neq_pool_brute_force(setup):
    "Every (label day, cell) of the small field, evaluated rule by rule."
    cat, st, ds = setup
    for m_lim, l1, days, mme in ((4.9, 0.8, 7, 10), (4.0, 0.5, 3, 20)):
        pool = find_neq_pool(cat, st, m_lim=m_lim, l1_radius=l1, days=days, min_mean_events=mme, block=BLOCK)
        T, H, W = BLOCK
        D = ds.sizes['time']
        t0 = pd.Timestamp(ds.time.values[0])
        cd = (cat.time.dt.tz_convert('UTC').dt.tz_localize(None).dt.normalize() - t0).dt.days.to_numpy()
        big = (cat.mag >= m_lim - 1e-6).to_numpy()
        bl, bo, bd = cat.latitude.to_numpy()[big], cat.longitude.to_numpy()[big], cd[big]
        nm = block_mean_counts(ds, BLOCK)
        exp = np.zeros(pool.available.shape, bool)
        dd = np.arange(D)
        for i in range(H//2, 32 - H + H//2 + 1):
            for j in range(W//2, 32 - W + W//2 + 1):
                nd = bd[np.abs(bl - ds.lat.values[i]) + np.abs(bo - ds.lon.values[j]) <= l1 + 1e-9]
                hit = (np.abs(nd[None, :] - dd[:, None]) <= days).any(1)
                with np.errstate(invalid='ignore'): exp[:, i, j] = (dd >= T) & (dd + days <= cd[-1]) & (nm[:, i, j] >= mme) & ~hit
        assert (pool.available == exp).all(), f'{(pool.available != exp).sum()} mismatches for m_lim={m_lim}'
        assert 0 < exp.sum() < exp.size

def test_balanced_draw(setup):
    cat, st, ds = setup
    eq = find_eq_samples(cat, st, block=BLOCK, verbose=False)
    pool = find_neq_pool(cat, st, block=BLOCK)
    a, b = sample_neq(pool, eq, per_eq=2, seed=1), sample_neq(pool, eq, per_eq=2, seed=1)
    pd.testing.assert_frame_equal(a, b)
    seg = lambda x: (x.i_time.to_numpy() - BLOCK[0]) // 14
    s_eq, c_eq = np.unique(seg(eq), return_counts=True); s_n, c_n = np.unique(seg(a), return_counts=True)
    assert (s_eq == s_n).all() and (c_n == 2 * c_eq).all()
    assert not a.duplicated(['i_time', 'i_lat', 'i_lon']).any() and pool.available[a.i_time, a.i_lat, a.i_lon].all()
    assert (a.label == 0).all() and a.mag.isna().all()

def test_no_future_information(setup):
    "Blocks end before the label day; changing every event from a label day on leaves that sample's block unchanged."
    cat, st, ds = setup
    s = make_samples(cat, st, block=BLOCK, verbose=False)
    for i in range(len(s)):
        w = s.window(i)[0]
        assert w.stop == s.meta.i_time.iloc[i] and ds.time.values[w.stop - 1] < s.meta.time.values[i]
    rng = np.random.default_rng(0)
    for i in rng.choice(len(s), 3, replace=False):
        lab = pd.Timestamp(s.meta.time.iloc[i], tz='UTC')
        fut = cat.time >= lab
        cat2 = cat.assign(mag=np.where(fut, cat.mag + 0.3, cat.mag), latitude=np.where(fut, cat.latitude[::-1].values, cat.latitude))
        ds2 = compute_bgrid(cat2, progress=False, start=str(ds.time.values[0])[:10], end=str(ds.time.values[-1])[:10], **KW)
        st_, sa, so = s.window(int(i))
        np.testing.assert_array_equal(ds2.b.isel(time=st_, lat=sa, lon=so).values, s.block(int(i)))
        assert not np.array_equal(ds2.b.values, ds.b.values)    # the perturbation did change the field after the label day

def test_lazy_blocks_and_dataloaders(setup):
    cat, st, ds = setup
    s = make_samples(cat, st, block=BLOCK, per_eq=3, verbose=False)
    small = BlockSamples(st, s.meta, BLOCK, cache_mb=0.5)
    assert small._reader.misses == small._reader.hits == 0, 'creating BlockSamples must not read any block'
    w = small.window(0); small.block(0)
    assert small._reader.misses == np.prod([(x.stop - 1) // c - x.start // c + 1 for x, c in zip(w, small._reader.ch)]), 'a block reads only the chunks it overlaps'
    for i in range(len(s)):
        np.testing.assert_array_equal(small.block(i), s.block(i))
        assert small._reader.nbytes <= 0.5 * 2**20 + 128 * 16 * 16 * 4, 'the chunk cache must stay bounded'
    full = ds.b.load().values
    st_, sa, so = s.window(0)
    np.testing.assert_array_equal(s.block(0), full[st_, sa, so])
    n = len(s); cut = s.meta.time.iloc[int(0.6 * n)]
    tr, va = np.flatnonzero(s.meta.time < cut), np.flatnonzero(s.meta.time >= cut)   # time-forward split
    dls = s.dataloaders(tr, va, bs=5, seed=0)
    xs, ys = zip(*[(x, y) for x, y in dls.valid])
    x, y = np.concatenate([a.numpy() for a in xs]), np.concatenate([a.numpy() for a in ys])
    assert x.shape == (len(va), 1, *BLOCK) and x.dtype == np.float32
    np.testing.assert_array_equal(x[:, 0], np.stack([s.block(int(i)) for i in va]))
    np.testing.assert_array_equal(y, s.meta.label.to_numpy()[va].astype(np.float32))
    assert sum(len(b[0]) for b in dls.train) == len(tr)
    x2, _ = s.dataloaders(tr, va, bs=5, channel=False).one_batch()
    assert tuple(x2.shape) == (5, *BLOCK)

def test_bad_parameters(setup, tmp_path):
    cat, st, ds = setup
    with pytest.raises(ValueError, match='does not fit the field'): find_eq_samples(cat, st, block=(4096, 16, 16), verbose=False)
    with pytest.raises(ValueError, match='does not fit the field'): find_neq_pool(cat, st, block=(64, 33, 16))
    with pytest.raises(ValueError, match='block must be'): find_eq_samples(cat, st, block=(64, 16), verbose=False)
    with pytest.raises(ValueError, match='positive integers'): find_eq_samples(cat, st, block=(64, 16.5, 16), verbose=False)
    with pytest.raises(FileNotFoundError, match='no b-value store'): find_eq_samples(cat, tmp_path / 'none.zarr', block=BLOCK)
    with pytest.raises(FileNotFoundError, match='incomplete'):
        (tmp_path / 'x.zarr.partial').mkdir(); find_eq_samples(cat, tmp_path / 'x.zarr', block=BLOCK)
    with pytest.raises(ValueError, match=r'holds r=0.3 deg, t=120 d.*requested r=0.6'): find_eq_samples(cat, st, block=BLOCK, r=0.6)
    with pytest.raises(ValueError, match=r'requested t=365'): make_samples(cat, st, block=BLOCK, t=365)
    with pytest.raises(ValueError, match=r"requested estimator='aki'"): find_neq_pool(cat, ds, block=BLOCK, estimator='aki')
    with pytest.raises(ValueError, match='must not exceed m_eq'): make_samples(cat, st, block=BLOCK, m_lim=5.1)
    with pytest.raises(ValueError, match='l1_radius must be > 0'): find_neq_pool(cat, st, block=BLOCK, l1_radius=0)
    s = make_samples(cat, st, block=BLOCK, verbose=False)
    with pytest.raises(ValueError, match="lacks columns \\['n_mean'\\]"): BlockSamples(st, s.meta.drop(columns='n_mean'), BLOCK)
    with pytest.raises(ValueError, match='outside the field'): BlockSamples(st, s.meta.assign(i_time=10), BLOCK)
    with pytest.raises(IndexError, match='out of range'): s.block(len(s))
    with pytest.raises(IndexError, match='outside'): s.dataloaders([0, len(s)], [0])
    with pytest.raises(ValueError, match='sorted by time'): find_eq_samples(cat.iloc[::-1], st, block=BLOCK)
    eq = find_eq_samples(cat, st, block=BLOCK, verbose=False); pool = find_neq_pool(cat, st, block=BLOCK)
    with pytest.raises(ValueError, match='per_eq must be a finite number >= 0 of nEQ per EQ; got -1'): sample_neq(pool, eq, per_eq=-1)
    with pytest.raises(ValueError, match='segment_days must be a whole number of days >= 1; got 2.5'): sample_neq(pool, eq, segment_days=2.5)
    with pytest.raises(ValueError, match="outside the pool's 64"): sample_neq(pool, eq.assign(i_time=5))
    with pytest.raises(ValueError, match="lacks column 'i_time'"): sample_neq(pool, eq.drop(columns='i_time'))
    with pytest.warns(UserWarning, match=r"mag_type values \['mb'\]"): find_neq_pool(cat.assign(mag_type='mb'), st, block=BLOCK)
