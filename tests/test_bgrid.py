"""seisnb.bgrid beyond the notebook: exactness against the reference on more cells, days, parameter corners, across
the antimeridian and on random small catalogs; killed runs resume to the identical store; a dask LocalCluster builds
the identical store; a battery of bad inputs and of damaged stores."""
import json, os, shutil, signal, subprocess, sys, time, textwrap, warnings
from pathlib import Path
import numpy as np, pandas as pd, pytest, xarray as xr
from seisnb.bgrid import (compute_bgrid, reference_bgrid, open_bgrid, verify_bgrid, to_netcdf, catalog_hash,
                          _partial, STENCIL_TOL)
from seisnb.catalog import wrap_lon
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

@pytest.fixture(scope='module')
def fiji():
    "A catalog across the antimeridian, reported in -180..180."
    c = simulate_etas(t_days=400, region=(176., 184., -22., -16.), mu=6., seed=11, start='2001-01-01')
    return c.assign(longitude=wrap_lon(c.longitude.to_numpy(), '-180..180'))

def _cmp(cat, cells, days, **kw):
    f = compute_bgrid(cat, progress=False, **kw).isel(lat=cells[0], lon=cells[1], time=days)
    r = reference_bgrid(cat, cells=cells, days=days, **{k: v for k, v in kw.items() if k != 'chunks'})
    np.testing.assert_array_equal(f.n_events.values, r.n_events.values)
    np.testing.assert_allclose(f.b.values.astype(float), r.b.values.astype(float), rtol=0, atol=1e-6, equal_nan=True)
    return r

@pytest.mark.parametrize('estimator,mc', [('bpositive', None), ('bpositive', 2.3), ('aki', 2.0), ('aki', 2.5)])
@pytest.mark.parametrize('r,t', [(0.15, 150), (0.65, 150), (0.15, 730), (0.65, 730)])
def test_exact_corners(cat, estimator, mc, r, t):
    r_ = _cmp(cat, (slice(13, 17), [0, 15, 29]), slice(0, 400, 7), r=r, t=t, estimator=estimator, mc=mc, **GRID)
    assert (r_.b.values > 0).any()   # not a vacuous comparison

@pytest.mark.parametrize('estimator,mc', [('bpositive_exact', None), ('tinti_mulargia', 2.2)])
def test_exact_estimators(cat, estimator, mc):
    _cmp(cat, (slice(10, 14), [0, 29]), slice(0, 300, 5), r=0.4, t=200, estimator=estimator, mc=mc, **GRID)

def test_exact_on_circle_boundaries(cat_rounded):
    "Coordinates on a 0.05-degree lattice put events exactly on circles of radius 0.15 / 0.25 around cell centres."
    for r in (0.15, 0.25):
        _cmp(cat_rounded, (slice(10, 14), slice(10, 14)), slice(0, 365, 5), r=r, t=150, **GRID)

def test_exact_other_grid_options(cat):
    "Continuous magnitudes, no binning correction, another dm_min and res, chunks that do not divide the grid."
    c = cat.assign(mag=cat.mag + np.random.default_rng(0).uniform(-0.05, 0.05, len(cat)))
    _cmp(c, (slice(0, 3), slice(0, 3)), slice(0, 200, 3), r=0.4, t=200, delta_m=0., dm_min=0.05,
         binning_correction=False, chunks=(100, 7, 5), **GRID)
    _cmp(cat, (slice(0, 3), slice(2, 5)), slice(0, 100, 3), r=0.3, t=100, estimator='aki', mc=2.2, res=0.25, **GRID)

@pytest.mark.parametrize('lon', [(178., -178.), (178., 182.), (-182., -178.)])
def test_antimeridian_exact(fiji, lon):
    "A grid across 180 deg in any spelling: counts and b equal the reference, for both catalog conventions."
    kw = dict(r=0.4, t=120, lat=(-20., -18.), lon=lon, start='2001-05-01', chunks=(100, 8, 8))
    cells, days = (slice(None), [0, 1, 9, 10, 11, 19, 20, 21, 30, 39]), slice(0, 200, 9)
    r_ = _cmp(fiji, cells, days, **kw)
    assert (r_.n_events.values[:, :, :4] > 0).any() and (r_.n_events.values[:, :, -4:] > 0).any()
    c360 = fiji.assign(longitude=wrap_lon(fiji.longitude.to_numpy(), '0..360'))
    xr.testing.assert_identical(compute_bgrid(c360, progress=False, **kw), compute_bgrid(fiji, progress=False, **kw))

def test_catalog_in_0_360_on_a_minus180_180_grid(cat):
    "A catalog east of 180 in 0..360 longitudes (220-223 E) on a grid written in -180..180: nothing is lost."
    west = cat.assign(longitude=cat.longitude + 80)               # 220..223 E = 140..137 W
    kw = dict(r=0.3, t=60, lat=(38., 41.), lon=(-140., -137.), start='2002-01-01', progress=False)
    ds = compute_bgrid(west, **kw)
    ref = compute_bgrid(cat, **dict(kw, lon=(140., 143.)))
    np.testing.assert_array_equal(ds.n_events.values, ref.n_events.values)
    assert int(ds.n_events.sum()) > 0

def test_default_region_is_the_catalog_extent(fiji):
    ds = compute_bgrid(fiji, r=0.3, t=60, res=0.5, progress=False)
    lo = wrap_lon(fiji.longitude.to_numpy(), '0..360')
    assert ds.attrs['lon'][0] <= lo.min() and ds.attrs['lon'][1] >= lo.max() and ds.attrs['lon'][1] > 180
    assert ds.attrs['lat'][0] <= fiji.latitude.min() and ds.attrs['lat'][1] >= fiji.latitude.max()
    assert int(ds.n_events.max()) > 0

def test_empty_field_warns(cat):
    with pytest.warns(UserWarning, match='no event falls in any cylinder'):
        far = compute_bgrid(cat, r=0.3, t=30, progress=False, lat=(30., 30.5), lon=(130., 130.5), start='2002-01-01')
    assert int(far.n_events.max()) == 0 and bool(far.b.isnull().all())

def test_centi_magnitudes_field_not_low(cat):
    "Magnitudes at 0.01 made the daily field 10 % low with a fixed 0.1 binning; inferred, it matches b = 1."
    rng = np.random.default_rng(1)
    c = cat.assign(mag=np.round(cat.mag + rng.integers(-5, 5, len(cat)) * 0.01, 2))
    ds = compute_bgrid(c, r=0.65, t=730, progress=False, **GRID)
    assert ds.attrs['delta_m'] == 0.01 and ds.attrs['delta_m_source'] == 'inferred'
    busy = ds.b.where(ds.n_events >= 300)
    assert abs(float(busy.mean()) - 1.0) < 0.05, float(busy.mean())
    with pytest.raises(ValueError, match='found in the data is delta_m=0.01'):
        compute_bgrid(c, r=0.3, t=60, delta_m=0.1, progress=False, **GRID)

def test_edge_rules(cat):
    "All-equal magnitudes: b undefined (NaN) everywhere; b stays in [0, 2]."
    ds = compute_bgrid(cat.assign(mag=3.0), r=0.3, t=100, delta_m=0.1, progress=False, **GRID)
    assert bool(ds.b.isnull().all()) and int(ds.n_events.max()) > 0
    ds = compute_bgrid(cat, r=0.3, t=30, progress=False, **GRID)
    assert 0 <= float(ds.b.min()) and float(ds.b.max()) <= 2

def _markers(st): return [p for p in (_partial(st) / '_done').glob('*_*') if p.suffix != '.tmp']

def test_kill_then_resume(cat, tmp_path):
    "A run killed with SIGKILL mid-way leaves only the partial store; the rerun completes it byte-identically."
    kw = dict(r=0.3, t=180, chunks=(200, 8, 8), progress=False, **GRID)
    cat.to_pickle(tmp_path / 'cat.pkl')
    st = tmp_path / 'k.zarr'
    script = textwrap.dedent(f"""
        import time, pandas as pd
        import seisnb.bgrid as bg
        _cu = bg.compute_unit
        def slow(*a, **k):                      # slow every unit down so the kill lands mid-run
            time.sleep(0.4)
            return _cu(*a, **k)
        bg.compute_unit = slow
        cat = pd.read_pickle({str(tmp_path / 'cat.pkl')!r})
        bg.compute_bgrid(cat, store={str(st)!r}, n_threads=1, **{kw!r})
        """)
    p = subprocess.Popen([sys.executable, '-c', script], stderr=subprocess.PIPE)
    t0 = time.time()
    while time.time() - t0 < 90:
        if (_partial(st) / '_done').exists() and len(_markers(st)) >= 2: break
        if p.poll() is not None: pytest.fail(f'child ended early: {p.stderr.read().decode()[-2000:]}')
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert not st.exists(), 'a killed run must not leave a store that looks complete'
    n_done = len(_markers(st))
    assert 2 <= n_done < 16
    done = []
    ds = compute_bgrid(cat, store=st, _after_unit=done.append, **kw)
    assert len(done) == 16 - n_done
    xr.testing.assert_identical(ds.load(), compute_bgrid(cat, **kw))
    ref = compute_bgrid(cat, store=tmp_path / 'ref.zarr', **kw)          # byte-exact against an unbroken run
    assert _chunk_bytes(st) == _chunk_bytes(tmp_path / 'ref.zarr')
    xr.testing.assert_identical(ds.load(), ref.load())

def _chunk_bytes(st):
    return {str(f.relative_to(st)): f.read_bytes() for v in ('b', 'n_events') for f in (st / v / 'c').rglob('*')
            if f.is_file()}

def test_dask_local_cluster(cat, tmp_path):
    "client='local' starts a LocalCluster of two worker processes (1 thread each); it builds the identical store."
    kw = dict(r=0.3, t=180, chunks=(200, 16, 16), progress=False, **GRID)
    ref = compute_bgrid(cat, store=tmp_path / 'threads.zarr', **kw)
    ds = compute_bgrid(cat, store=tmp_path / 'dask.zarr', client='local', **kw)
    xr.testing.assert_identical(ds.load(), ref.load())
    assert _chunk_bytes(tmp_path / 'dask.zarr') == _chunk_bytes(tmp_path / 'threads.zarr')

def test_dask_scheduler_address(cat, tmp_path):
    "A scheduler address string connects to an existing cluster (here an in-process one) and builds the same store."
    from distributed import LocalCluster
    kw = dict(r=0.3, t=180, chunks=(200, 16, 16), progress=False, **GRID)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc:
        ds = compute_bgrid(cat, store=tmp_path / 'addr.zarr', client=lc.scheduler_address, **kw)
    xr.testing.assert_identical(ds.load(), compute_bgrid(cat, **kw))

def test_interrupted_creation_and_finalisation(cat, tmp_path):
    "A run killed while creating the partial store, or between its last unit and the rename, is finished next time."
    kw = dict(r=0.3, t=180, chunks=(200, 8, 8), progress=False, **GRID)
    st = tmp_path / 'g.zarr'
    init = Path(str(_partial(st)) + '.init')
    init.mkdir(parents=True)
    (init / 'junk').write_text('half-written')
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
    assert 'b-value field' not in capsys.readouterr().err

def test_store_parameters_and_netcdf(cat, tmp_path):
    kw = dict(r=0.3, t=180, progress=False, **GRID)
    st = tmp_path / 'p.zarr'
    ds = compute_bgrid(cat, store=st, **kw)
    assert ds.attrs['catalog_hash'] == catalog_hash(cat) and ds.b.encoding['chunks'] == (min(512, ds.sizes['time']), 30, 30)
    with pytest.raises(FileExistsError, match='catalog_hash'): compute_bgrid(cat.iloc[:-1], store=st, **kw)
    ds2 = compute_bgrid(cat, store=st, **dict(kw, r=0.4), overwrite=True)
    assert ds2.attrs['r'] == 0.4
    back = xr.open_dataset(to_netcdf(ds2, tmp_path / 'f.nc'), engine='h5netcdf')
    xr.testing.assert_equal(back.load(), ds2.load())
    assert back.attrs['complete'] == 1 and back.lon.attrs['standard_name'] == 'longitude'
    assert np.isnan(back.b.encoding['_FillValue'])

BAD = [
    ('unsorted', lambda c: compute_bgrid(c.iloc[::-1], **GRID), ValueError, 'sorted by time'),
    ('aki without mc', lambda c: compute_bgrid(c, estimator='aki', **GRID), ValueError, 'needs mc'),
    ('tm without mc', lambda c: compute_bgrid(c, estimator='tinti_mulargia', **GRID), ValueError, 'needs mc'),
    ('unknown estimator', lambda c: compute_bgrid(c, estimator='bplus', **GRID), ValueError, "got 'bplus'"),
    ('t = 0', lambda c: compute_bgrid(c, t=0, **GRID), ValueError, 't (days) must be a finite integer > 0; got 0'),
    ('t float', lambda c: compute_bgrid(c, t=36.5, **GRID), ValueError, 't (days) must be a finite integer'),
    ('r negative', lambda c: compute_bgrid(c, r=-1, **GRID), ValueError, 'r (degrees) must be a finite number > 0'),
    ('r str', lambda c: compute_bgrid(c, r='0.3', **GRID), ValueError, "got '0.3'"),
    ('res 0', lambda c: compute_bgrid(c, res=0, **GRID), ValueError, 'res (degrees)'),
    ('partial cells', lambda c: compute_bgrid(c, lat=(38., 38.33), lon=(140., 141.), start='2002-01-01'), ValueError,
     'whole number of cells'),
    ('lat > 90', lambda c: compute_bgrid(c, lat=(80., 95.), lon=(140., 141.)), ValueError, 'must lie in [-90, 90]'),
    ('lon span > 180', lambda c: compute_bgrid(c, lat=(38., 39.), lon=(0., 200.)), ValueError, 'spans 200 degrees'),
    ('lon nan', lambda c: compute_bgrid(c, lat=(38., 39.), lon=(140., np.nan)), ValueError, 'finite longitudes'),
    ('lon one value', lambda c: compute_bgrid(c, lat=(38., 39.), lon=(140.,)), ValueError, '(west, east) pair'),
    ('lon 1000', lambda c: compute_bgrid(c, lat=(38., 39.), lon=(1000., 1001.)), ValueError, 'in [-360, 360]'),
    ('chunks bad', lambda c: compute_bgrid(c, chunks=(0, 8, 8), **GRID), ValueError, 'chunk size'),
    ('chunks two', lambda c: compute_bgrid(c, chunks=(8, 8), **GRID), ValueError, '(time, lat, lon)'),
    ('start after end', lambda c: compute_bgrid(c, lat=(38., 39.), lon=(140., 141.), start='2003-01-01',
                                                end='2002-01-01'), ValueError, 'would be empty'),
    ('not a table', lambda c: compute_bgrid(c.to_numpy(), **GRID), TypeError, 'must be a pandas DataFrame'),
    ('empty', lambda c: compute_bgrid(c.iloc[:0], **GRID), ValueError, 'catalog is empty'),
    ('no mag column', lambda c: compute_bgrid(c.drop(columns='mag'), **GRID), ValueError, "lacks columns ['mag']"),
    ('nan latitude', lambda c: compute_bgrid(c.assign(latitude=np.r_[np.nan, c.latitude.values[1:]]), **GRID),
     ValueError, 'latitude has 1 missing'),
    ('latitude 95', lambda c: compute_bgrid(c.assign(latitude=np.r_[95., c.latitude.values[1:]]), **GRID), ValueError,
     '[-90, 90]'),
    ('longitude 400', lambda c: compute_bgrid(c.assign(longitude=np.r_[400., c.longitude.values[1:]]), **GRID),
     ValueError, '[-180, 360]'),
    ('nat time', lambda c: compute_bgrid(c.assign(time=pd.Series([pd.NaT] + list(c.time.iloc[1:]))), **GRID),
     ValueError, 'missing times'),
    ('0.01 as 0.1', lambda c: compute_bgrid(c.assign(mag=c.mag + 0.01), delta_m=0.1, **GRID), ValueError,
     'delta_m=0.01'),
    ('mc off grid', lambda c: compute_bgrid(c, estimator='aki', mc=2.05, delta_m=0.1, **GRID), ValueError,
     'mc are not on the declared'),
    ('mc str', lambda c: compute_bgrid(c, estimator='aki', mc='2.0', **GRID), ValueError, "mc must be a finite number"),
    ('dm_min off grid', lambda c: compute_bgrid(c, dm_min=0.15, delta_m=0.1, **GRID), ValueError, 'dm_min are not on'),
    ('dm_min zero', lambda c: compute_bgrid(c, dm_min=0, **GRID), ValueError, 'dm_min must be a finite number > 0'),
    ('delta_m negative', lambda c: compute_bgrid(c, delta_m=-0.1, **GRID), ValueError, 'delta_m must be'),
    ('magnitude 1e12', lambda c: compute_bgrid(c.assign(mag=np.r_[1e12, c.mag.values[1:]]), **GRID), ValueError,
     'outside the magnitude range'),
    ('world catalog, no region', lambda c: compute_bgrid(c.assign(longitude=np.linspace(-179, 179, len(c)))),
     ValueError, 'pass lat= and lon='),
    ('client type', lambda c: compute_bgrid(c, client=3, **GRID), TypeError, 'client must be'),
]

@pytest.mark.parametrize('name,call,exc,msg', BAD, ids=[b[0] for b in BAD])
def test_bad_input(cat, name, call, exc, msg):
    with pytest.raises(exc) as e: call(cat)
    assert msg in str(e.value), str(e.value)

@pytest.fixture(scope='module')
def good_store(cat, tmp_path_factory):
    kw = dict(r=0.3, t=180, chunks=(200, 8, 8), progress=False, **GRID)
    st = tmp_path_factory.mktemp('good') / 'ok.zarr'
    return st, kw, compute_bgrid(cat, store=st, **kw).load()

def _flip(f:Path, at=None):
    raw = bytearray(f.read_bytes())
    raw[len(raw) // 2 if at is None else at] ^= 0x10
    f.write_bytes(bytes(raw))

DAMAGE = [   # (name, damage(store path), message naming what is wrong)
    ('flip b', lambda p: _flip(p / 'b' / 'c' / '1' / '0' / '2'), "chunk b/c/1/0/2 of array 'b'"),
    ('flip n_events', lambda p: _flip(p / 'n_events' / 'c' / '0' / '3' / '1'), "of array 'n_events'"),
    ('flip first byte', lambda p: _flip(p / 'b' / 'c' / '0' / '0' / '0', at=0), 'crc32c checksum'),
    ('flip checksum', lambda p: _flip(p / 'b' / 'c' / '0' / '0' / '1', at=-1), 'crc32c checksum'),
    ('truncated chunk', lambda p: (p / 'b' / 'c' / '0' / '1' / '1').write_bytes(b'\x00' * 3), 'crc32c checksum'),
    ('empty chunk file', lambda p: (p / 'b' / 'c' / '0' / '1' / '1').write_bytes(b''), 'crc32c checksum'),
    ('lost chunk', lambda p: (p / 'n_events' / 'c' / '1' / '2' / '2').unlink(), 'c/1/2/2 of array'),
    ('lost array', lambda p: shutil.rmtree(p / 'b' / 'c'), 'is missing'),
    ('group zarr.json truncated', lambda p: (p / 'zarr.json').write_text('{"zarr_fo'), 'zarr.json'),
    ('group zarr.json deleted', lambda p: (p / 'zarr.json').unlink(), 'is damaged'),
    ('array zarr.json garbage', lambda p: (p / 'b' / 'zarr.json').write_bytes(os.urandom(64)), 'is damaged'),
    ('attrs not complete', lambda p: _set_attr(p, 'complete', False), 'not a complete b-value store'),
    ('old format', lambda p: _set_attr(p, 'format_version', None), 'older seisnb'),
]

def _set_attr(p, k, v):
    meta = json.loads((p / 'zarr.json').read_text())
    meta['attributes'][k] = v
    (p / 'zarr.json').write_text(json.dumps(meta))

@pytest.mark.parametrize('name,damage,msg', DAMAGE, ids=[d[0] for d in DAMAGE])
def test_damaged_store_is_reported_and_overwrite_rebuilds(cat, good_store, tmp_path, name, damage, msg):
    st, kw, ref = good_store
    p = tmp_path / 'd.zarr'
    shutil.copytree(st, p)
    damage(p)
    with pytest.raises(ValueError) as e: open_bgrid(p)
    assert msg in str(e.value) and str(p) in str(e.value), str(e.value)
    with pytest.raises((ValueError, FileExistsError)): compute_bgrid(cat, store=p, **kw)
    xr.testing.assert_identical(compute_bgrid(cat, store=p, overwrite=True, **kw).load(), ref)

def test_flipped_byte_raises_on_read_without_verify(good_store, tmp_path):
    st, _, _ = good_store
    p = tmp_path / 'f.zarr'
    shutil.copytree(st, p)
    _flip(p / 'b' / 'c' / '0' / '1' / '1')
    with pytest.raises(ValueError, match='checksum'): open_bgrid(p, verify=False).b.values
    assert len(verify_bgrid(p, raise_=False)) == 1

PARTIAL = [   # damage to a partial store whose first units are marked done
    ('lost chunk of a done unit', lambda p, u: (p / 'b' / 'c' / '0' / u[0] / u[1]).unlink()),
    ('flipped chunk of a done unit', lambda p, u: _flip(p / 'n_events' / 'c' / '1' / u[0] / u[1])),
    ('emptied chunk of a done unit', lambda p, u: (p / 'b' / 'c' / '1' / u[0] / u[1]).write_bytes(b'')),
]

@pytest.mark.parametrize('name,damage', PARTIAL, ids=[d[0] for d in PARTIAL])
def test_resume_recomputes_damaged_done_units(cat, good_store, tmp_path, name, damage):
    st, kw, ref = good_store
    p = tmp_path / 'r.zarr'
    def boom(k):
        if k == 4: raise RuntimeError('stop')
    with pytest.raises(RuntimeError): compute_bgrid(cat, store=p, n_threads=1, _after_unit=boom, **kw)
    n_done = len(_markers(p))
    m = sorted(_markers(p))[1].name.split('_')
    damage(_partial(p), [str(int(m[0]) // 8), str(int(m[1]) // 8)])
    done = []
    with pytest.warns(UserWarning, match='marked done had missing or damaged chunks'):
        ds = compute_bgrid(cat, store=p, _after_unit=done.append, **kw)
    assert len(done) == 16 - n_done + 1
    xr.testing.assert_identical(ds.load(), ref)

@pytest.mark.parametrize('what', ['group', 'array'])
def test_damaged_partial_metadata(cat, good_store, tmp_path, what):
    "A partial store with damaged zarr.json: a clear error naming it; overwrite=True rebuilds it."
    st, kw, ref = good_store
    p = tmp_path / 'm.zarr'
    with pytest.raises(ZeroDivisionError):
        compute_bgrid(cat, store=p, n_threads=1, _after_unit=lambda k: 1 / 0 if k == 2 else None, **kw)
    (_partial(p) / ('zarr.json' if what == 'group' else 'b/zarr.json')).write_text('not json')
    with pytest.raises(ValueError, match=f'{_partial(p)} is damaged'): compute_bgrid(cat, store=p, **kw)
    xr.testing.assert_identical(compute_bgrid(cat, store=p, overwrite=True, **kw).load(), ref)
