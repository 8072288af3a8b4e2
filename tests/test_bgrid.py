"""seisnb.bgrid beyond the notebook: exactness against the reference on more cells, days and parameter corners;
interrupted and killed runs resume to the identical store; a dask LocalCluster builds the identical store; bad input."""
import os, signal, subprocess, sys, time, textwrap
from pathlib import Path
import numpy as np, pandas as pd, pytest, xarray as xr
from seisnb.bgrid import (compute_bgrid, reference_bgrid, open_bgrid, to_netcdf, bgrid_path, catalog_hash,
                          _partial, STENCIL_TOL)
from seisnb.synth import simulate_etas

GRID = dict(lat=(38., 41.), lon=(140., 143.), start='2002-01-01')

@pytest.fixture(scope='module')
def cat():
    return simulate_etas(t_days=365.25 * 3, region=(140., 143., 38., 41.), mu=10., seed=3, start='2000-01-01')

@pytest.fixture(scope='module')
def cat_rounded(cat):
    "Epicentres rounded to 0.05 deg: many lie exactly on stencil circles through cell centres."
    q = lambda x: np.round(np.round(x / 0.05) * 0.05, 10)
    return cat.assign(latitude=q(cat.latitude), longitude=q(cat.longitude))

def _cmp(cat, cells, days, **kw):
    f = compute_bgrid(cat, progress=False, **kw).isel(lat=cells[0], lon=cells[1], time=days)
    r = reference_bgrid(cat, cells=cells, days=days, **{k: v for k, v in kw.items() if k != 'chunks'})
    np.testing.assert_array_equal(f.n_events.values, r.n_events.values)
    d = np.abs(f.b.values.astype(float) - r.b.values.astype(float)).max()
    assert d <= 1e-6, f'max |b_fast - b_ref| = {d}'
    return r

@pytest.mark.parametrize('estimator,mc', [('bpositive', None), ('bpositive', 2.3), ('aki', 2.0), ('aki', 2.5)])
@pytest.mark.parametrize('r,t', [(0.15, 150), (0.65, 150), (0.15, 730), (0.65, 730)])
def test_exact_corners(cat, estimator, mc, r, t):
    r_ = _cmp(cat, (slice(13, 17), [0, 15, 29]), slice(0, 400, 7), r=r, t=t, estimator=estimator, mc=mc, **GRID)
    assert (r_.b.values > 0).any()   # not a vacuous comparison

def test_exact_on_circle_boundaries(cat_rounded):
    "Coordinates on a 0.05-degree lattice put events exactly on circles of radius 0.15 / 0.25 around cell centres."
    for r in (0.15, 0.25):
        _cmp(cat_rounded, (slice(10, 14), slice(10, 14)), slice(0, 365, 5), r=r, t=150, **GRID)

def test_exact_other_grid_options(cat):
    "Unbinned magnitudes, no binning correction, another dm_min and res, chunk sizes that do not divide the grid."
    c = cat.assign(mag=cat.mag + np.random.default_rng(0).uniform(-0.05, 0.05, len(cat)))
    _cmp(c, (slice(0, 3), slice(0, 3)), slice(0, 200, 3), r=0.4, t=200, dm=0., dm_min=0.05, binning_correction=False, chunks=(100, 7, 5), **GRID)
    _cmp(cat, (slice(0, 3), slice(2, 5)), slice(0, 100, 3), r=0.3, t=100, estimator='aki', mc=2.2, res=0.25, **GRID)

def test_edge_rules(cat):
    "All-equal magnitudes give 0 everywhere; b stays in [0, 2]; n_events is 0 far from every event."
    ds = compute_bgrid(cat.assign(mag=3.0), r=0.3, t=100, progress=False, **GRID)
    assert float(np.abs(ds.b).max()) == 0 and int(ds.n_events.max()) > 0
    ds = compute_bgrid(cat, r=0.3, t=30, progress=False, **GRID)
    assert 0 <= float(ds.b.min()) and float(ds.b.max()) <= 2
    far = compute_bgrid(cat, r=0.3, t=30, progress=False, lat=(30., 30.5), lon=(130., 130.5), start='2002-01-01')
    assert int(far.n_events.max()) == 0 and float(far.b.max()) == 0

def test_interrupt_then_resume(cat, tmp_path):
    kw = dict(r=0.3, t=180, chunks=(200, 8, 8), progress=False, **GRID)
    st = tmp_path / 'f.zarr'
    def boom(k):
        if k == 3: raise RuntimeError('interrupted')
    with pytest.raises(RuntimeError, match='interrupted'): compute_bgrid(cat, store=st, n_threads=1, _after_unit=boom, **kw)
    assert not st.exists() and _partial(st).exists()
    with pytest.raises(FileNotFoundError, match='incomplete'): open_bgrid(st)
    n_done = len(_markers(st))
    done = []
    ds = compute_bgrid(cat, store=st, _after_unit=done.append, **kw)
    assert len(done) == 16 - n_done and n_done >= 3
    assert not _partial(st).exists()
    xr.testing.assert_identical(ds.load(), compute_bgrid(cat, **kw))

def _markers(st): return [p for p in (_partial(st) / '_done').glob('*_*') if p.suffix != '.tmp']

def test_kill_then_resume(cat, tmp_path):
    "A run killed with SIGKILL mid-way leaves only the partial store; the rerun completes it identically."
    kw = dict(r=0.3, t=180, chunks=(200, 8, 8), progress=False, **GRID)
    cat.to_pickle(tmp_path / 'cat.pkl'); st = tmp_path / 'k.zarr'
    script = textwrap.dedent(f"""
        import time, pandas as pd
        import seisnb.bgrid as bg
        _cu = bg.compute_unit
        def slow(*a, **k): time.sleep(0.4); return _cu(*a, **k)      # slow every unit down so the kill lands mid-run
        bg.compute_unit = slow
        cat = pd.read_pickle({str(tmp_path / 'cat.pkl')!r})
        bg.compute_bgrid(cat, store={str(st)!r}, n_threads=1, **{kw!r})
        """)
    p = subprocess.Popen([sys.executable, '-c', script], stderr=subprocess.PIPE)
    t0 = time.time()
    while time.time() - t0 < 60:
        if (_partial(st) / '_done').exists() and len(_markers(st)) >= 2: break
        if p.poll() is not None: pytest.fail(f'child ended early: {p.stderr.read().decode()[-2000:]}')
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL); p.wait()
    assert not st.exists(), 'a killed run must not leave a store that looks complete'
    n_done = len(_markers(st))
    assert 2 <= n_done < 16
    done = []
    ds = compute_bgrid(cat, store=st, _after_unit=done.append, **kw)
    assert len(done) == 16 - n_done
    xr.testing.assert_identical(ds.load(), compute_bgrid(cat, **kw))

def test_dask_local_cluster(cat, tmp_path):
    "client='local' starts a LocalCluster of two worker processes (1 thread each); it builds the identical store."
    kw = dict(r=0.3, t=180, chunks=(200, 16, 16), progress=False, **GRID)
    ref = compute_bgrid(cat, store=tmp_path / 'threads.zarr', **kw)
    ds = compute_bgrid(cat, store=tmp_path / 'dask.zarr', client='local', **kw)
    xr.testing.assert_identical(ds.load(), ref.load())
    assert sorted(p.name for p in (tmp_path / 'dask.zarr').iterdir()) == sorted(p.name for p in (tmp_path / 'threads.zarr').iterdir())
    for v in ('b', 'n_events'):   # byte-identical chunk files, not only equal values
        a, b = tmp_path / 'threads.zarr' / v, tmp_path / 'dask.zarr' / v
        fa = sorted(p.relative_to(a) for p in a.rglob('*') if p.is_file() and p.name != 'zarr.json')
        assert fa == sorted(p.relative_to(b) for p in b.rglob('*') if p.is_file() and p.name != 'zarr.json') and fa
        assert all((a / f).read_bytes() == (b / f).read_bytes() for f in fa)

def test_dask_scheduler_address(cat, tmp_path):
    "A scheduler address string connects to an existing cluster (here an in-process one) and builds the identical store."
    from distributed import LocalCluster
    kw = dict(r=0.3, t=180, chunks=(200, 16, 16), progress=False, **GRID)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc:
        ds = compute_bgrid(cat, store=tmp_path / 'addr.zarr', client=lc.scheduler_address, **kw)
    xr.testing.assert_identical(ds.load(), compute_bgrid(cat, **kw))

def test_interrupted_creation_and_finalisation(cat, tmp_path):
    "A run killed while creating the partial store, or between its last unit and the rename, is finished by the next run."
    kw = dict(r=0.3, t=180, chunks=(200, 8, 8), progress=False, **GRID)
    st = tmp_path / 'g.zarr'
    init = Path(str(_partial(st)) + '.init'); init.mkdir(parents=True); (init / 'junk').write_text('half-written')
    done = []
    ds = compute_bgrid(cat, store=st, _after_unit=done.append, **kw)
    assert len(done) == 16 and not init.exists() and not _partial(st).exists()
    st.rename(_partial(st))                       # complete=True, markers gone: as if killed just before the rename
    done = []
    ds2 = compute_bgrid(cat, store=st, _after_unit=done.append, **kw)
    assert done == [] and st.exists() and not _partial(st).exists()
    xr.testing.assert_identical(ds2.load(), ds.load())

def test_progress_bar(cat, capsys):
    "Long runs show a tqdm bar over the work units (on stderr); progress=False shows none."
    kw = dict(r=0.3, t=30, chunks=(200, 15, 15), **GRID)
    compute_bgrid(cat, progress=True, **kw)
    err = capsys.readouterr().err
    assert 'b-value field bpositive r=0.3 t=30' in err and '4/4' in err and 'chunk' in err, err[-500:]
    compute_bgrid(cat, progress=False, **kw)
    assert capsys.readouterr().err == ''

def test_store_parameters_and_netcdf(cat, tmp_path):
    kw = dict(r=0.3, t=180, progress=False, **GRID)
    st = bgrid_path(tmp_path, 0.3, 180)
    assert st.name == 'bgrid_bpositive_r0.3_t180.zarr'
    ds = compute_bgrid(cat, store=st, **kw)
    assert ds.attrs['catalog_hash'] == catalog_hash(cat) and ds.attrs['r'] == 0.3 and ds.attrs['t'] == 180
    assert ds.b.encoding['chunks'] == (min(512, ds.sizes['time']), 30, 30)
    with pytest.raises(ValueError, match=r'holds r=0.3 deg, t=180 d'): open_bgrid(st, t=365)
    with pytest.raises(ValueError, match=r"requested estimator='aki'"): open_bgrid(st, estimator='aki')
    with pytest.raises(FileExistsError, match='different field'): compute_bgrid(cat, store=st, **dict(kw, r=0.4))
    with pytest.raises(FileExistsError, match='catalog_hash'): compute_bgrid(cat.iloc[:-1], store=st, **kw)
    ds2 = compute_bgrid(cat, store=st, **dict(kw, r=0.4), overwrite=True)
    assert ds2.attrs['r'] == 0.4
    nc = to_netcdf(ds2, tmp_path / 'f.nc')
    back = xr.open_dataset(nc, engine='h5netcdf')
    xr.testing.assert_equal(back.load(), ds2.load()); assert back.attrs['complete'] == 1
    with pytest.raises(FileNotFoundError, match='no b-value store'): open_bgrid(tmp_path / 'nope.zarr')

def test_bad_input(cat):
    with pytest.raises(ValueError, match='sorted by time'): compute_bgrid(cat.iloc[::-1], progress=False, **GRID)
    with pytest.raises(ValueError, match='needs mc'): compute_bgrid(cat, estimator='aki', progress=False, **GRID)
    with pytest.raises(ValueError, match="got 'bplus'"): compute_bgrid(cat, estimator='bplus', progress=False, **GRID)
    with pytest.raises(ValueError, match='t \\(days\\) must be a finite integer > 0; got 0'): compute_bgrid(cat, t=0, progress=False, **GRID)
    with pytest.raises(ValueError, match='whole number of cells'): compute_bgrid(cat, lat=(38., 38.33), lon=(140., 141.), start='2002-01-01', progress=False)
    with pytest.raises(ValueError, match='latitude has 1 missing'): compute_bgrid(cat.assign(latitude=np.r_[np.nan, cat.latitude.values[1:]]), progress=False, **GRID)
    with pytest.raises(TypeError, match='client must be'): compute_bgrid(cat, client=3, progress=False, **GRID)
    assert STENCIL_TOL < 1e-6

@pytest.mark.parametrize('seed', range(12))
def test_exact_fuzz(seed):
    "Tiny random catalogs full of edge cases (same-day events, repeated magnitudes, few events) on a whole small grid."
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 120))
    days = np.sort(rng.integers(0, 90, n) + rng.uniform(0, 0.99, n) * (rng.random() < 0.5))
    mags = rng.choice([2.0, 2.1, 2.3, 2.6, 3.0, 3.8], n, p=rng.dirichlet(np.ones(6) * rng.uniform(0.2, 3)))
    if rng.random() < 0.3: mags = mags + rng.uniform(-0.04, 0.04, n)    # unbinned
    cat = pd.DataFrame(dict(time=pd.Timestamp('2001-01-01', tz='UTC') + pd.to_timedelta(days, 'D'),
                            latitude=rng.uniform(40., 40.5, n), longitude=rng.uniform(140., 140.5, n), mag=mags))
    kw = dict(r=float(rng.choice([0.1, 0.15, 0.25])), t=int(rng.integers(1, 40)), lat=(40., 40.5), lon=(140., 140.5),
              start='2001-01-01', end='2001-04-10', chunks=(30, 2, 3))
    for est, mc in (('bpositive', None), ('bpositive', 2.1), ('aki', 2.1)):
        _cmp(cat, (slice(None), slice(None)), slice(None), estimator=est, mc=mc, dm_min=float(rng.choice([0.1, 0.2])), **kw)
