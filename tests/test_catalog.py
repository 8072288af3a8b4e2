"""seisnb.catalog and seisnb.magnitudes beyond what chapters 00/00g check: details of the real catalogs (skipped
without the mirror), round trips of random catalogs through every writer/reader pair, the Mw relations at every
branch edge, gap and range end, and filters (antimeridian included) against brute-force counts."""
import warnings
from pathlib import Path
import numpy as np, pandas as pd
import pytest
from seisnb.catalog import *
from seisnb.catalog import _decimal_year
from seisnb.magnitudes import *

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT/'data'/'examples'
BOX = (135, 146, 35, 46)

def need(data_dir, rel):
    "A file of the data mirror, or skip (a partial mirror may lack it)."
    p = data_dir/rel
    if not p.is_file(): pytest.skip(f'{rel} not in the data mirror {data_dir}')
    return p

def assert_schema(cat):
    assert list(cat.columns[:7]) == list(CATALOG_COLUMNS)
    assert str(cat.time.dtype) == 'datetime64[ns, UTC]'
    for c in ('latitude', 'longitude', 'depth_km', 'mag'): assert cat[c].dtype == np.float64, c
    assert pd.api.types.is_string_dtype(cat.mag_type) and pd.api.types.is_string_dtype(cat.event_id)
    assert cat.time.is_monotonic_increasing and cat.event_id.is_unique

# --- real data (data mirror) ---------------------------------------------------------------------------------------------
def test_japan_usgs(data_dir):
    fn = need(data_dir, 'catalogs/japan_usgs_1990_2019.csv')
    with pytest.warns(CatalogWarning, match='no depth in this catalog'): cat = read_japan_usgs(fn)
    assert_schema(cat)
    assert len(cat) == 37581 and cat.attrs['report']['n_out_of_order'] == 0
    assert cat.depth_km.isna().all() and set(cat.mag_type) == {'Mw'}
    assert (cat.mag.min(), cat.mag.max()) == (2.7, 9.1)
    assert cat.time.min() == pd.Timestamp('1990-01-01 09:03:12.880', tz='UTC') and cat.time.max().year == 2019
    box = filter_catalog(cat, region=BOX)
    assert len(box) == 16361 and box.attrs['report'] == dict(step='filter', n_in=37581, region_box=BOX, region=37581 - 16361, n_out=16361)
    toh = box.loc[box.mag.idxmax()]   # Tohoku 2011-03-11 05:46 UTC
    assert toh.mag == 9.1 and toh.time.strftime('%Y-%m-%d %H:%M') == '2011-03-11 05:46'
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', CatalogWarning)
        assert read_japan_usgs(fn, mag_type='mb').mag_type.iloc[0] == 'mb'

@pytest.mark.parametrize('name,n,n_fix,n_60', [('norcia', 20836, 2, 1), ('amatrice', 11074, 1, 0)])
def test_gulia_wiemer_real(data_dir, name, n, n_fix, n_60):
    fn = need(data_dir, f'catalogs/{name}_gulia_wiemer_2019.txt')
    with pytest.warns(CatalogWarning, match=f'{n_fix} events dated in the next year'):
        cat = read_gulia_wiemer(fn)
    assert_schema(cat)
    rep = cat.attrs['report']
    assert len(cat) == n and rep['n_year_boundary_fixed'] == n_fix and rep['n_second_60'] == n_60
    assert rep['n_out_of_order'] == 0   # once the year-boundary events are dated right, the file is in time order
    # the corrected events: 31 December of the year before the rounded decimal year
    fixed = cat[(cat.decimal_year == np.floor(cat.decimal_year)) & (cat.time.dt.month == 12)]
    assert len(fixed) == n_fix and (fixed.time.dt.year == fixed.decimal_year - 1).all()
    # every time agrees with the file's decimal year to its 4-decimal rounding (5e-5 yr, about 26 min)
    err = np.abs(_decimal_year(cat.time) - cat.decimal_year.to_numpy())
    assert err.max() < 6e-5
    assert cat.time.min().year == 1981 and cat.time.max().year == 2018
    assert 6.0 < cat.mag.max() < 7.0 and cat.mag.min() >= 1.0
    lat0, lon0 = (42.83, 13.11) if name == 'norcia' else (42.70, 13.23)
    assert abs(cat.latitude.median() - lat0) < 0.1 and abs(cat.longitude.median() - lon0) < 0.1

# --- synthetic files written here ----------------------------------------------------------------------------------------
def random_catalog(n=200, seed=0, types=('Mw', 'mb', 'MS', 'MJMA', 'ML', 'MV')):
    r = np.random.default_rng(seed)
    t = pd.Timestamp('2000-01-01', tz='UTC') + pd.to_timedelta(np.sort(r.integers(0, 20*365*86400*1000, n)), unit='ms')
    return validate_catalog(pd.DataFrame(dict(time=t, latitude=np.round(r.uniform(-60, 60, n), 5), longitude=np.round(r.uniform(-179, 179, n), 5),
                                              depth_km=np.round(r.uniform(0, 650, n), 3), mag=np.round(r.uniform(3, 8, n), 2),
                                              mag_type=r.choice(types, n), event_id=[f'syn{i:04d}' for i in range(n)])))

def test_fdsn_roundtrip(tmp_path):
    cat = random_catalog()
    back = read_fdsn_text(write_fdsn_text(cat, tmp_path/'syn.txt'))
    pd.testing.assert_frame_equal(back[list(CATALOG_COLUMNS)], cat[list(CATALOG_COLUMNS)])

def test_comcat_roundtrip(tmp_path):
    cat = random_catalog(seed=1)
    cc = cat.rename(columns={'depth_km': 'depth', 'mag_type': 'magType', 'event_id': 'id'}).assign(place='somewhere, far', net='xx')
    cc['time'] = cc.time.dt.strftime('%Y-%m-%dT%H:%M:%S.%f').str[:-3] + 'Z'
    cc[['time', 'latitude', 'longitude', 'depth', 'mag', 'magType', 'net', 'id', 'place']].to_csv(tmp_path/'syn.csv', index=False)
    back = read_comcat_csv(tmp_path/'syn.csv')
    pd.testing.assert_frame_equal(back[list(CATALOG_COLUMNS)], cat[list(CATALOG_COLUMNS)])
    assert back.place.eq('somewhere, far').all()

def test_quakeml_roundtrip(tmp_path):
    from obspy import UTCDateTime
    from obspy.core.event import Catalog, Event, Origin, Magnitude
    cat = random_catalog(n=20, seed=2)
    evs = []
    for r in cat.itertuples():
        o = Origin(time=UTCDateTime(r.time.isoformat()), latitude=r.latitude, longitude=r.longitude, depth=r.depth_km * 1000)
        m1, m2 = Magnitude(mag=r.mag, magnitude_type=r.mag_type), Magnitude(mag=r.mag - 0.3, magnitude_type='mb')
        e = Event(origins=[o], magnitudes=[m2, m1]); e.preferred_magnitude_id = m1.resource_id; e.resource_id = r.event_id
        evs.append(e)
    Catalog(events=evs[::-1]).write(str(tmp_path/'syn.xml'), format='QUAKEML')   # written in reverse time order
    with pytest.warns(CatalogWarning, match='19 rows were earlier'):
        back = read_quakeml(tmp_path/'syn.xml')
    assert back.event_id.tolist() == ['smi:local/' + i for i in cat.event_id]   # ObsPy prefixes bare ids
    pd.testing.assert_frame_equal(back[list(CATALOG_COLUMNS[:-1])], cat[list(CATALOG_COLUMNS[:-1])], check_exact=False, atol=1e-6)
    assert all(d[t] == m for d, t, m in zip(back.all_mags, back.mag_type, back.mag))   # the preferred one, also when its type is mb

def test_gulia_wiemer_roundtrip(tmp_path):
    cat = random_catalog(n=300, seed=3).assign(latitude=lambda d: d.latitude / 10 + 42, longitude=lambda d: d.longitude / 100 + 13)
    t = cat.time
    sec = t.dt.second + t.dt.microsecond / 1e6
    dec = np.round(_decimal_year(t), 4)
    a = np.c_[cat.longitude, cat.latitude, dec, t.dt.month, t.dt.day, cat.mag, cat.depth_km, t.dt.hour, t.dt.minute, sec, np.zeros(len(t))]
    np.savetxt(tmp_path/'syn.txt', a, fmt='%15.7e')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', CatalogWarning)   # random times may fall in the last minutes of a year
        back = read_gulia_wiemer(tmp_path/'syn.txt', mag_type='Mw')
    assert (np.abs((back.time - cat.time).dt.total_seconds()) < 1e-3).all()
    np.testing.assert_allclose(back.mag, cat.mag); np.testing.assert_allclose(back.depth_km, cat.depth_km, atol=1e-5)

def test_year_boundary_rule(tmp_path):
    "An event at 23:59 on 31 Dec 2016 rounds to decimal year 2017.0000; it must stay in 2016 (and one in early January must not move)."
    rows = ['13.1 42.8 2017.0000 12 31 2.0 10.0 23 59 0.00 1.0', '13.1 42.8 2017.0000 1 1 2.0 10.0 0 1 0.00 1.0']
    (tmp_path/'yb.txt').write_text('\n'.join(rows) + '\n')
    with pytest.warns(CatalogWarning, match='1 events dated in the next year'):
        c = read_gulia_wiemer(tmp_path/'yb.txt')
    assert c.time.tolist() == [pd.Timestamp('2016-12-31 23:59', tz='UTC'), pd.Timestamp('2017-01-01 00:01', tz='UTC')]

# --- magnitude conversion ------------------------------------------------------------------------------------------------
K, S = 'koehler2023', 'scordilis2006'

@pytest.mark.parametrize('rel,typ,m,mw', [
    (K, 'Ms', 3.0, 0.65*3.0 + 2.20), (K, 'Ms', 6.1, 0.65*6.1 + 2.20), (K, 'Ms', 6.2, 6.2 - 0.02), (K, 'Ms', 8.0, 8.0 - 0.02),
    (K, 'mb', 3.5, 0.85*3.5 + 1.02), (K, 'mb', 6.2, 0.85*6.2 + 1.02),
    (K, 'MJMA', 3.0, 0.58*3.0 + 2.25), (K, 'MJMA', 5.5, 0.58*5.5 + 2.25), (K, 'MJMA', 5.6, 0.97*5.6 + 0.04), (K, 'MJMA', 8.2, 0.97*8.2 + 0.04),
    (S, 'Ms', 3.0, 0.67*3.0 + 2.07), (S, 'Ms', 6.1, 0.67*6.1 + 2.07), (S, 'Ms', 6.2, 0.99*6.2 + 0.08), (S, 'Ms', 8.2, 0.99*8.2 + 0.08),
    (S, 'mb', 3.5, 0.85*3.5 + 1.03), (S, 'mb', 6.2, 0.85*6.2 + 1.03), (S, 'MJMA', 5.0, 0.58*5.0 + 2.25),
    (K, 'Mw', 7.3, 7.3), (K, 'ML', 4.0, 4.0), (K, 'MV', 5.0, 0.58*5.0 + 2.25), (K, 'MV', 6.0, 0.97*6.0 + 0.04)])
def test_branch_edges(rel, typ, m, mw):
    assert to_mw(m, typ, relations=rel, out_of_range='raise') == pytest.approx(mw, abs=1e-12)

@pytest.mark.parametrize('rel,typ,lo,hi', [(K, 'Ms', 6.1, 6.2), (K, 'MJMA', 5.5, 5.6), (S, 'Ms', 6.1, 6.2)])
def test_gaps_interpolate_between_branch_ends(rel, typ, lo, hi):
    y0, y1 = to_mw(lo, typ, relations=rel), to_mw(hi, typ, relations=rel)
    for f in (0.1, 0.5, 0.9):
        assert to_mw(lo + f*(hi - lo), typ, relations=rel, out_of_range='raise') == pytest.approx(y0 + f*(y1 - y0), abs=1e-9)
    canon = canonical_mag_type([typ])[0]
    mw, code = RELATIONS[rel][canon].convert([lo, (lo + hi) / 2, hi])
    assert code.tolist() == [0, 1, 0]

@pytest.mark.parametrize('rel', [K, S])
@pytest.mark.parametrize('typ', ['Ms', 'mb', 'M_JMA'])
def test_continuous_and_monotonic(rel, typ):
    x = np.linspace(2.0, 9.0, 7001)
    y, _ = RELATIONS[rel][typ].convert(x)
    assert np.all(np.diff(y) > 0)
    assert np.max(np.abs(np.diff(y))) < 0.002   # no jumps at branch edges or gaps (slopes <= 1 over a 0.001 step)

@pytest.mark.parametrize('rel,typ,m,a,b,code', [(K, 'Ms', 2.5, 0.65, 2.20, 2), (K, 'Ms', 8.5, 1.00, -0.02, 3), (K, 'MJMA', 2.0, 0.58, 2.25, 2),
                                                (K, 'MJMA', 8.6, 0.97, 0.04, 3), (K, 'mb', 3.0, 0.85, 1.02, 2), (S, 'Ms', 8.5, 0.99, 0.08, 3),
                                                (S, 'mb', 6.5, 0.85, 1.03, 3)])
def test_out_of_range(rel, typ, m, a, b, code):
    assert to_mw(m, typ, relations=rel) == pytest.approx(a*m + b, abs=1e-12)   # nearest branch extended
    assert np.isnan(to_mw(m, typ, relations=rel, out_of_range='nan'))
    with pytest.raises(CatalogError, match='outside the validity range'): to_mw(m, typ, relations=rel, out_of_range='raise')
    assert RELATIONS[rel][canonical_mag_type([typ])[0]].convert([m])[1][0] == code

def test_relation_sets_differ_where_published():
    assert to_mw(5.0, 'Ms', relations=K) == pytest.approx(5.45) and to_mw(5.0, 'Ms', relations=S) == pytest.approx(5.42)
    assert to_mw(5.0, 'mb', relations=K) == pytest.approx(5.27) and to_mw(5.0, 'mb', relations=S) == pytest.approx(5.28)
    with pytest.raises(ValueError, match="relations='nope'"): to_mw(5.0, 'Ms', relations='nope')

def test_homogenize_priority_and_report():
    cat = validate_catalog(pd.DataFrame(dict(time=pd.date_range('2001', periods=4, freq='D', tz='UTC'), latitude=[38.]*4, longitude=[142.]*4,
                                             depth_km=[10.]*4, mag=[5., 5., 5., 5.], mag_type=['MS', 'mb', 'MJMA', 'Mw'], event_id=list('abcd'),
                                             all_mags=[{'MS': 5.0, 'mb': 5.5}, {'mb': 5.0, 'ML': 4.0}, {'MJMA': 5.0}, {'Mw': 5.0, 'MS': 6.15}])))
    h = homogenize_magnitudes(cat, priority='koehler2023_isc')
    assert h.mw_from.tolist() == ['Ms', 'mb', 'M_JMA', 'Ms']    # the paper's order Ms > mb > Mv > ML > M_JMA, Mw last
    assert h.mag.tolist() == pytest.approx([5.45, 5.27, 0.58*5 + 2.25, (6.165 + 6.18) / 2])
    assert h.mw_gap.tolist() == [False, False, False, True] and not h.mw_extrapolated.any()
    assert h.mag_type.eq('Mw').all() and h.mag_orig.tolist() == [5.0, 5.0, 5.0, 6.15]
    assert homogenize_magnitudes(cat).mw_from.tolist() == ['Ms', 'mb', 'M_JMA', 'Mw']   # default: an Mw is kept
    with pytest.warns(CatalogWarning, match=r"1 of 4 events dropped: 1 with only types \{'M_JMA': 1\} outside priority"):
        h2 = homogenize_magnitudes(cat, priority=('Mw', 'mb'))
    assert h2.mw_from.tolist() == ['mb', 'mb', 'Mw'] and h2.event_id.tolist() == ['a', 'b', 'd']

@pytest.mark.parametrize('n', [0, 1, 50])
def test_homogenize_history_and_counts_add_up(n):
    r = np.random.default_rng(n)
    types = r.choice(['Mw', 'mb', 'MS', 'MJMA', 'ML', 'MV', 'Md', 'Me'], n)
    cat = validate_catalog(pd.DataFrame(dict(time=pd.date_range('2001', periods=max(n, 1), freq='D', tz='UTC')[:n], latitude=38.,
                                             longitude=142., depth_km=10., mag=np.round(r.uniform(3, 7, n), 1), mag_type=types,
                                             event_id=[str(i) for i in range(n)]))) if n else None
    if cat is None: return
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', CatalogWarning)
        h = homogenize_magnitudes(cat, priority='koehler2023_strict')
    rep = h.attrs['report']
    assert rep['n_in'] == rep['n_out'] + rep['n_not_in_priority'] + rep['n_unknown_dropped'] + rep['n_out_of_range_dropped']
    assert [x['step'] for x in h.attrs['history']] == ['validate', 'homogenize']

def test_homogenize_is_a_catalog():
    h = homogenize_magnitudes(read_fdsn_text(EX/'fdsn_text_japan.txt'))
    assert_schema(h); validate_catalog(h)

# --- filters -----------------------------------------------------------------------------------------------------------
def test_filter_each_criterion():
    cat = random_catalog(n=500, seed=4)
    f = filter_catalog(cat, region=(-100, 100, -30, 30), depth=(None, 70), time=('2005-01-01', '2015-01-01'), min_mag=5)
    r = f.attrs['report']
    m_reg = cat.longitude.between(-100, 100) & cat.latitude.between(-30, 30)
    m_dep = cat.depth_km <= 70
    m_t = (cat.time >= pd.Timestamp('2005-01-01', tz='UTC')) & (cat.time < pd.Timestamp('2015-01-01', tz='UTC'))
    assert r['region'] == (~m_reg).sum() and r['depth'] == (m_reg & ~m_dep).sum() and r['depth_unknown'] == 0
    assert r['time'] == (m_reg & m_dep & ~m_t).sum() and r['min_mag'] == (m_reg & m_dep & m_t & (cat.mag < 5)).sum()
    assert len(f) == r['n_out'] == 500 - sum(r[k] for k in ('region', 'depth', 'time', 'min_mag'))
    assert f.mag.min() >= 5 and f.depth_km.max() <= 70

@pytest.mark.parametrize('region', [(170, -170, -40, -10), (170, 190, -40, -10), (-190, -170, -40, -10), (160, -150, -60, 60),
                                    (-10, 10, -30, 30), (179.5, -179.5, -90, 90), (0, 360, -90, 90)])
@pytest.mark.parametrize('convention', ['-180..180', '0..360'])
def test_antimeridian_region_brute_force(region, convention):
    "Counts inside boxes crossing 180° equal a brute-force count: walk east from lon_min by at most the box width."
    r = np.random.default_rng(7)
    lon = np.r_[r.uniform(-180, 180, 3000), r.uniform(179, 181, 300), [180., -180., 170., -170., 190.]]
    cat = random_catalog(n=len(lon), seed=7).assign(longitude=lon, latitude=r.uniform(-89, 89, len(lon)))
    cat = validate_catalog(cat, lon_convention=convention)
    x0, x1, y0, y1 = region
    width = 360. if x1 - x0 >= 360 else (x1 - x0) % 360            # east from x0
    inside = [any(x0 <= lo + 360 * k <= x0 + width for k in (-2, -1, 0, 1, 2)) and y0 <= la <= y1
              for lo, la in zip(cat.longitude, cat.latitude)]
    assert len(filter_catalog(cat, region=region)) == sum(inside) > 0

def test_wrap_lon_round_trip():
    x = np.random.default_rng(8).uniform(-360, 360, 10000)
    a, b = wrap_lon(x), wrap_lon(x, '0..360')
    assert ((a >= -180) & (a <= 180)).all() and ((b >= 0) & (b <= 360)).all()
    assert np.allclose(np.cos(np.radians(a)), np.cos(np.radians(x))) and np.allclose(wrap_lon(b), a)
    d = great_circle_deg(10, x, 10, a)
    assert np.nanmax(d) < 1e-6

def test_time_window_half_open():
    cat = random_catalog(n=100, seed=5)
    t = cat.time[50]
    a, b = filter_catalog(cat, time=(None, t)), filter_catalog(cat, time=(t, None))
    assert len(a) + len(b) == 100 and len(a) == 50
