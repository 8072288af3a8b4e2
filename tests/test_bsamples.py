"""seisnb.bsamples beyond its notebook (03, which checks the EQ set, the brute-force nEQ pool, the balance and the lazy
blocks itself): no block reaches past its label day on a field recomputed from a cut catalog, and the bad-parameter
battery."""
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
